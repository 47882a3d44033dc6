"""Fail closed on a real dbt build (issue 14 item 1): `stripe_customers` (gold, strict_mode) with an
asset column typed `integer` where the model returns BIGINT. dbt's enforced model contract errors
the model and skips its tests; `score`, `gate`, the SQL `dativo_gate_verdicts` and lineage must all
fail it (DATIVO-DQ108), never report it at 100 / gate pass / 0-of-0 checks."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.dbt_package.conftest import drop_pg_schemas
from tests.dbt_package.warehouse import dativo_schema, query
from tests.helpers.dbt import REPO_ROOT, DbtProject, copy_project

MODEL = "model.dativo_integration_tests.stripe_customers"


def break_stripe_customers(path: Path) -> None:
    """Asset column `balance` typed integer; the model returns BIGINT: the dbt contract fails."""
    asset = path / "contracts" / "assets" / "stripe_customers.asset.yml"
    text = asset.read_text()
    old = "    - name: balance\n      type: double\n"
    assert old in text
    asset.write_text(text.replace(old, "    - name: balance\n      type: integer\n"))
    model = path / "models" / "stripe" / "stripe_customers.sql"
    sql = model.read_text()
    cast = "cast(balance as {{ dativo_dbt.type_double() }})"
    assert cast in sql
    model.write_text(sql.replace(cast, "cast(balance as bigint)"))


def build_broken(dest: Path, target: str, pg_schema: str | None) -> DbtProject:
    project = DbtProject(
        copy_project(REPO_ROOT / "integration_tests", dest), target=target, pg_schema=pg_schema
    )
    break_stripe_customers(project.path)
    project.dativo("generate")
    project.dbt("deps")
    proc = project.dbt("build", expect_rc=1)
    assert "contract" in proc.stdout.lower(), proc.stdout[-3000:]
    return project


@pytest.fixture(
    scope="module", params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def broken(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DbtProject]:
    target = request.param
    schema = f"dativo_fc_{uuid.uuid4().hex[:8]}" if target == "postgres" else None
    try:
        yield build_broken(tmp_path_factory.mktemp(f"fc_{target}") / "it", target, schema)
    finally:
        if schema is not None:
            drop_pg_schemas(schema)


def score_json(project: DbtProject, tmp: Path) -> dict[str, Any]:
    out = tmp / "score.json"
    proc = project.dativo("score", "--format", "json", "--output", str(out), expect_rc=1)
    assert "DATIVO-DQ108" in proc.stdout + proc.stderr or out.is_file()
    doc: dict[str, Any] = json.loads(out.read_text())
    return doc


def test_dbt_errored_the_model_and_skipped_its_tests(broken: DbtProject) -> None:
    results = broken.run_results()["results"]
    by_id = {r["unique_id"]: r for r in results}
    assert by_id[MODEL]["status"] == "error"
    manifest = broken.manifest()["nodes"]
    tests = [u for u, n in manifest.items() if n.get("attached_node") == MODEL]
    assert tests and {by_id[u]["status"] for u in tests if u in by_id} == {"skipped"}


def test_score_fails_the_model_with_dq108(broken: DbtProject, tmp_path: Path) -> None:
    doc = score_json(broken, tmp_path)
    model = next(m for m in doc["models"] if m["unique_id"] == MODEL)
    assert model["build_status"] == "error"
    assert model["gate"]["passed"] is False
    codes = [v["code"] for v in model["gate"]["violations"] if v["level"] == "error"]
    assert "DATIVO-DQ108" in codes
    # every check of its contract did not run: counted as an error, never as passed
    assert model["checks_total"] > 0
    assert {c["status"] for c in model["checks"]} == {"error"}
    assert all(c["message"].startswith("not run: model stripe_customers") for c in model["checks"])
    assert model["checks_passed"] == 0 and model["checks_scored"] == model["checks_total"]
    assert model["score"] is not None and model["score"] < 100
    assert doc["summary"]["gate_passed"] is False


def test_gate_exits_1_naming_dq108(broken: DbtProject) -> None:
    proc = broken.dativo("gate", expect_rc=1)
    out = proc.stdout + proc.stderr
    assert "DATIVO-DQ108" in out and "stripe_customers" in out


def test_sql_gate_verdicts_fail_it_with_the_python_score(
    broken: DbtProject, tmp_path: Path
) -> None:
    schema = dativo_schema(broken)
    rows = query(
        broken,
        f"select * from {schema}.dativo_gate_verdicts where model_unique_id = '{MODEL}'",
    )
    assert len(rows) == 1
    assert rows[0]["build_violation"] == 1 and not rows[0]["gate_passed"]
    doc = score_json(broken, tmp_path)
    model = next(m for m in doc["models"] if m["unique_id"] == MODEL)
    assert abs(float(rows[0]["score"]) - model["score"]) < 0.01
    recorded = query(
        broken,
        f"select status, model_status from {schema}.dativo_latest_test_results "
        f"where model_unique_id = '{MODEL}'",
    )
    assert recorded and {(r["status"], r["model_status"]) for r in recorded} == {("error", "error")}


def test_lineage_emits_fail_for_the_model(broken: DbtProject, tmp_path: Path) -> None:
    out = tmp_path / "events.jsonl"
    broken.dativo("lineage", "--output", str(out))
    events = [json.loads(line) for line in out.read_text().splitlines() if line.strip()]
    ends = [
        e
        for e in events
        if e["eventType"] in ("COMPLETE", "FAIL") and "stripe_customers" in e["job"]["name"]
    ]
    assert len(ends) == 1 and ends[0]["eventType"] == "FAIL"
    message = ends[0]["run"]["facets"]["errorMessage"]["message"]
    assert message.startswith("model did not build (dbt status error)")


def test_unknown_statuses_in_real_run_results_are_refused(
    broken: DbtProject, tmp_path: Path
) -> None:
    target = tmp_path / "target"
    target.mkdir()
    (target / "manifest.json").write_bytes((broken.path / "target" / "manifest.json").read_bytes())
    doc = broken.run_results()
    test = next(r for r in doc["results"] if r["unique_id"].startswith("test."))
    test["status"] = "PASSED"
    (target / "run_results.json").write_text(json.dumps(doc))
    for command in ("score", "gate"):
        proc = broken.dativo(command, "--target-dir", str(target), expect_rc=2)
        assert str(target / "run_results.json") in proc.stderr
        assert "unknown result status 'PASSED'" in proc.stderr and test["unique_id"] in proc.stderr


def test_nan_weight_is_dq001_even_under_a_locking_enterprise_layer(
    broken: DbtProject, tmp_path: Path
) -> None:
    enterprise = tmp_path / "enterprise.yml"
    enterprise.write_text(
        "layer: enterprise\nlocked: [scoring.severity_weights]\n"
        "scoring:\n  severity_weights: {critical: .nan}\n"
    )
    proc = broken.dativo(
        "score", expect_rc=2, extra_env={"DATIVO_ENTERPRISE_CONFIG": str(enterprise)}
    )
    assert "DATIVO-DQ001" in proc.stderr and str(enterprise) in proc.stderr
    assert "Traceback" not in proc.stderr
    product = broken.path / "dativo.yml"
    product.write_text("scoring:\n  severity_weights: {critical: .nan}\n")
    try:
        proc = broken.dativo("score", expect_rc=2)
        assert "DATIVO-DQ001" in proc.stderr and "dativo.yml" in proc.stderr
    finally:
        product.unlink()


@pytest.mark.parametrize(
    "scoring",
    [
        "{severity_weights: {critical: .nan}}",
        "{severity_weights: {info: .inf}}",
        "{baseline_score: -1}",
    ],
)
def test_sql_side_refuses_non_finite_scoring_vars(
    broken: DbtProject, tmp_path: Path, scoring: str
) -> None:
    proc = broken.dbt(
        "compile",
        "--select",
        "dativo_model_scores",
        "--target-path",
        str(tmp_path / "compiled"),
        "--vars",
        f"{{dativo_dbt_scoring: {scoring}}}",
        expect_rc=None,
    )
    assert proc.returncode != 0
    assert "must be a finite number" in proc.stdout + proc.stderr
