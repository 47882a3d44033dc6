"""Scores of the fixture project's real artifacts (dbt 1.5 -> 1.11) against hand computation of the
seed's formula (docs/scoring.md, formula version 1)."""

from __future__ import annotations

from pathlib import Path

import pytest
from dativo_dbt.config.model import DativoConfig, ScoringParams
from dativo_dbt.scoring.api import score_project

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "artifacts"
VERSIONS = ["1.5", "1.6", "1.7", "1.8", "1.11"]
W = {
    "completeness": 0.25,
    "accuracy": 0.25,
    "validity": 0.20,
    "consistency": 0.15,
    "timeliness": 0.15,
}


def hand(dims: dict[str, float], baseline: float = 70, up: float = 30, down: float = 50) -> float:
    raw = sum(W[d] * dims.get(d, 100.0) for d in W)
    delta = raw - baseline
    delta = min(delta, up) if delta > 0 else max(delta, -down)
    return max(0.0, min(100.0, baseline + delta))


# Full `dbt build` (run_results.json), by hand from tests/fixtures/score_project:
# stg_customers: unique(id) pass crit 3 [uniqueness -> consistency]; not_null(id) pass crit 3
#   [completeness]; email_present (meta: critical, completeness) warn -> fails, 3;
#   accepted_values(status) dbt-warn -> warning 1 [validity], warn -> fails.
STG_CUSTOMERS = hand({"completeness": (3 * 100 + 3 * 0) / 6, "validity": 0.0, "consistency": 100.0})
# stg_orders: unique(id) pass 3 [consistency]; not_null(id) pass 3; relationships dbt-warn -> warning
#   1 [consistency] fails; assert_amount_positive (singular, dbt-warn -> 1) [validity] fails.
STG_ORDERS = hand({"completeness": 100.0, "validity": 0.0, "consistency": (3 * 100 + 1 * 0) / 4})
# fct_revenue: customer_present (meta: info, weight 2.5) pass; not_null(no_such_column) error, 3;
#   assert_revenue_has_rows (meta: warning -> 1) pass; all completeness. assert_revenue_nonnegative
#   (singular, crit 3) fails [validity].
FCT_REVENUE = hand({"completeness": (2.5 * 100 + 3 * 0 + 1 * 100) / 6.5, "validity": 0.0})


@pytest.mark.parametrize("version", VERSIONS)
def test_scores_match_hand_computation(version: str) -> None:
    ps = score_project(FIX / version)
    scores = {m.name: m.score for m in ps.models}
    assert scores["stg_customers"] == pytest.approx(67.5)
    assert scores["stg_customers"] == pytest.approx(STG_CUSTOMERS)
    assert scores["stg_orders"] == pytest.approx(STG_ORDERS) == pytest.approx(76.25)
    assert scores["fct_revenue"] == pytest.approx(FCT_REVENUE)
    assert scores["raw_customers"] == 100.0  # the source: one passing test
    # broken_model's build errored: its skipped not_null (critical, completeness) did not run and
    # counts as an error (fail closed, scoring/build_state.py)
    assert scores["broken_model"] == pytest.approx(hand({"completeness": 0.0})) == 75.0
    assert scores["untested_model"] == 100.0
    m = ps.model("stg_customers")
    assert m.dimension_scores == {
        "completeness": 50.0,
        "accuracy": 100.0,
        "validity": 0.0,
        "consistency": 100.0,
        "timeliness": 100.0,
    }
    assert (m.checks_scored, m.checks_passed, m.checks_failed) == (4, 2, 2)
    # roll-up: mean over models with >= 1 scored check
    assert ps.summary.score == pytest.approx(
        (STG_CUSTOMERS + STG_ORDERS + FCT_REVENUE + 100.0 + 75.0) / 5
    )
    assert ps.summary.models_scored == 5
    assert ps.summary.checks_error == 2 and ps.summary.checks_skipped == 0
    assert ps.model("broken_model").build_status == "error"
    assert not ps.model("broken_model").gate.passed
    assert ps.formula_version == 1 and ps.schema_version == 1
    assert ps.project_name == "score_fixture"


def test_check_fields_from_meta_and_from_dbt() -> None:
    ps = score_project(FIX / "1.11")
    checks = {c.name: c for c in ps.checks()}
    email = checks["dativo_customers__email_present"]
    assert (
        email.check,
        email.check_type,
        email.origin,
        email.contract,
        email.contract_version,
    ) == ("email_present", "missing_count", "soda", "customers", "1.0")
    assert (
        email.dimension,
        email.severity,
        email.weight,
        email.dbt_severity,
        email.status,
        email.passed,
    ) == ("completeness", "critical", 3.0, "warn", "warn", False)
    assert email.column == "email" and email.from_meta and email.failures == 1
    uniq = checks["unique_stg_customers_id"]
    assert (uniq.dimension, uniq.scored_dimension, uniq.severity, uniq.from_meta, uniq.origin) == (
        "uniqueness",
        "consistency",
        "critical",
        False,
        "dbt",
    )
    sing = checks["assert_revenue_nonnegative"]
    assert (sing.check_type, sing.test_name, sing.dimension, sing.model_unique_id) == (
        "singular",
        None,
        "validity",
        "model.score_fixture.fct_revenue",
    )
    err = checks["revenue_no_such_column_not_null"]
    assert (
        err.status == "error"
        and err.scored
        and err.passed is False
        and err.column == "no_such_column"
    )
    # skipped by dbt because broken_model did not build: an error (fail closed)
    skipped = checks["not_null_broken_model_id"]
    assert skipped.status == "error" and skipped.scored and skipped.passed is False
    assert (skipped.message or "").startswith("not run: model broken_model did not build")
    info = checks["dativo_revenue__customer_present"]
    assert (info.severity, info.weight) == ("info", 2.5)
    src = checks["source_not_null_raw_raw_customers_id"]
    assert src.model_unique_id == "source.score_fixture.raw.raw_customers"


@pytest.mark.parametrize("version", ["1.5", "1.11"])
def test_merged_rerun_changes_only_the_rerun_tests(version: str) -> None:
    d = FIX / version
    ps = score_project(d, run_results=[d / "run_results.json", d / "run_results_rerun.json"])
    # email_present now passes: completeness 100
    assert ps.model("stg_customers").score == pytest.approx(hand({"validity": 0.0}))
    assert ps.model("stg_orders").score == pytest.approx(STG_ORDERS)  # relationships still warns
    assert ps.model("fct_revenue").score == pytest.approx(FCT_REVENUE)  # not re-run: kept


def test_exclude_empty_dimensions_renormalises() -> None:
    cfg = DativoConfig(scoring=ScoringParams(empty_dimensions="exclude"))
    ps = score_project(FIX / "1.11", cfg)
    m = ps.model("stg_customers")
    raw = (0.25 * 50 + 0.20 * 0 + 0.15 * 100) / (0.25 + 0.20 + 0.15)
    assert m.raw_score == pytest.approx(raw)
    assert m.score == pytest.approx(max(raw, 20.0))
    assert m.dimension_scores["accuracy"] is None and m.dimension_scores["timeliness"] is None
    assert ps.model("untested_model").score is None
    # broken_model did not build: its not-run check is an error, so completeness 0 -> floor 20
    assert ps.model("broken_model").score == 20.0


def test_uniqueness_weighted_separately() -> None:
    weights = {
        "completeness": 0.25,
        "accuracy": 0.2,
        "validity": 0.2,
        "consistency": 0.15,
        "timeliness": 0.1,
        "uniqueness": 0.1,
    }
    cfg = DativoConfig(scoring=ScoringParams(dimension_weights=weights))
    ps = score_project(FIX / "1.11", cfg)
    m = ps.model("stg_orders")
    assert m.dimension_scores["uniqueness"] == 100.0
    assert m.dimension_scores["consistency"] == 0.0  # only the failing relationships test is left
    raw = 0.25 * 100 + 0.2 * 100 + 0.2 * 0 + 0.15 * 0 + 0.1 * 100 + 0.1 * 100
    assert m.score == pytest.approx(raw)


def test_every_parameter_is_used() -> None:
    cfg = DativoConfig(
        scoring=ScoringParams(
            severity_weights={"critical": 1.0, "warning": 1.0, "info": 1.0},
            baseline_score=60,
            max_positive_influence=10,
            max_negative_influence=5,
        )
    )
    ps = score_project(FIX / "1.11", cfg)
    # stg_customers with equal severity weights: completeness 50, validity 0 -> raw 67.5 -> +7.5
    assert ps.model("stg_customers").raw_score == pytest.approx(67.5)
    assert ps.model("stg_customers").score == pytest.approx(67.5)
    # fct_revenue: explicit weight 2.5 still overrides: (2.5 + 1) / (2.5 + 1 + 1) * 100
    assert ps.model("fct_revenue").dimension_scores["completeness"] == pytest.approx(350 / 4.5)
    assert ps.model("raw_customers").score == 70.0  # raw 100 capped at baseline 60 + 10
    worst = DativoConfig(scoring=ScoringParams(baseline_score=90, max_negative_influence=5))
    assert (
        score_project(FIX / "1.11", worst).model("stg_customers").score == 85.0
    )  # 67.5 floored at 90 - 5


def test_check_weighted_rollup() -> None:
    ps = score_project(FIX / "1.11", DativoConfig(rollup="check_weighted"))
    scored = [m for m in ps.models if m.checks_scored]
    expected = sum(m.score * m.weight_total for m in scored) / sum(m.weight_total for m in scored)  # type: ignore[operator]
    assert ps.summary.score == pytest.approx(expected)
    assert ps.summary.rollup == "check_weighted"
    # stg_customers: 3 + 3 + 3 + 1
    assert ps.model("stg_customers").weight_total == 10.0


def test_invalid_meta_dativo_is_reported_for_every_test(tmp_path: Path) -> None:
    import json
    import shutil

    from dativo_dbt.core.errors import DativoError

    target = tmp_path / "target"
    shutil.copytree(FIX / "1.11", target)
    manifest = json.loads((target / "manifest.json").read_text())
    for uid, node in manifest["nodes"].items():
        if "email_present" in uid:
            node["config"]["meta"]["dativo"]["dimension"] = "freshness"
        if "customer_present" in uid:
            node["config"]["meta"]["dativo"]["severity"] = "blocker"
            node["meta"]["dativo"]["severity"] = "blocker"
    (target / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(DativoError) as exc:
        score_project(target)
    text = exc.value.render()
    assert "meta.dativo.dimension 'freshness' is not one of" in text
    assert "meta.dativo.severity 'blocker' is not one of critical, warning, info" in text
    assert text.count(str(target / "manifest.json")) == 2


def test_compiled_sql_only_on_request() -> None:
    plain = score_project(FIX / "1.11").checks()
    assert all(c.compiled_code is None for c in plain)
    with_sql = {c.check: c for c in score_project(FIX / "1.11", with_sql=True).checks()}
    assert "where revenue < 0" in (with_sql["assert_revenue_nonnegative"].compiled_code or "")
    assert with_sql["not_null_broken_model_id"].compiled_code is None  # skipped: never compiled
