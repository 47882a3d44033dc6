"""The integration project (contracts -> generated tests) built once with only the dbt package:
the warehouse then holds its results and scores, equal to `dativo-dbt score` for every model."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.dbt_package.conftest import drop_pg_schemas
from tests.dbt_package.test_package_scores import (
    assert_gates_match,
    assert_scores_match,
    recorded_tests,
)
from tests.dbt_package.warehouse import Run, build, dativo_schema, query
from tests.helpers.dbt import REPO_ROOT, DbtProject, copy_project

ENABLE = "{dativo_dbt_enabled: true}"


def build_integration(tmp: Path, target: str, pg_schema: str | None) -> tuple[DbtProject, Run]:
    project = DbtProject(
        copy_project(REPO_ROOT / "integration_tests", tmp / "it"),
        target=target,
        pg_schema=pg_schema,
    )
    assert "dativo_dbt.record_results(results)" in (project.path / "dbt_project.yml").read_text()
    project.dbt("deps")
    return project, build(project, "only", "--vars", ENABLE)


@pytest.fixture(scope="module")
def it_duckdb(tmp_path_factory: pytest.TempPathFactory) -> tuple[DbtProject, Run]:
    return build_integration(tmp_path_factory.mktemp("it_duckdb"), "duckdb", None)


@pytest.fixture(scope="module")
def it_postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DbtProject, Run]]:
    schema = f"dativo_itp_{uuid.uuid4().hex[:8]}"
    try:
        yield build_integration(tmp_path_factory.mktemp("it_pg"), "postgres", schema)
    finally:
        drop_pg_schemas(schema)


def check(project: DbtProject, run: Run) -> None:
    rows = query(
        project,
        f"select test_unique_id, status from {dativo_schema(project)}.dativo_test_results "
        f"where invocation_id = '{run.invocation_id}'",
    )
    expected = recorded_tests(run)
    assert {r["test_unique_id"]: r["status"] for r in rows} == {
        u: r["status"] for u, r in expected.items()
    }
    assert len(rows) >= 20
    assert_scores_match(run, None)
    assert_gates_match(run, None)


def test_integration_project_sql_scores_equal_python_duckdb(
    it_duckdb: tuple[DbtProject, Run],
) -> None:
    check(*it_duckdb)


@pytest.mark.postgres
def test_integration_project_sql_scores_equal_python_postgres(
    it_postgres: tuple[DbtProject, Run],
) -> None:
    check(*it_postgres)
