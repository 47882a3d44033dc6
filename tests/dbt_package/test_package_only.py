"""The dativo_dbt package installed ALONE (no dbt_expectations, published or offline): the project
parses, and `dbt build` runs its dativo tests, a batch of every batchable kind that needs no
dbt_expectations, and the results hook."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from dativo_dbt.artifacts.interface import read_batch_results

from tests.dbt_package.conftest import drop_pg_schemas
from tests.dbt_package.warehouse import dativo_schema, query
from tests.helpers.dbt import REPO_ROOT, DbtProject, copy_project

FIXTURE = REPO_ROOT / "tests" / "fixtures" / "dbt_package_only_project"

#: check name -> failures the per-check test would report (see the fixture's seed)
EXPECTED = {
    "events_id_not_null": 1,
    "events_amount_between": 2,
    "events_status_in_set": 1,
    "events_status_not_in_set": 1,
    "events_status_accepted": 1,
    "events_k_unique": 1,
    "events_amount_stddev": 0,
    "events_row_count": 1,
    "events_created_recent": 0,
    "events_created_dativo_recent": 0,
}


def _build_alone(tmp: Path, target: str, pg_schema: str | None) -> None:
    project = DbtProject(copy_project(FIXTURE, tmp / "project"), target=target, pg_schema=pg_schema)
    project.dbt("deps")
    installed = sorted(p.name for p in (project.path / "dbt_packages").iterdir())
    assert installed == ["dativo_dbt"]
    project.dbt("parse")
    project.dbt("build")
    results = json.loads((project.path / "target" / "run_results.json").read_text())
    by_name = {r["unique_id"].split(".")[2]: r for r in results["results"]}
    assert by_name["dativo_events__created_at_recent"]["status"] == "pass"
    batch = by_name["dativo_events__batch_warn"]
    assert batch["status"] == "warn"
    assert batch["failures"] == sum(1 for n in EXPECTED.values() if n)
    payload = read_batch_results(batch["compiled_code"])
    assert payload is not None and payload.failures == EXPECTED
    # the on-run-end hook recorded the run
    rows = query(
        project,
        f"select status from {dativo_schema(project)}.dativo_test_runs "
        "where test_name = 'dativo_events__created_at_recent'",
    )
    assert [r["status"] for r in rows] == ["pass"]


def test_package_alone_duckdb(tmp_path: Path) -> None:
    _build_alone(tmp_path, "duckdb", None)


@pytest.mark.postgres
def test_package_alone_postgres(tmp_path: Path) -> None:
    schema = f"dativo_pkgonly_{uuid.uuid4().hex[:8]}"
    try:
        _build_alone(tmp_path, "postgres", schema)
    finally:
        drop_pg_schemas(schema)
