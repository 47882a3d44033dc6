"""Tiers and gate violations DQ102-DQ106 on the fixture's real artifacts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from dativo_dbt.config.model import DativoConfig, Gates, GateTier, Thresholds, Tiers, TierSelector
from dativo_dbt.scoring.api import score_project
from dativo_dbt.scoring.models import ModelScore

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "artifacts"


def codes(m: ModelScore, level: str = "error") -> list[str]:
    return [v.code for v in m.gate.violations if v.level == level]


def test_tier_from_meta_selector_and_default() -> None:
    cfg = DativoConfig(
        tiers=Tiers(
            default="bronze",
            selectors=[
                TierSelector(tier="gold", group="finance"),
                TierSelector(tier="gold", name="stg_customers"),  # meta wins over selectors
                TierSelector(tier="silver", path="models/stg_*.sql"),
            ],
        )
    )
    ps = score_project(FIX / "1.11", cfg)
    tiers = {m.name: (m.tier, m.tier_source) for m in ps.models}
    assert tiers["stg_customers"] == ("silver", "meta")
    assert tiers["fct_revenue"] == ("gold", "selector:0")
    assert tiers["stg_orders"] == ("silver", "selector:2")
    assert tiers["untested_model"] == ("bronze", "default")


def test_no_tier_by_name_prefix() -> None:
    ps = score_project(FIX / "1.11")
    assert ps.model("fct_revenue").tier is None and ps.model("stg_orders").tier is None


def test_dq102_min_score_and_warn_score() -> None:
    ps = score_project(FIX / "1.11")
    stg_c = ps.model("stg_customers")  # silver (meta): min 80, score 67.5
    assert not stg_c.gate.passed and codes(stg_c) == ["DATIVO-DQ102"]
    assert stg_c.gate.min_score == 80
    assert "score 67.5 is below min_score 80 (silver)" in stg_c.gate.violations[0].message
    assert "email_present" in stg_c.gate.violations[0].message
    stg_o = ps.model("stg_orders")  # no tier: threshold 70, warn 85 -> warning only
    assert stg_o.gate.passed and codes(stg_o, "warning") == ["DATIVO-DQ102"]
    relaxed = DativoConfig(
        thresholds=Thresholds(min_score=50, warn_score=60),
        gates=Gates(silver=GateTier(min_score=60)),
    )
    ps2 = score_project(FIX / "1.11", relaxed)
    assert ps2.model("stg_customers").gate.passed
    assert ps2.model("stg_orders").gate.violations == []


def test_dq103_coverage_from_manifest_and_catalog() -> None:
    cfg = DativoConfig(
        thresholds=Thresholds(min_score=0, warn_score=0),
        gates=Gates(gold=GateTier(min_test_coverage=80, required_tests=[], min_score=0)),
        tiers=Tiers(
            selectors=[
                TierSelector(tier="gold", name="stg_orders"),
                TierSelector(tier="gold", name="untested_model"),
            ]
        ),
    )
    ps = score_project(FIX / "1.11", cfg, catalog=False)
    m = ps.model("stg_orders")  # columns id, customer_id, amount, status; tested: id, customer_id
    assert (m.gate.columns_total, m.gate.columns_tested, m.gate.coverage) == (4, 2, 50.0)
    assert codes(m) == ["DATIVO-DQ103"]
    assert "untested: amount, status" in m.gate.violations[0].message
    # untested_model declares no columns in the manifest: unknown columns fail a coverage rule
    u = ps.model("untested_model")
    assert u.gate.coverage is None and codes(u) == ["DATIVO-DQ103"]
    assert "columns are unknown" in u.gate.violations[0].message
    # with catalog.json the warehouse's columns count: untested_model has one, two
    u2 = score_project(FIX / "1.11", cfg).model("untested_model")
    assert (u2.gate.columns_total, u2.gate.coverage) == (2, 0.0)
    assert codes(u2) == ["DATIVO-DQ103"]


def test_dq104_required_tests() -> None:
    cfg = DativoConfig(
        thresholds=Thresholds(min_score=0, warn_score=0),
        gates=Gates(
            **{
                t: GateTier(
                    required_tests=["not_null", "unique", "dimension:timeliness", "relationships"],
                    min_score=0,
                )
                for t in ("silver", "gold")
            }
        ),
        tiers=Tiers(default="gold"),
    )
    ps = score_project(FIX / "1.11", cfg)
    m = ps.model("stg_customers")
    assert m.gate.missing_tests == ["dimension:timeliness", "relationships"]
    assert "DATIVO-DQ104" in codes(m)
    assert ps.model("stg_orders").gate.missing_tests == ["dimension:timeliness"]
    ok = DativoConfig(
        thresholds=Thresholds(min_score=0, warn_score=0),
        gates=Gates(silver=GateTier(required_tests=["not_null", "missing_count"], min_score=0)),
        tiers=Tiers(default="gold"),
    )
    # `missing_count` is the contract check_type of email_present
    assert score_project(FIX / "1.11", ok).model("stg_customers").gate.passed


def test_dq105_nonexistent_column() -> None:
    ps = score_project(FIX / "1.11")
    m = ps.model("fct_revenue")
    assert "DATIVO-DQ105" in codes(m)
    assert "no_such_column" in next(
        v.message for v in m.gate.violations if v.code == "DATIVO-DQ105"
    )
    assert ps.model("fct_revenue").gate.passed is False


def test_dq106_timeouts(tmp_path: Path) -> None:
    target = tmp_path / "target"
    shutil.copytree(FIX / "1.11", target)
    rr = json.loads((target / "run_results.json").read_text())
    for r in rr["results"]:
        if r["unique_id"].startswith("test.score_fixture.not_null_stg_orders_id"):
            r["status"] = "error"
            r["message"] = (
                "Database Error in test not_null_stg_orders_id\n  canceling statement due to statement timeout"
            )
    (target / "run_results.json").write_text(json.dumps(rr))
    ps = score_project(target)
    m = ps.model("stg_orders")
    assert codes(m) == ["DATIVO-DQ102", "DATIVO-DQ106"] or "DATIVO-DQ106" in codes(m)
    assert not m.gate.passed
    # Finished but slower than check_timeout_seconds: a warning only
    slow = score_project(FIX / "1.11", DativoConfig(check_timeout_seconds=1e-9))
    assert "DATIVO-DQ106" in codes(slow.model("raw_customers"), "warning")
    assert slow.model("raw_customers").gate.passed


def test_errored_checks_are_reported() -> None:
    m = score_project(FIX / "1.11").model("fct_revenue")
    warn = [v.message for v in m.gate.violations if v.level == "warning"]
    assert any("1 check(s) errored: revenue_no_such_column_not_null" in w for w in warn)


def test_fail_under() -> None:
    relaxed = DativoConfig(
        thresholds=Thresholds(min_score=0, warn_score=0), gates=Gates(silver=GateTier(min_score=0))
    )
    d = FIX / "1.11"
    ps = score_project(d, relaxed, run_results=[d / "run_results.json"], catalog=False)
    # only DQ105 on fct_revenue and DQ108 on broken_model (its build errored) remain gate failures
    assert [m.name for m in ps.models if not m.gate.passed] == ["broken_model", "fct_revenue"]
    broken = ps.model("broken_model")
    assert [v.code for v in broken.gate.violations if v.level == "error"] == ["DATIVO-DQ108"]
    assert score_project(d, relaxed, fail_under=10).summary.fail_under == 10
    assert not score_project(d, relaxed, fail_under=99).summary.gate_passed


@pytest.mark.parametrize("tier", ["bronze", "silver", "gold"])
def test_each_tier_rules_apply(tier: str) -> None:
    cfg = DativoConfig(tiers=Tiers(default=tier), thresholds=Thresholds(min_score=0, warn_score=0))
    m = score_project(FIX / "1.11", cfg).model(
        "raw_customers"
    )  # the source: 1 passing not_null on id
    assert m.tier == tier
    gate = cfg.gates.for_tier(tier)
    assert m.gate.min_score == (gate.min_score or 0)
    assert m.gate.missing_tests == [t for t in gate.required_tests if t != "not_null"]
