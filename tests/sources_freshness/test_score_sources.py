"""Source freshness results (sources.json, real dbt 1.5 and 1.11 output of
tests/fixtures/freshness_project) become checks on their sources; scores by hand.

The fixture (see its models/sources.yml): `orders_fresh` pass (governed, error_after -> critical 3),
`orders_stale` warn (governed, warn_after only -> warning 1) plus a passing `not_null(id)` test
(critical 3, completeness), `events_stale` error (plain source, error_after -> critical 3),
`customers_broken` runtime error (meta.dativo dimension completeness, severity info -> 0.5; dbt 1.5
writes the runtime error to sources.json, dbt 1.11 leaves it out), `payments_unchecked` no
freshness (not scored).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from dativo_dbt.artifacts import load_artifacts, merge_sources, read_sources
from dativo_dbt.config.model import DativoConfig
from dativo_dbt.core.errors import DativoError
from dativo_dbt.scoring.api import score_project

ART = Path(__file__).resolve().parents[1] / "fixtures" / "artifacts"
SRC = "source.freshness_fixture.shop."


def by_name(project: Any) -> dict[str, Any]:
    return {m.name: m for m in project.models}


def freshness_check(model: Any) -> Any:
    (check,) = [c for c in model.checks if c.kind == "source_freshness"]
    return check


@pytest.mark.parametrize("version", ["1.5", "1.11"])
def test_read_real_sources_json(version: str) -> None:
    doc = read_sources(ART / f"freshness-{version}" / "sources.json")
    assert doc.metadata.dbt_schema_version.endswith("/sources/v3.json")
    assert doc.metadata.dbt_version is not None and doc.metadata.dbt_version.startswith(version)
    statuses = {r.unique_id.removeprefix(SRC): r.status for r in doc.results}
    expected = {"orders_fresh": "pass", "orders_stale": "warn", "events_stale": "error"}
    if version == "1.5":
        expected["customers_broken"] = "runtime error"
    assert statuses == expected
    stale = next(r for r in doc.results if r.unique_id == SRC + "orders_stale")
    assert stale.max_loaded_at == "2020-01-02T00:00:00+00:00"
    assert stale.criteria is not None and stale.criteria.warn_after is not None
    assert (stale.criteria.warn_after.count, stale.criteria.warn_after.period) == (24, "hour")
    assert stale.max_loaded_at_time_ago_in_s is not None
    assert stale.max_loaded_at_time_ago_in_s > 6 * 365 * 86400


def test_dbt_1_5_scores_by_hand() -> None:
    project = score_project(ART / "freshness-1.5", sources=True)
    models = by_name(project)
    assert sorted(models) == ["customers_broken", "events_stale", "orders_fresh", "orders_stale"]
    assert all(m.resource_type == "source" for m in models.values())

    # orders_fresh: one passing check -> every dimension 100 -> raw 100, capped +30 -> 100
    fresh = models["orders_fresh"]
    c = freshness_check(fresh)
    assert (c.status, c.passed, c.dimension, c.severity, c.weight) == (
        "pass",
        True,
        "timeliness",
        "critical",
        3.0,
    )
    assert (c.check, c.check_type, c.origin, c.contract, c.contract_version) == (
        "sla_freshness",
        "sla_freshness",
        "sla",
        "orders_fresh",
        "1.0",
    )
    assert c.unique_id == "source_freshness.freshness_fixture.shop.orders_fresh"
    assert c.model_unique_id == SRC + "orders_fresh" and c.dbt_severity == "error"
    assert c.message.startswith("fresh: max_loaded_at ") and "error_after 2 day" in c.message
    assert fresh.score == 100.0 and fresh.tier == "bronze" and fresh.contract == "orders_fresh"

    # orders_stale: not_null pass (3, completeness) + freshness warn (warning 1, timeliness)
    # completeness 100, timeliness 0 -> raw = .25*100 + .25*100 + .2*100 + .15*100 + .15*0 = 85
    stale = models["orders_stale"]
    c = freshness_check(stale)
    assert (c.status, c.passed, c.severity, c.weight, c.dbt_severity) == (
        "warn",
        False,
        "warning",
        1.0,
        "warn",
    )
    assert c.max_loaded_at == "2020-01-02T00:00:00+00:00"
    assert c.age_seconds is not None and c.age_seconds > 6 * 365 * 86400
    assert c.message.startswith("stale (warn): max_loaded_at 2020-01-02T00:00:00+00:00, age ")
    assert c.message.endswith("; warn_after 24 hour")
    assert stale.checks_total == 2 and stale.checks_passed == 1 and stale.checks_failed == 1
    assert stale.dimension_scores["timeliness"] == 0.0
    assert stale.dimension_scores["completeness"] == 100.0
    assert stale.score == pytest.approx(85.0) and stale.weight_total == 4.0

    # events_stale: plain source (no meta.dativo) past error_after -> fail, critical 3
    events = models["events_stale"]
    c = freshness_check(events)
    assert (c.status, c.passed, c.severity, c.weight, c.dimension, c.from_meta) == (
        "fail",
        False,
        "critical",
        3.0,
        "timeliness",
        False,
    )
    assert (c.check, c.origin, c.contract) == ("source_freshness", "dbt", None)
    assert c.message.startswith("stale (error): max_loaded_at 2020-01-01T00:00:00+00:00")
    assert events.score == pytest.approx(85.0) and events.checks_error == 0

    # customers_broken: runtime error -> status error (fails, reported as errored);
    # meta.dativo dimension completeness, severity info (0.5): completeness 0
    # raw = .25*0 + .25*100 + .2*100 + .15*100 + .15*100 = 75
    broken = models["customers_broken"]
    c = freshness_check(broken)
    assert (c.status, c.passed, c.severity, c.weight, c.dimension) == (
        "error",
        False,
        "info",
        0.5,
        "completeness",
    )
    assert c.message.startswith("source freshness runtime error: Runtime Error in source")
    assert "no_such_column" in c.message
    assert c.max_loaded_at is None and c.dbt_severity == "warn"
    assert broken.score == pytest.approx(75.0) and broken.checks_error == 1
    levels = {(v.code, v.level) for v in broken.gate.violations}
    assert levels == {("DATIVO-DQ102", "warning")}  # below warn_score 85, and an errored check
    assert any("errored: sla_freshness" in v.message for v in broken.gate.violations)

    s = project.summary
    assert s.score == pytest.approx((100 + 85 + 85 + 75) / 4)  # 86.25
    assert (s.models_total, s.models_scored, s.checks_total, s.checks_scored) == (4, 4, 5, 5)
    assert (s.checks_passed, s.checks_failed, s.checks_error, s.checks_not_run) == (2, 3, 1, 0)
    assert s.gate_passed is True
    assert any(a.path.endswith("sources.json") for a in project.artifacts)


def test_dbt_1_11_runtime_error_left_out_is_not_run() -> None:
    project = score_project(ART / "freshness-1.11")
    models = by_name(project)
    broken = freshness_check(models["customers_broken"])
    assert (broken.status, broken.scored, broken.passed) == ("not_run", False, None)
    assert models["customers_broken"].checks_scored == 0
    assert freshness_check(models["orders_stale"]).status == "warn"
    assert freshness_check(models["events_stale"]).status == "fail"
    s = project.summary
    assert s.score == pytest.approx((100 + 85 + 85) / 3)  # customers_broken has no scored check
    assert (s.models_total, s.models_scored, s.checks_total, s.checks_scored) == (4, 3, 5, 4)
    assert (s.checks_passed, s.checks_failed, s.checks_error, s.checks_not_run) == (2, 2, 0, 1)


def test_check_weighted_rollup_and_json_shape() -> None:
    project = score_project(ART / "freshness-1.5", DativoConfig(rollup="check_weighted"))
    # weights: customers 0.5, events 3, orders_stale 3 + 1, orders_fresh 3
    expected = (75 * 0.5 + 85 * 3 + 85 * 4 + 100 * 3) / 10.5
    assert project.summary.score == pytest.approx(expected)
    doc = json.loads(json.dumps(project.to_dict()))
    assert doc["schema_version"] == 1
    model = next(m for m in doc["models"] if m["name"] == "orders_stale")
    check = next(c for c in model["checks"] if c["kind"] == "source_freshness")
    assert check["max_loaded_at"] == "2020-01-02T00:00:00+00:00" and check["status"] == "warn"
    test = next(c for c in model["checks"] if c["kind"] == "test")
    assert test["max_loaded_at"] is None and test["test_name"] == "not_null"


def test_no_sources_ignores_sources_json() -> None:
    project = score_project(ART / "freshness-1.5", sources=False)
    assert [m.name for m in project.models] == ["orders_stale"]
    assert all(c.kind == "test" for c in project.checks())
    assert project.model("orders_stale").score == 100.0


def test_empty_dimensions_exclude() -> None:
    cfg = DativoConfig.model_validate({"scoring": {"empty_dimensions": "exclude"}})
    models = by_name(score_project(ART / "freshness-1.5", cfg))
    # only the dimensions with checks count, weights renormalised
    assert models["events_stale"].score == pytest.approx(70 - 50)  # timeliness 0 -> raw 0, capped
    assert models["orders_fresh"].score == 100.0
    # orders_stale: (.25*100 + .15*0) / .40 = 62.5
    assert models["orders_stale"].raw_score == pytest.approx(62.5)


def _shifted(doc: dict[str, Any], uid: str, status: str, completed_at: str) -> dict[str, Any]:
    doc = json.loads(json.dumps(doc))
    for r in doc["results"]:
        if r["unique_id"] == uid:
            r["status"] = status
            for t in r["timing"]:
                t["completed_at"] = completed_at
    return doc


def test_merge_latest_result_wins(tmp_path: Path) -> None:
    real = json.loads((ART / "freshness-1.11" / "sources.json").read_text())
    uid = SRC + "orders_stale"
    later = tmp_path / "later.json"
    later.write_text(json.dumps(_shifted(real, uid, "pass", "2099-01-01T00:00:00Z")))
    earlier = tmp_path / "earlier.json"
    earlier.write_text(json.dumps(_shifted(real, uid, "error", "2000-01-01T00:00:00Z")))
    orig = ART / "freshness-1.11" / "sources.json"
    for order in ([orig, later], [later, orig]):
        merged = merge_sources(order)
        entry = merged.get(uid)
        assert entry is not None and entry.result.status == "pass"
    for order in ([orig, earlier], [earlier, orig]):
        entry = merge_sources(order).get(uid)
        assert entry is not None and entry.result.status == "warn"
    # the scored view: a target dir with the real run, plus the later re-run
    target = tmp_path / "target"
    shutil.copytree(ART / "freshness-1.11", target)
    project = score_project(target, sources=[target, later])
    assert freshness_check(project.model("orders_stale")).status == "pass"
    assert [a.path for a in project.artifacts if a.path.endswith(".json")][-2:] == [
        str(target / "sources.json"),
        str(later),
    ]


def test_merge_tie_later_file_wins_and_runtime_error_uses_generated_at(tmp_path: Path) -> None:
    real = json.loads((ART / "freshness-1.5" / "sources.json").read_text())
    uid = SRC + "events_stale"
    completed = next(r for r in real["results"] if r["unique_id"] == uid)["timing"][-1]
    same = tmp_path / "same.json"
    same.write_text(json.dumps(_shifted(real, uid, "pass", completed["completed_at"])))
    a = ART / "freshness-1.5" / "sources.json"
    assert merge_sources([a, same]).results[uid].result.status == "pass"
    assert merge_sources([same, a]).results[uid].result.status == "error"
    # the runtime error (no timing) counts at the file's generated_at
    broken = SRC + "customers_broken"
    entry = merge_sources([a]).results[broken]
    assert entry.result.status == "runtime error"
    assert entry.completed_at == real["metadata"]["generated_at"]


def test_invalid_meta_dimension_on_a_source(tmp_path: Path) -> None:
    target = tmp_path / "target"
    shutil.copytree(ART / "freshness-1.11", target)
    manifest = json.loads((target / "manifest.json").read_text())
    src = manifest["sources"][SRC + "orders_stale"]
    src["meta"]["dativo"]["dimension"] = "speed"
    src["config"]["meta"]["dativo"]["dimension"] = "speed"
    (target / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(
        DativoError, match=r"source source\.freshness_fixture\.shop\.orders_stale: "
    ):
        score_project(target)
    with pytest.raises(DativoError, match="'speed' is not one of"):
        score_project(target)
    assert load_artifacts(target).freshness is not None
    assert score_project(target, sources=False).model("orders_stale").score == 100.0


def test_age_formatting() -> None:
    from dativo_dbt.scoring.freshness_checks import freshness_message

    assert freshness_message("pass", "t", 59.9, None, None) == "fresh: max_loaded_at t, age 0m 59s"
    assert freshness_message("warn", "t", 3 * 3600 + 120, None, None).endswith("age 3h 2m")
    assert freshness_message("error", None, -90000.0, None, None) == (
        "stale (error): max_loaded_at unknown (no rows?), age -1d 1h 0m"
    )


def test_freshness_config_only_in_config_block(tmp_path: Path) -> None:
    """dbt 1.10+ keeps `freshness` in the source's config too: either place counts; without
    any freshness config a source missing from sources.json gets no check."""
    target = tmp_path / "target"
    shutil.copytree(ART / "freshness-1.11", target)
    manifest = json.loads((target / "manifest.json").read_text())
    src = manifest["sources"][SRC + "customers_broken"]
    src["freshness"] = None
    (target / "manifest.json").write_text(json.dumps(manifest))
    broken = score_project(target).model("customers_broken")
    assert [c.status for c in broken.checks] == ["not_run"]
    assert broken.checks[0].dbt_severity == "warn" and broken.checks[0].severity == "info"
    src["config"]["freshness"] = None
    (target / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(KeyError):
        score_project(target).model("customers_broken")
