"""A small scored run built in code (no dbt): a project dir with dbt_project.yml, profiles.yml and a
minimal target/manifest.json + run_results.json, and the matching `ProjectScore`.

Models: `stripe_customers` (contract, quarantine handling, a failing critical check that dbt ran
with severity warn, a passing one) and `orders` (contract with block handling, a failing error check)
and `payments` (all pass). Used by the lineage and notify tests.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dativo_dbt.scoring.models import (
    CheckResult,
    GateResult,
    ModelScore,
    ProjectScore,
    Summary,
)

INVOCATION = "6f1c2a8e-3b7d-4c1e-9a55-0d2b7e6f4a10"
PROJECT = "dativo_integration_tests"


def _meta(contract: str, handling: str, channels: list[str], quarantine: bool) -> dict[str, Any]:
    return {
        "contract": contract,
        "contract_version": "1.0",
        "owner": "data-platform@company.com" if contract != "orders" else "orders-team@company.com",
        "tier": "gold",
        "on_quality_violation": handling,
        "on_schema_violation": "block",
        "on_sla_violation": "warn",
        "notification": {"channels": channels, "recipients": ["data-team@company.com"]},
        "quarantine": {"enabled": quarantine, "retention_days": 30},
    }


MODELS: dict[str, dict[str, Any]] = {
    "stripe_customers": _meta(
        "stripe_customers", "quarantine", ["slack", "email", "pagerduty", "webhook"], True
    ),
    "orders": _meta("orders", "block", ["slack", "webhook"], False),
    "payments": _meta("payments", "warn", ["slack"], False),
}


def check(
    model: str,
    name: str,
    status: str,
    *,
    dimension: str = "validity",
    severity: str = "critical",
    dbt_severity: str = "error",
    column: str | None = None,
    failures: int | None = 0,
    test_name: str | None = "not_null",
    relation: str | None = None,
) -> CheckResult:
    uid = f"test.{PROJECT}.dativo_{model}__{name}.abc123"
    return CheckResult(
        unique_id=uid,
        name=f"dativo_{model}__{name}",
        check=name,
        check_type=test_name or "singular",
        test_name=test_name,
        test_namespace=None,
        model_unique_id=f"model.{PROJECT}.{model}",
        column=column,
        dimension=dimension,  # type: ignore[arg-type]
        scored_dimension=dimension,  # type: ignore[arg-type]
        severity=severity,  # type: ignore[arg-type]
        weight=3.0 if severity == "critical" else 1.0,
        status=status,  # type: ignore[arg-type]
        scored=status in ("pass", "fail", "warn", "error"),
        passed=status == "pass" if status in ("pass", "fail", "warn", "error") else None,
        failures=failures,
        message=None if status == "pass" else f"Got {failures} results, configured to fail if != 0",
        execution_time=0.25,
        completed_at="2026-11-22T05:00:01.500000Z",
        relation_name=relation,
        contract=model,
        contract_version="1.0",
        origin="soda",
        dbt_severity=dbt_severity,
        from_meta=True,
    )


def _gate(passed: bool) -> GateResult:
    return GateResult(
        passed=passed,
        tier="gold",
        min_score=90.0,
        coverage=100.0,
        coverage_required=80.0,
        columns_total=3,
        columns_tested=3,
        missing_tests=[],
        violations=[],
    )


def _model(name: str, score: float, checks: list[CheckResult], gate: bool) -> ModelScore:
    failed = sum(1 for c in checks if c.status in ("fail", "warn"))
    return ModelScore(
        unique_id=f"model.{PROJECT}.{name}",
        name=name,
        resource_type="model",
        package_name=PROJECT,
        original_file_path=f"models/{name}.sql",
        score=score,
        raw_score=score,
        dimension_scores={
            "completeness": 100.0,
            "accuracy": 100.0,
            "validity": score,
            "consistency": 100.0,
            "timeliness": 100.0,
        },
        tier="gold",
        tier_source="meta",
        contract=name,
        gate=_gate(gate),
        checks=checks,
        checks_total=len(checks),
        checks_scored=len(checks),
        checks_passed=len(checks) - failed,
        checks_failed=failed,
    )


def project_score() -> ProjectScore:
    customers = [
        check(
            "stripe_customers",
            "email_format",
            "warn",
            dbt_severity="warn",
            column="email",
            failures=2,
            test_name="expect_column_values_to_match_regex",
            relation='"warehouse"."dativo_quarantine"."dativo_stripe_customers__email_format"',
        ),
        check("stripe_customers", "id_not_null", "pass", dimension="completeness", column="id"),
        check("stripe_customers", "not_run_yet", "skipped", failures=None),
    ]
    orders = [
        check(
            "orders",
            "amount_range",
            "fail",
            dimension="accuracy",
            column="amount",
            failures=3,
            test_name="expect_column_values_to_be_between",
        ),
        check(
            "orders", "id_unique", "pass", dimension="uniqueness", column="id", test_name="unique"
        ),
    ]
    payments = [check("payments", "id_not_null", "pass", dimension="completeness", column="id")]
    models = [
        _model("stripe_customers", 88.0, customers, True),
        _model("orders", 72.5, orders, False),
        _model("payments", 100.0, payments, True),
    ]
    return ProjectScore(
        schema_version=1,
        formula_version=1,
        generated_at="2026-11-22T05:00:05+00:00",
        project_name=PROJECT,
        invocation_id=INVOCATION,
        dbt_version="1.11.0",
        artifacts=[],
        config={},
        config_sources=[],
        models=models,
        summary=_summary(len([c for m in models for c in m.checks])),
    )


def _summary(checks_total: int) -> Summary:
    return Summary(
        score=86.8,
        rollup="mean",
        models_total=3,
        models_scored=3,
        models_passed=2,
        models_failed=1,
        checks_total=checks_total,
        checks_scored=checks_total - 1,
        checks_passed=4,
        checks_failed=2,
        checks_error=0,
        checks_skipped=1,
        checks_not_run=0,
        gate_passed=False,
    )


def write_project(root: Path, *, command: str = "build") -> Path:
    """A dbt project dir with profiles.yml (duckdb) and target/ artifacts matching project_score()."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "dbt_project.yml").write_text(f"name: {PROJECT}\nprofile: {PROJECT}\n")
    (root / "profiles.yml").write_text(
        f"{PROJECT}:\n  target: duckdb\n  outputs:\n    duckdb:\n      type: duckdb\n"
        "      path: \"{{ env_var('SAMPLE_DUCKDB_PATH', 'target/warehouse.duckdb') }}\"\n"
    )
    nodes: dict[str, Any] = {}
    for name, meta in MODELS.items():
        nodes[f"model.{PROJECT}.{name}"] = {
            "resource_type": "model",
            "name": name,
            "package_name": PROJECT,
            "database": "warehouse",
            "schema": "main",
            "alias": name,
            "relation_name": f'"warehouse"."main"."{name}"',
            "config": {"meta": {"dativo": meta}},
        }
    for model in project_score().models:
        for c in model.checks:
            nodes[c.unique_id] = {
                "resource_type": "test",
                "name": c.name,
                "config": {"severity": c.dbt_severity, "error_if": "!= 0", "warn_if": "!= 0"},
            }
    manifest = {
        "metadata": {
            "dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json",
            "project_name": PROJECT,
            "adapter_type": "duckdb",
            "invocation_id": INVOCATION,
        },
        "nodes": nodes,
        "sources": {},
    }
    target = root / "target"
    target.mkdir(exist_ok=True)
    (target / "manifest.json").write_text(json.dumps(manifest))
    (target / "run_results.json").write_text(
        json.dumps({"args": {"which": command}, "results": []})
    )
    return root
