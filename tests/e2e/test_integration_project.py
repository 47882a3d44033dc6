"""The real flow on the example project: generate (--check), dbt deps, dbt build, then each check's
status by its meta.dativo.check, on DuckDB (and once on PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.expected import EXPECTED
from tests.helpers.dbt import REPO_ROOT, DbtProject, copy_project


def _build(project: DbtProject) -> str:
    """generate --check, deps, build (fails on purpose: one blocking critical check) -> stdout."""
    project.dativo("validate")
    project.dativo("generate", "--check")  # the committed files are fresh ...
    committed = {p: p.read_bytes() for p in project.path.rglob("_dativo__*.yml")}
    assert len(committed) == 4
    for path in committed:
        path.unlink()
    project.dativo("generate")  # ... and generate rewrites them byte for byte
    assert {p: p.read_bytes() for p in project.path.rglob("_dativo__*.yml")} == committed
    project.dbt("deps")
    proc = project.dbt("build", expect_rc=1)
    return proc.stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[DbtProject, str]:
    dest = tmp_path_factory.mktemp("e2e") / "integration_tests"
    project = DbtProject(copy_project(REPO_ROOT / "integration_tests", dest))
    return project, _build(project)


def test_every_check_has_its_expected_status(built: tuple[DbtProject, str]) -> None:
    project, _ = built
    assert project.results_by_check() == EXPECTED


def test_dbt_parses_generated_files_without_deprecations(built: tuple[DbtProject, str]) -> None:
    _, stdout = built
    assert "Deprecat" not in stdout and "deprecat" not in stdout
    assert "PASS=" in stdout


def test_tests_carry_interface_meta_and_severity(built: tuple[DbtProject, str]) -> None:
    project, _ = built
    nodes = project.manifest()["nodes"]
    by_name = {n["name"]: n for n in nodes.values()}
    test = by_name["dativo_stripe_customers__email_format"]
    config = test["config"]
    assert config["severity"] == "warn"  # quarantine -> warn
    assert config["store_failures"] is True
    assert set(config["tags"]) == {"dativo", "dativo__stripe_customers"}  # dbt may repeat them
    assert config["meta"]["dativo"] == {
        "contract": "stripe_customers",
        "contract_version": "1.0",
        "check": "email_format",
        "check_type": "regex",
        "origin": "soda",
        "dimension": "validity",
        "severity": "critical",  # `error` in the contract
        "weight": None,
        "column": "email",
        # quarantine: stored as dativo_dbt.quarantine_rows, standing for this test
        "replaces": "dbt_expectations.expect_column_values_to_match_regex",
    }
    assert test["test_metadata"]["name"] == "quarantine_rows"
    blocking = by_name["dativo_ml_features_user_behavior__expect_column_values_to_not_be_null"]
    assert blocking["config"]["severity"] == "error"  # block + critical
    model = by_name["stripe_customers"]
    assert model["config"]["contract"]["enforced"] is True
    assert model["columns"]["balance"]["data_type"] == "double precision"
    meta = model["config"]["meta"]["dativo"]
    assert meta["contract"] == "stripe_customers" and meta["tier"] == "gold"
    assert meta["on_quality_violation"] == "quarantine"
    assert meta["quarantine"] == {"enabled": True, "retention_days": 30}


def test_quarantine_stores_failing_rows(built: tuple[DbtProject, str]) -> None:
    import duckdb

    project, _ = built
    con = duckdb.connect(str(project.path / "target" / "warehouse.duckdb"), read_only=True)
    try:
        rows = con.sql(
            "select * from main_dativo_quarantine.dativo_stripe_customers__email_format"
        ).fetchall()
        survivor = con.sql("select id, note from main.x").fetchall()
    finally:
        con.close()
    assert len(rows) == 1
    # the contract's "'); drop table x; --" was compared as a value, never executed
    assert survivor == [(1, "must survive the value-set and pattern checks")]


def test_source_freshness_from_the_sla(built: tuple[DbtProject, str]) -> None:
    project, _ = built
    project.dbt("source", "freshness", expect_rc=0)  # warn_after only: stale data warns
    sources = json.loads((project.path / "target" / "sources.json").read_text())
    (result,) = sources["results"]
    assert result["unique_id"] == "source.dativo_integration_tests.shop.raw_orders"
    assert result["status"] == "warn"  # the example data is from January 2026


def test_score_report_and_history_after_the_build(
    built: tuple[DbtProject, str], tmp_path: Path
) -> None:
    """The quickstart's steps after `dbt build`: score (a gate fails on purpose → exit 1), the
    HTML report names every model and every failing check, and history holds the run."""
    project, _ = built
    scored = project.dativo("score", "--format", "json", expect_rc=1)
    score = json.loads(scored.stdout)
    models = {m["name"] for m in score["models"]}
    assert {"stripe_customers", "ml_features_user_behavior", "orders"} <= models
    failing = {
        c["check"]
        for m in score["models"]
        for c in m["checks"]
        if c["status"] in ("fail", "warn", "error")
    }
    assert failing
    report = tmp_path / "report.html"
    project.dativo("report", "--output", str(report))
    html = report.read_text()
    for name in models | failing:
        assert name in html, name
    history = project.dativo("history", "--format", "json")
    assert "stripe_customers" in history.stdout


@pytest.mark.postgres
def test_every_check_on_postgres(tmp_path: Path, pg_schema: str) -> None:
    project = DbtProject(
        copy_project(REPO_ROOT / "integration_tests", tmp_path / "integration_tests"),
        target="postgres",
        pg_schema=pg_schema,
    )
    _build(project)
    assert project.results_by_check() == EXPECTED
    import psycopg2

    from tests.conftest import PG_DSN

    conn = psycopg2.connect(PG_DSN)
    try:
        with conn.cursor() as cur:
            cur.execute(f'select id, note from "{pg_schema}".x')
            survivor = cur.fetchall()
    finally:
        conn.close()
    assert survivor == [(1, "must survive the value-set and pattern checks")]
