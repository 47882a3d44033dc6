"""Module-scoped runs of the fixture project with the package hook, on DuckDB and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import PG_DSN
from tests.dbt_package.warehouse import (
    Run,
    build,
    dativo_schema,
    execute,
    schema_exists,
    table_exists,
)
from tests.helpers.dbt import REPO_ROOT, DbtProject, copy_project

FIXTURE = REPO_ROOT / "tests" / "fixtures" / "dbt_package_project"

#: The second invocation's scoring configuration (exercises every key of var dativo_dbt_scoring).
CUSTOM_SCORING = {
    "dimension_weights": {
        "completeness": 0.3,
        "accuracy": 0.1,
        "validity": 0.2,
        "consistency": 0.1,
        "timeliness": 0.1,
        "uniqueness": 0.2,
    },
    "severity_weights": {"critical": 5.0, "warning": 2.0, "info": 1.0},
    "baseline_score": 60,
    "max_positive_influence": 25,
    "max_negative_influence": 40,
    "empty_dimensions": "exclude",
}
BATCH_SIZE = 4


@dataclass
class TwoRuns:
    project: DbtProject
    first: Run  # default configuration
    table_after_seed: bool  # did `dbt seed` (no test ran) create the results table?
    second: Run  # CUSTOM_SCORING, insert batches of BATCH_SIZE


def drop_pg_schemas(prefix: str) -> None:
    import psycopg2

    conn = psycopg2.connect(PG_DSN)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("select nspname from pg_namespace where nspname like %s", (prefix + "%",))
        for (schema,) in cur.fetchall():
            cur.execute(f'drop schema if exists "{schema}" cascade')
    conn.close()


def run_twice(tmp: Path, target: str, pg_schema: str | None) -> TwoRuns:
    import yaml

    project = DbtProject(copy_project(FIXTURE, tmp / "project"), target=target, pg_schema=pg_schema)
    project.dbt("deps")
    project.dbt("seed")
    table_after_seed = table_exists(
        project, dativo_schema(project), "dativo_test_runs"
    ) or schema_exists(project, dativo_schema(project))
    # An older results table with only two columns: the hook adds the missing ones.
    schema = dativo_schema(project)
    execute(project, f"create schema {schema}")
    execute(
        project,
        f"create table {schema}.dativo_test_runs (invocation_id varchar(64), status varchar(16))",
    )
    first = build(project, "first")
    second_vars = {"dativo_dbt_scoring": CUSTOM_SCORING, "dativo_dbt_insert_batch_size": BATCH_SIZE}
    second = build(project, "second", "--vars", yaml.safe_dump(second_vars))
    return TwoRuns(project=project, first=first, second=second, table_after_seed=table_after_seed)


@pytest.fixture(scope="module")
def duckdb_runs(tmp_path_factory: pytest.TempPathFactory) -> TwoRuns:
    return run_twice(tmp_path_factory.mktemp("pkg_duckdb"), "duckdb", None)


@pytest.fixture(scope="module")
def postgres_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TwoRuns]:
    schema = f"dativo_pkg_{uuid.uuid4().hex[:8]}"
    try:
        yield run_twice(tmp_path_factory.mktemp("pkg_pg"), "postgres", schema)
    finally:
        drop_pg_schemas(schema)
