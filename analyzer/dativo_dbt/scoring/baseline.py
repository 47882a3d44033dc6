"""`--baseline DIR`: compare a score with a previous run's (e.g. main's) score."""

from __future__ import annotations

from dativo_dbt.scoring.gates import TIER_RANK
from dativo_dbt.scoring.models import Comparison, ModelDelta, NewFailure, ProjectScore


def compare(current: ProjectScore, baseline: ProjectScore, baseline_dir: str) -> Comparison:
    """Per-model score delta, checks failing now that did not fail in the baseline (new or
    previously passing/skipped/not run), and models whose tier dropped (gold -> silver, or tier lost)."""
    base_models = {m.unique_id: m for m in baseline.models}
    base_checks = {c.unique_id: c for c in baseline.checks()}
    deltas: list[ModelDelta] = []
    drops: list[str] = []
    for m in current.models:
        b = base_models.get(m.unique_id)
        delta = None
        if b is not None and m.score is not None and b.score is not None:
            delta = m.score - b.score
        dropped = b is not None and TIER_RANK.get(m.tier, 0) < TIER_RANK.get(b.tier, 0)
        if dropped:
            drops.append(m.unique_id)
        deltas.append(
            ModelDelta(
                unique_id=m.unique_id,
                name=m.name,
                score=m.score,
                baseline_score=b.score if b is not None else None,
                delta=delta,
                tier=m.tier,
                baseline_tier=b.tier if b is not None else None,
                tier_dropped=dropped,
                gate_newly_failed=(not m.gate.passed) and (b is None or b.gate.passed),
            )
        )
    current_ids = {m.unique_id for m in current.models}
    removed = sorted(uid for uid in base_models if uid not in current_ids)
    for uid in removed:
        if base_models[uid].tier is not None:
            drops.append(uid)
    new_failures: list[NewFailure] = []
    for c in current.checks():
        if not c.scored or c.passed:
            continue
        bc = base_checks.get(c.unique_id)
        if bc is not None and bc.scored and not bc.passed:
            continue
        new_failures.append(
            NewFailure(
                unique_id=c.unique_id,
                model_unique_id=c.model_unique_id,
                check=c.check,
                status=c.status,
                baseline_status=bc.status if bc is not None else None,
            )
        )
    s, bs = current.summary.score, baseline.summary.score
    return Comparison(
        baseline_dir=baseline_dir,
        summary_score=bs,
        summary_delta=(s - bs) if s is not None and bs is not None else None,
        models=deltas,
        new_failures=new_failures,
        tier_drops=drops,
        removed_models=removed,
    )
