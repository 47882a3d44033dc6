"""Live schema enforcement at `dbt build`, on DuckDB and PostgreSQL, in both execution modes.

Sources and models drift from their asset schema in every way (extra column, missing column,
retyped column, nulls in a required column); each schema check's outcome and dbt severity follow
`on_schema_violation`: block -> error (model: dbt's enforced contract), warn and quarantine -> warn.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.dbt import DbtProject
from tests.schema.project import make_project

DRIFT = {  # check -> (failing rows, the same for every drifted node)
    "schema_columns": 2,  # missing `created`, unexpected `extra_col`
    "schema_types": 1,  # `amount` retyped
    "schema_required_id": 0,
    "schema_required_email": 1,  # one NULL
}


def _expected() -> dict[str, dict[str, tuple[str, str, int | None]]]:
    """node -> check -> (status, dbt severity, failures)."""
    out: dict[str, dict[str, tuple[str, str, int | None]]] = {}
    for node, action in (("src_block", "block"), ("src_warn", "warn"),
                         ("src_quarantine", "quarantine"), ("m_warn", "warn"),
                         ("m_quarantine", "quarantine")):  # fmt: skip
        sev = "error" if action == "block" else "warn"
        bad = "fail" if action == "block" else "warn"
        out[node] = {c: ("pass" if n == 0 else bad, sev, n) for c, n in DRIFT.items()}
    # block + strict_mode on a model: dbt's enforced contract stops the build; its skipped tests
    # fail closed as errors (the model did not build: DQ108)
    out["m_block"] = {c: ("error", "error", None) for c in ("schema_required_id",
                                                             "schema_required_email")}  # fmt: skip
    # block with only allow_type_changes: false: no dbt contract, the schema tests fail with error
    out["m_block_types"] = {
        "schema_types": ("fail", "error", 1),
        "schema_required_id": ("pass", "error", 0),
        "schema_required_email": ("fail", "error", 1),
    }
    out["m_clean"] = {c: ("pass", "warn", 0) for c in DRIFT}
    out["src_clean"] = {c: ("pass", "error", 0) for c in DRIFT}
    return out


EXPECTED = _expected()


def _outcomes(project: DbtProject) -> tuple[dict[str, Any], dict[str, Any]]:
    """(node -> check -> (status, dbt severity, failures), node -> gate) from `score --format json`."""
    proc = project.dativo("score", "--format", "json", expect_rc=None)
    assert proc.returncode in (0, 1), proc.stderr
    doc = json.loads(proc.stdout)
    checks: dict[str, Any] = {}
    gates: dict[str, Any] = {}
    for m in doc["models"]:
        uid = m["unique_id"]
        node = uid.split(".")[2] if uid.startswith("source.") else m["name"]
        checks[node] = {c["check"]: (c["status"], c["dbt_severity"], c["failures"])
                        for c in m["checks"]}  # fmt: skip
        for c in m["checks"]:
            assert (c["origin"], c["dimension"]) == ("schema", "consistency"), c
        gates[node] = m["gate"]
    return checks, gates


def _build_and_check(project: DbtProject, execution: str) -> None:
    project.dativo("generate", "--execution", execution)
    project.dbt("build", expect_rc=1)  # block: m_block's contract and src_block's tests error
    checks, gates = _outcomes(project)
    assert checks == EXPECTED
    dq109 = {
        n for n, g in gates.items() if any(v["code"] == "DATIVO-DQ109" for v in g["violations"])
    }
    assert dq109 == {"src_block", "m_block_types", "m_block"}  # m_block: its checks errored
    for node in ("src_block", "m_block_types"):
        assert not gates[node]["passed"]
    codes = {v["code"] for v in gates["m_block"]["violations"]}
    assert not gates["m_block"]["passed"] and "DATIVO-DQ108" in codes, gates["m_block"]
    for node in ("src_warn", "src_quarantine", "m_warn", "m_quarantine", "m_clean", "src_clean"):
        assert gates[node]["passed"], (node, gates[node])
    results = {r["unique_id"]: r for r in project.run_results()["results"]}
    block = results["model.schema_e2e.m_block"]
    assert block["status"] == "error" and "contract" in block["message"]


def _failure_rows(project: DbtProject, pg: bool) -> list[tuple[Any, ...]]:
    """The stored failing rows of m_quarantine's strict_mode check (they name the columns)."""
    sql = "select problem, column_name from {schema}.dativo_m_quarantine__schema_columns order by 1"
    if pg:
        import psycopg2

        from tests.conftest import PG_DSN

        conn = psycopg2.connect(PG_DSN)
        try:
            with conn.cursor() as cur:
                cur.execute(sql.format(schema=f'"{project.pg_schema}_dativo_quarantine"'))
                return list(cur.fetchall())
        finally:
            conn.close()
    import duckdb

    conn = duckdb.connect(str(project.path / "target" / "warehouse.duckdb"), read_only=True)
    try:
        return conn.sql(sql.format(schema="main_dativo_quarantine")).fetchall()
    finally:
        conn.close()


def _run(project: DbtProject, pg: bool) -> None:
    project.dbt("deps")
    _build_and_check(project, "per-check")
    assert _failure_rows(project, pg) == [("missing", "created"), ("unexpected", "extra_col")]
    _build_and_check(project, "batched")


def test_schema_drift_duckdb(tmp_path: Path) -> None:
    _run(make_project(tmp_path / "p"), pg=False)


@pytest.mark.postgres
def test_schema_drift_postgres(tmp_path: Path, pg_schema: str) -> None:
    _run(make_project(tmp_path / "p", target="postgres", pg_schema=pg_schema), pg=True)
