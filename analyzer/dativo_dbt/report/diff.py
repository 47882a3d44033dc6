"""The report's comparison of a run with a baseline run: score changes, new and fixed failures."""

from __future__ import annotations

from typing import Any

from dativo_dbt.history.snapshot import ModelSnapshot, RunSnapshot
from dativo_dbt.report.views import DiffView


def score_delta(score: float | None, baseline: float | None) -> float | None:
    """`score - baseline`, None when either is unknown."""
    return score - baseline if score is not None and baseline is not None else None


def baseline_diff(
    run: RunSnapshot, baseline: RunSnapshot, label: str, anchors: dict[str, str]
) -> DiffView:
    """`run` against `baseline`: per model its score change (largest drop first), the checks that
    fail now and did not before, those fixed, and the models added and removed."""
    base_models = {m.unique_id: m for m in baseline.models}
    cur_models = {m.unique_id: m for m in run.models}
    rows = []
    new_failures: list[dict[str, Any]] = []
    fixed: list[dict[str, Any]] = []
    for m in run.models:
        b = base_models.get(m.unique_id)
        anchor = anchors[m.unique_id]
        rows.append(_score_row(m, b, anchor))
        _check_changes(m, b, anchor, new_failures, fixed)
    rows.sort(key=lambda r: (r["delta"] is None, r["delta"] if r["delta"] is not None else 0))
    return DiffView(
        label=label,
        overall_baseline=baseline.overall_score,
        overall_delta=score_delta(run.overall_score, baseline.overall_score),
        rows=rows,
        new_failures=new_failures,
        fixed=fixed,
        added=sorted(m.name for uid, m in cur_models.items() if uid not in base_models),
        removed=sorted(m.name for uid, m in base_models.items() if uid not in cur_models),
    )


def _score_row(m: ModelSnapshot, b: ModelSnapshot | None, anchor: str) -> dict[str, Any]:
    return {
        "name": m.name,
        "anchor": anchor,
        "score": m.score,
        "baseline": b.score if b else None,
        "delta": score_delta(m.score, b.score) if b is not None else None,
        "tier": m.tier,
        "baseline_tier": b.tier if b else None,
        "new": b is None,
    }


def _check_changes(
    m: ModelSnapshot,
    b: ModelSnapshot | None,
    anchor: str,
    new_failures: list[dict[str, Any]],
    fixed: list[dict[str, Any]],
) -> None:
    """Append `m`'s checks that fail now and did not in `b` to `new_failures`, those that failed
    in `b` and do not now to `fixed`."""
    base_checks = {c.unique_id: c for c in b.checks} if b else {}
    for c in m.checks:
        bc = base_checks.get(c.unique_id)
        change = {"model": m.name, "anchor": anchor, "check": c.check or c.name}
        if c.failing and (bc is None or not bc.failing):
            new_failures.append(
                {**change, "status": c.status, "baseline_status": bc.status if bc else None}
            )
        if bc is not None and bc.failing and not c.failing:
            fixed.append({**change, "status": c.status, "baseline_status": bc.status})
