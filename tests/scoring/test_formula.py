"""The formula on hand-built checks: caps, empty dimensions, weights, statuses."""

from __future__ import annotations

import pytest
from dativo_dbt.scoring.formula import score_checks
from dativo_dbt.scoring.models import CheckResult

W = {
    "completeness": 0.25,
    "accuracy": 0.25,
    "validity": 0.20,
    "consistency": 0.15,
    "timeliness": 0.15,
}


def chk(dim: str, status: str, weight: float = 3.0) -> CheckResult:
    scored = status in ("pass", "fail", "warn", "error")
    return CheckResult(
        unique_id=f"test.p.{dim}.{status}.{weight}",
        name="t",
        check="t",
        check_type="x",
        test_name="x",
        test_namespace=None,
        model_unique_id="model.p.m",
        column=None,
        dimension=dim,  # type: ignore[arg-type]
        scored_dimension="consistency" if dim == "uniqueness" else dim,  # type: ignore[arg-type]
        severity="critical",
        weight=weight,
        status=status,  # type: ignore[arg-type]
        scored=scored,
        passed=(status == "pass") if scored else None,
    )


def test_all_failing_hits_the_negative_cap() -> None:
    checks = [chk(d, "fail") for d in W]
    score, raw, dims = score_checks(checks, dimension_weights=W)
    assert raw == 0.0 and score == 20.0  # 70 - 50
    assert set(dims.values()) == {0.0}


def test_all_passing_is_100_and_no_checks_is_100_by_assumption() -> None:
    assert score_checks([chk(d, "pass") for d in W], dimension_weights=W)[0] == 100.0
    assert score_checks([], dimension_weights=W)[0] == 100.0


def test_one_dimension_failing() -> None:
    score, raw, _ = score_checks([chk("completeness", "fail")], dimension_weights=W)
    assert raw == pytest.approx(75.0) and score == pytest.approx(75.0)


@pytest.mark.parametrize("status", ["warn", "error", "fail"])
def test_warn_and_error_fail(status: str) -> None:
    _, _, dims = score_checks(
        [chk("validity", "pass"), chk("validity", status, 1.0)], dimension_weights=W
    )
    assert dims["validity"] == pytest.approx(75.0)  # 3 of 4 weight passes


@pytest.mark.parametrize("status", ["skipped", "not_run"])
def test_skipped_and_not_run_are_not_scored(status: str) -> None:
    _, _, dims = score_checks(
        [chk("validity", "pass"), chk("validity", status)], dimension_weights=W
    )
    assert dims["validity"] == 100.0


def test_exclude_mode() -> None:
    checks = [chk("validity", "fail"), chk("completeness", "pass")]
    _, raw, dims = score_checks(checks, dimension_weights=W, empty_dimensions="exclude")
    assert raw == pytest.approx(0.25 * 100 / 0.45)
    assert dims["accuracy"] is None
    assert score_checks([], dimension_weights=W, empty_dimensions="exclude")[0] is None


def test_zero_weight_check_counts_nothing() -> None:
    _, _, dims = score_checks(
        [chk("validity", "pass"), chk("validity", "fail", 0.0)], dimension_weights=W
    )
    assert dims["validity"] == 100.0


def test_positive_cap() -> None:
    score, raw, _ = score_checks(
        [chk("validity", "pass")], dimension_weights=W, baseline_score=50, max_positive_influence=30
    )
    assert raw == 100.0 and score == 80.0
