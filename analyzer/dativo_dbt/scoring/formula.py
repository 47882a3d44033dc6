"""The score formula, version 1 (seed 004, "three-layer model"). Pure functions, no I/O.

For one model's scored checks (status pass/fail/warn/error):

1. check weight  w = meta.dativo.weight if set, else severity_weights[severity]
                 (critical 3.0, warning 1.0, info 0.5); a check scores 100 if it passed, else 0.
2. dimension     D_d = sum(w * score) / sum(w) over the checks of dimension d.
                 uniqueness checks count under consistency unless dimension_weights has `uniqueness`.
                 A dimension without checks (or whose weights sum to 0) is 100 under
                 `empty_dimensions: count_as_100`; under `exclude` it is left out and the remaining
                 dimension weights are renormalised to sum to 1.
3. overall       raw = sum(W_d * D_d) over weighted dimensions (W = dimension_weights)
                 delta = raw - baseline_score, capped to [-max_negative_influence, +max_positive_influence]
                 score = clamp(baseline_score + delta, 0, 100)

With the defaults (baseline 70, +30/-50) scores range from 20 to 100. Under `exclude`, a model
without any scored check in a weighted dimension has score None (not scored).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from dativo_dbt.scoring.models import CheckResult

FORMULA_VERSION = 1


def scored_dimension(dimension: str, dimension_weights: Mapping[str, float]) -> str:
    """The dimension whose weight a check of `dimension` counts under."""
    if dimension == "uniqueness" and "uniqueness" not in dimension_weights:
        return "consistency"
    return dimension


class Tally:
    """One pass over a model's checks: per-dimension weight sums and the status counts."""

    __slots__ = ("error", "passed", "scored", "skipped", "sums", "timed_out", "weight_total")

    def __init__(
        self, checks: Iterable[CheckResult], dimension_weights: Mapping[str, float]
    ) -> None:
        sums: dict[str, list[float]] = {d: [0.0, 0.0] for d in dimension_weights}
        scored = passed = error = skipped = timed_out = 0
        wt = 0.0
        for c in checks:
            if c.timed_out:
                timed_out += 1
            if not c.scored:
                if c.status == "skipped":
                    skipped += 1
                continue
            scored += 1
            w = c.weight
            wt += w
            acc = sums.get(c.scored_dimension)
            if c.passed:
                passed += 1
                if acc is not None:
                    acc[0] += w * 100.0
            elif c.status == "error":
                error += 1
            if acc is not None:  # a dimension without a weight entry does not count
                acc[1] += w
        self.sums = sums
        self.scored, self.passed, self.error, self.skipped = scored, passed, error, skipped
        self.timed_out, self.weight_total = timed_out, wt

    def dimension_scores(self, empty_dimensions: str) -> dict[str, float | None]:
        empty = 100.0 if empty_dimensions == "count_as_100" else None
        return {d: (s / t if t > 0 else empty) for d, (s, t) in self.sums.items()}


def dimension_scores(
    checks: Iterable[CheckResult], dimension_weights: Mapping[str, float], empty_dimensions: str
) -> dict[str, float | None]:
    """Severity-weighted pass rate (0-100) per weighted dimension (layer 1 + 2)."""
    return Tally(checks, dimension_weights).dimension_scores(empty_dimensions)


def overall_score(
    dims: Mapping[str, float | None],
    dimension_weights: Mapping[str, float],
    *,
    baseline_score: float,
    max_positive_influence: float,
    max_negative_influence: float,
) -> tuple[float | None, float | None]:
    """(final score, raw weighted score) from dimension scores (layer 1 + 3)."""
    total_w = 0.0
    acc = 0.0
    for d, w in dimension_weights.items():
        v = dims.get(d)
        if v is None:
            continue
        acc += v * w
        total_w += w
    if total_w <= 0:
        return None, None
    present_all = all(dims.get(d) is not None for d in dimension_weights)
    raw = acc if present_all else acc / total_w
    delta = raw - baseline_score
    delta = min(delta, max_positive_influence) if delta > 0 else max(delta, -max_negative_influence)
    return clamp_score(baseline_score + delta), raw


def clamp_score(value: float) -> float:
    """The one point where a score is bounded: finite (asserted) and clamped to [0, 100]."""
    if not math.isfinite(value):
        raise ValueError(
            f"score is not a finite number ({value}); the config should have refused this"
        )
    return max(0.0, min(100.0, value))


def score_checks(
    checks: Iterable[CheckResult],
    *,
    dimension_weights: Mapping[str, float],
    baseline_score: float = 70,
    max_positive_influence: float = 30,
    max_negative_influence: float = 50,
    empty_dimensions: str = "count_as_100",
) -> tuple[float | None, float | None, dict[str, float | None]]:
    """(score, raw score, dimension scores) of one model's checks."""
    dims = dimension_scores(checks, dimension_weights, empty_dimensions)
    score, raw = overall_score(
        dims,
        dimension_weights,
        baseline_score=baseline_score,
        max_positive_influence=max_positive_influence,
        max_negative_influence=max_negative_influence,
    )
    return score, raw, dims
