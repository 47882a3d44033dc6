"""Batched execution gives the per-check outcomes of per-check execution, on real dbt runs
(DuckDB, and PostgreSQL with the `postgres` marker): same status and failure count per check."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from dativo_dbt.artifacts.batches import batch_entries, expand_batched_artifacts

from bench.batched_project import write_project
from tests.batched.edge_project import EXPECTED_FAILURES, edge_checks, model_sql
from tests.helpers.dbt import DbtProject

MODES = ("per-check", "batched", "batched-metrics")

# An on-run-end hook that stores what dativo_dbt.batched_check_results() reads from each batch
# (the dbt-only path), to compare with the Python expansion.
HOOK = """{% macro store_batched(results) %}
  {%- if execute -%}
  {%- set rows = [] -%}
  {%- for res in results if res.node.resource_type == 'test' and dativo_dbt.is_batched_result(res) -%}
    {%- for r in dativo_dbt.batched_check_results(res) -%}
      {%- do rows.append("select '" ~ r.meta.check ~ "' as check_name, '" ~ r.status ~ "' as status, "
          ~ (r.failures if r.failures is not none else 'null') ~ " as failures") -%}
    {%- endfor -%}
  {%- endfor -%}
  {%- if rows -%}
    {%- call statement('hook_outcomes', auto_begin=True) -%}
      create table {{ target.schema }}.hook_outcomes as {{ rows | join(" union all ") }}
    {%- endcall -%}
    {%- do adapter.commit() -%}
  {%- endif -%}
  {%- endif -%}
{% endmacro %}
"""


def _run(path: Path, target: str, pg_schema: str | None) -> dict[str, Any]:
    project = DbtProject(path, target=target, pg_schema=pg_schema)
    project.dbt("deps")
    project.dbt("build", expect_rc=1)  # error-severity checks fail in every mode
    manifest, results = expand_batched_artifacts(project.manifest(), project.run_results())
    outcomes: dict[str, tuple[str, Any]] = {}
    tests = 0
    for result in project.run_results()["results"]:
        tests += result["unique_id"].startswith("test.")
    for result in results["results"]:
        node = manifest["nodes"][result["unique_id"]]
        if node["resource_type"] == "test":
            check = node["config"]["meta"]["dativo"]["check"]
            outcomes[check] = (result["status"], result["failures"])
    return {"outcomes": outcomes, "test_nodes": tests, "project": project}


def _run_modes(tmp: Path, target: str, pg_schema: str | None = None) -> dict[str, dict[str, Any]]:
    runs = {}
    for mode in MODES:
        path = write_project(
            tmp / mode,
            mode=mode,
            checks=edge_checks(),
            target=target,
            duckdb_path=tmp / f"{mode}.duckdb",
            pg_schema=f"{pg_schema}_{mode.replace('-', '_')}" if pg_schema else None,
            model_sql=model_sql(),
            threads=2,
            on_run_end="{{ store_batched(results) }}" if mode == "batched" else None,
            macros={"store_batched.sql": HOOK},
        )
        runs[mode] = _run(path, target, None)
    return runs


def _assert_identical(runs: dict[str, dict[str, Any]]) -> None:
    reference = runs["per-check"]["outcomes"]
    assert {name: failures for name, (_, failures) in reference.items()} == EXPECTED_FAILURES
    assert all(status != "error" for status, _ in reference.values())
    for mode in MODES[1:]:
        assert runs[mode]["outcomes"] == reference, mode
    assert runs["per-check"]["test_nodes"] == len(EXPECTED_FAILURES)
    # one node for error and warn checks; the custom test runs inside it as its own subquery
    assert runs["batched"]["test_nodes"] == 1
    assert runs["batched-metrics"]["test_nodes"] == len(EXPECTED_FAILURES)


def _status(runs: dict[str, dict[str, Any]], check: str) -> str:
    return str(runs["batched"]["outcomes"][check][0])


@pytest.fixture(scope="module")
def duckdb_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    return _run_modes(tmp_path_factory.mktemp("batched_duckdb"), "duckdb")


def test_duckdb_batched_outcomes_identical_to_per_check(
    duckdb_runs: dict[str, dict[str, Any]],
) -> None:
    _assert_identical(duckdb_runs)
    # severity survives batching: error checks fail, warn checks warn
    assert _status(duckdb_runs, "email_not_regex") == "fail"
    assert _status(duckdb_runs, "not_null_email_rc") == "warn"
    assert _status(duckdb_runs, "row_count_equal") == "pass"


def test_duckdb_batch_records_every_check_in_run_results(
    duckdb_runs: dict[str, dict[str, Any]],
) -> None:
    project = duckdb_runs["batched"]["project"]
    batches = [r for r in project.run_results()["results"] if "__batched" in r["unique_id"]]
    assert len(batches) == 1
    assert batches[0]["status"] == "fail"  # error checks failed
    for result in batches:
        header = result["compiled_code"].split("dativo_batched_results ", 1)[1].split(" */", 1)[0]
        counts = json.loads(header)["failures"]
        node = project.manifest()["nodes"][result["unique_id"]]
        listed = [entry.test_name for entry in batch_entries(node["config"]["meta"]["dativo"])]
        assert sorted(counts) == sorted(listed)
        assert result["failures"] == sum(1 for n in counts.values() if n > 0)


def _severity(entry: dict[str, Any]) -> str:
    return str(next(iter(entry.values()))["config"]["severity"])


def _name(entry: dict[str, Any]) -> str:
    return str(next(iter(entry.values()))["name"]).split("__", 1)[1]


@pytest.mark.parametrize(
    ("failing", "node_status", "rc"),
    [("warn", "warn", 0), ("none", "pass", 0), ("error", "fail", 1)],
)
def test_duckdb_batch_node_status_follows_the_failed_checks_severity(
    tmp_path: Path, failing: str, node_status: str, rc: int
) -> None:
    """Error and warn checks share one node: it fails (and `dbt build` exits 1) only when an error
    check failed, warns when only warn checks failed, passes when none failed."""

    def keep(entry: dict[str, Any]) -> bool:
        # the checks of severity `failing` that fail, and every passing check
        return EXPECTED_FAILURES[_name(entry)] == 0 or _severity(entry) == failing

    checks = [(column, entry) for column, entry in edge_checks() if keep(entry)]
    assert {_severity(e) for _, e in checks} == {"error", "warn"}  # a mixed batch
    path = write_project(
        tmp_path / "p",
        mode="batched",
        checks=checks,
        duckdb_path=tmp_path / "p.duckdb",
        model_sql=model_sql(),
        threads=1,
    )
    project = DbtProject(path, target="duckdb")
    project.dbt("deps")
    project.dbt("build", expect_rc=rc)
    results = project.run_results()["results"]
    (batch,) = [r for r in results if r["unique_id"].startswith("test.")]
    assert batch["status"] == node_status
    manifest, expanded = expand_batched_artifacts(project.manifest(), project.run_results())
    statuses = {
        manifest["nodes"][r["unique_id"]]["config"]["meta"]["dativo"]["check"]: r["status"]
        for r in expanded["results"]
        if r["unique_id"].startswith("test.")
    }
    assert len(statuses) == len(checks)
    for _, entry in checks:
        fails = EXPECTED_FAILURES[_name(entry)] > 0
        want = ("fail" if _severity(entry) == "error" else "warn") if fails else "pass"
        assert statuses[_name(entry)] == want, _name(entry)


def test_duckdb_on_run_end_hook_sees_every_check(duckdb_runs: dict[str, dict[str, Any]]) -> None:
    import duckdb

    project = duckdb_runs["batched"]["project"]
    con = duckdb.connect(str(project.path.parent / "batched.duckdb"), read_only=True)
    try:
        rows = con.execute("select check_name, status, failures from main.hook_outcomes").fetchall()
    finally:
        con.close()
    # every check, the custom one included (it runs inside its batch)
    expected = dict(duckdb_runs["batched"]["outcomes"])
    assert {name: (status, failures) for name, status, failures in rows} == expected


def test_duckdb_quarantine_samples_only_for_failed_checks(
    duckdb_runs: dict[str, dict[str, Any]],
) -> None:
    import duckdb

    project = duckdb_runs["batched"]["project"]
    con = duckdb.connect(str(project.path.parent / "batched.duckdb"), read_only=True)
    try:
        tables = {
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'main_dativo_quarantine'"
            ).fetchall()
        }
        # failed quarantine checks: their failing rows; passing ones (dbt_unique_id): no sample
        assert "dativo_edge__email_regex" in tables
        assert "dativo_edge__dbt_unique_id" not in tables
        emails = sorted(
            r[0]
            for r in con.execute(
                "select email from main_dativo_quarantine.dativo_edge__email_regex"
            ).fetchall()
        )
        assert emails == ["bad-email", "it's@x.com"]
        dup = con.execute(
            "select email, n_records from main_dativo_quarantine.dativo_edge__email_unique"
        ).fetchall()
        assert dup == [("a@x.com", 2)]
    finally:
        con.close()


@pytest.mark.postgres
def test_postgres_batched_outcomes_identical_to_per_check(tmp_path: Path, pg_schema: str) -> None:
    runs = _run_modes(tmp_path, "postgres", pg_schema)
    _assert_identical(runs)
    import psycopg2

    from tests.conftest import PG_DSN

    conn = psycopg2.connect(PG_DSN)
    try:
        with conn.cursor() as cur:
            cur.execute(
                f'select check_name, status, failures from "{pg_schema}_batched".hook_outcomes'
            )
            hook = {name: (status, failures) for name, status, failures in cur.fetchall()}
    finally:
        conn.close()
    # every check, the custom one included (it runs inside its batch)
    assert hook == dict(runs["batched"]["outcomes"])
    assert _status(runs, "currency_set") == "fail"
    assert _status(runs, "balance_range_strict") == "warn"
