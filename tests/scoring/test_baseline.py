"""--baseline: score deltas, newly failing checks, tier drops."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import msgspec
import pytest
from dativo_dbt.scoring.api import score_project
from dativo_dbt.scoring.baseline import compare

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "artifacts"


@pytest.fixture
def good_baseline(tmp_path: Path) -> Path:
    """A 'main' target dir whose run_results.json merges the full build and the re-run."""
    from dativo_dbt.artifacts import merge_run_results

    base = tmp_path / "main_target"
    shutil.copytree(FIX / "1.11", base)
    merged = merge_run_results([base / "run_results.json", base / "run_results_rerun.json"])
    doc = json.loads((base / "run_results.json").read_text())
    by_id = {r["unique_id"]: r for r in doc["results"]}
    by_id.update(
        {
            r["unique_id"]: r
            for r in json.loads((base / "run_results_rerun.json").read_text())["results"]
        }
    )
    doc["results"] = [by_id[uid] for uid in merged.results]
    (base / "run_results.json").write_text(json.dumps(doc))
    return base


def test_delta_and_new_failures(good_baseline: Path) -> None:
    ps = score_project(FIX / "1.11", baseline=good_baseline)
    b = ps.baseline
    assert b is not None
    d = {m.name: m for m in b.models}
    assert d["stg_customers"].delta == pytest.approx(67.5 - 80.0)
    assert d["stg_orders"].delta == 0.0
    assert d["stg_customers"].gate_newly_failed  # 80 >= silver 80 before, 67.5 now
    assert [f.check for f in b.new_failures] == ["email_present"]
    assert b.new_failures[0].baseline_status == "pass"
    assert b.tier_drops == []
    assert b.summary_delta == pytest.approx(ps.summary.score - b.summary_score)  # type: ignore[operator]


def test_tier_drop_and_removed_model() -> None:
    current = score_project(FIX / "1.11")
    base = score_project(FIX / "1.11")
    base.models = [
        msgspec.structs.replace(m, tier="gold") if m.name == "stg_customers" else m
        for m in base.models
    ]
    extra = msgspec.structs.replace(
        base.models[0], unique_id="model.score_fixture.gone", name="gone", tier="bronze"
    )
    base.models.append(extra)
    cmp = compare(current, base, "main")
    assert "model.score_fixture.stg_customers" in cmp.tier_drops
    assert "model.score_fixture.gone" in cmp.tier_drops
    assert cmp.removed_models == ["model.score_fixture.gone"]
    assert next(m for m in cmp.models if m.name == "stg_customers").tier_dropped
