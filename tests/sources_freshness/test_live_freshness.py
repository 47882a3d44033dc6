"""A real `dbt build` + `dbt source freshness` (the venv's dbt, DuckDB) on
tests/fixtures/freshness_project, then the real `dativo-dbt score` on its target/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.dbt import DbtProject, copy_project

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "freshness_project"
SRC = "source.freshness_fixture.shop."


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    project = DbtProject(copy_project(FIXTURE, tmp_path_factory.mktemp("fresh") / "p"))
    project.dbt("build")
    project.dbt("source", "freshness", expect_rc=1)  # events_stale is past error_after
    return project


def test_score_json_from_a_real_freshness_run(ran: DbtProject) -> None:
    sources = json.loads((ran.path / "target" / "sources.json").read_text())
    raw = {r["unique_id"]: r["status"] for r in sources["results"]}
    ran.dativo("score", "--format", "json", "-q", "-o", "score.json")
    doc = json.loads((ran.path / "score.json").read_text())
    models = {m["name"]: m for m in doc["models"]}
    fresh = {
        name: next(c for c in m["checks"] if c["kind"] == "source_freshness")
        for name, m in models.items()
    }
    assert sorted(fresh) == ["customers_broken", "events_stale", "orders_fresh", "orders_stale"]
    assert raw[SRC + "orders_fresh"] == "pass" and fresh["orders_fresh"]["status"] == "pass"
    assert raw[SRC + "orders_stale"] == "warn" and fresh["orders_stale"]["status"] == "warn"
    assert raw[SRC + "events_stale"] == "error" and fresh["events_stale"]["status"] == "fail"
    # dbt 1.10+ leaves a freshness runtime error out of sources.json (dbt 1.5 writes it)
    broken = fresh["customers_broken"]
    if SRC + "customers_broken" in raw:
        assert broken["status"] == "error" and "no_such_column" in broken["message"]
    else:
        assert broken["status"] == "not_run" and broken["scored"] is False
    assert fresh["orders_stale"]["max_loaded_at"] == "2020-01-02T00:00:00+00:00"
    assert "max_loaded_at 2020-01-02T00:00:00+00:00, age " in fresh["orders_stale"]["message"]
    assert fresh["orders_fresh"]["age_seconds"] is not None
    # by hand: see test_score_sources.py (same project, same weights)
    assert models["orders_fresh"]["score"] == 100.0
    assert models["orders_stale"]["score"] == pytest.approx(85.0)
    assert models["orders_stale"]["dimension_scores"]["timeliness"] == 0.0
    assert models["events_stale"]["score"] == pytest.approx(85.0)
    assert "payments_unchecked" not in models  # no freshness configured, no tests
    assert doc["summary"]["gate_passed"] is True


def test_no_sources_on_the_real_run(ran: DbtProject) -> None:
    ran.dativo("score", "--no-sources", "--format", "json", "-q", "-o", "nos.json")
    doc = json.loads((ran.path / "nos.json").read_text())
    assert [m["name"] for m in doc["models"]] == ["orders_stale"]
    assert doc["models"][0]["checks_total"] == 1
