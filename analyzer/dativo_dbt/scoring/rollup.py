"""The project roll-up: one score and the counts over every scored model of a run."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from dativo_dbt.scoring.models import CheckResult, ModelScore, Summary


def summarize(
    models: list[ModelScore],
    rollup: str,
    *,
    fail_under: float | None = None,
    orphan_checks: Sequence[CheckResult] = (),
) -> Summary:
    """Project roll-up over the models that have at least one scored check.

    `mean`: the plain mean of their scores (every model counts the same).
    `check_weighted`: the mean weighted by each model's total check weight (sum of the weights of
    its scored checks), so a model with many critical checks counts more.
    Models without scored checks (score 100 by assumption under count_as_100) are left out of the
    roll-up; `score` is None when no model has a scored check.
    """
    scored = [m for m in models if m.checks_scored > 0 and m.score is not None]
    if not scored:
        score: float | None = None
    elif rollup == "check_weighted":
        tw = sum(m.weight_total for m in scored)
        score = sum((m.score or 0.0) * m.weight_total for m in scored) / tw if tw > 0 else None
    else:
        score = sum(m.score or 0.0 for m in scored) / len(scored)
    all_checks = [c for m in models for c in m.checks] + list(orphan_checks)
    statuses: Counter[str] = Counter(c.status for c in all_checks)
    passed_models = sum(1 for m in models if m.gate.passed)
    gate_passed = passed_models == len(models)
    if fail_under is not None and (score is None or score < fail_under):
        gate_passed = False
    n_scored = sum(statuses[s] for s in ("pass", "fail", "warn", "error"))
    return Summary(
        score=score,
        rollup=rollup,
        models_total=len(models),
        models_scored=len(scored),
        models_passed=passed_models,
        models_failed=len(models) - passed_models,
        checks_total=len(all_checks),
        checks_scored=n_scored,
        checks_passed=statuses["pass"],
        checks_failed=n_scored - statuses["pass"],
        checks_error=statuses["error"],
        checks_skipped=statuses["skipped"],
        checks_not_run=statuses["not_run"],
        gate_passed=gate_passed,
        fail_under=fail_under,
    )
