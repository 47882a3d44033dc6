"""Assemble what the HTML report shows: the run, its history, a baseline diff, quarantine, samples.

The view objects (`views.py`) are plain data; `render.py` turns them into one self-contained HTML
file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dativo_dbt.history.queries import RunSummary, TrendPoint
from dativo_dbt.history.snapshot import (
    FAILING_STATUSES,
    STATUS_ORDER,
    CheckSnapshot,
    ModelSnapshot,
    RunSnapshot,
)
from dativo_dbt.report import charts
from dativo_dbt.report.diff import baseline_diff, score_delta
from dativo_dbt.report.trends import Axis, merge_history, model_chart, project_chart
from dativo_dbt.report.views import (
    CheckView,
    ModelView,
    QuarantineSummary,
    ReportView,
    SampleRows,
)

TIERS = ("gold", "silver", "bronze")
RECENT_RUNS = 10
_STATUS_RANK = {s: i for i, s in enumerate(STATUS_ORDER)}
_SEVERITY_RANK = {"critical": 0, "warning": 1, "info": 2}


@dataclass
class _Context:
    """What every model's view is built against: the run's history and its baseline."""

    run: RunSnapshot
    runs: list[RunSummary]
    trends: dict[str, list[TrendPoint]]
    axis: Axis
    samples: dict[str, SampleRows]
    statuses: dict[str, dict[str, str]]
    baseline: RunSnapshot | None
    base_models: dict[str, ModelSnapshot] = field(default_factory=dict)


def _anchor(model: ModelSnapshot, index: int) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in model.name.lower())
    return f"m-{index}-{safe}"[:80]


def _check_recent(
    check: CheckSnapshot,
    current: str,
    runs: list[RunSummary],
    statuses: dict[str, dict[str, str]],
) -> tuple[list[tuple[str, str]], int]:
    """The check's status in the last RECENT_RUNS runs up to the current one (oldest first) and
    for how many consecutive runs, ending with this one, it has failed."""
    by_run = dict(statuses.get(check.unique_id, {}))
    by_run[current] = check.status
    ids = [r.invocation_id for r in runs]
    upto = runs[: ids.index(current) + 1] if current in ids else runs
    recent = [(r.generated_at, by_run.get(r.invocation_id, "none")) for r in upto][-RECENT_RUNS:]
    streak = 0
    for r in reversed(upto):
        if by_run.get(r.invocation_id) in FAILING_STATUSES:
            streak += 1
        else:
            break
    return recent, streak


def _check_sort_key(view: CheckView) -> tuple[int, int, str]:
    c = view.check
    return (_STATUS_RANK.get(c.status, 9), _SEVERITY_RANK.get(c.severity or "", 9), view.label)


def _check_views(m: ModelSnapshot, b: ModelSnapshot | None, ctx: _Context) -> list[CheckView]:
    """A model's checks, worst first, with samples, baseline status and recent statuses."""
    base_checks = {c.unique_id: c for c in b.checks} if b else {}
    views = []
    for c in m.checks:
        bc = base_checks.get(c.unique_id)
        recent, streak = _check_recent(c, ctx.run.invocation_id, ctx.runs, ctx.statuses)
        views.append(
            CheckView(
                c,
                sample=ctx.samples.get(c.unique_id),
                baseline_status=bc.status if bc else None,
                is_new_failure=bool(ctx.baseline) and c.failing and (bc is None or not bc.failing),
                recent=recent,
                failing_runs=streak,
            )
        )
    views.sort(key=_check_sort_key)
    return views


def _model_view(m: ModelSnapshot, anchor: str, ctx: _Context) -> ModelView:
    b = ctx.base_models.get(m.unique_id)
    points = ctx.trends.get(m.name, [])
    chart = chart_legend = None
    if points:
        chart, chart_legend = model_chart(points, ctx.axis, m.gate.min_score)
    by_run = {p.invocation_id: p.score for p in points}
    return ModelView(
        model=m,
        anchor=anchor,
        band=charts.score_band(m.score),
        checks=_check_views(m, b, ctx),
        counts=m.status_counts(),
        dimensions=[
            (d, s, charts.DIMENSION_COLORS.get(d, "#64748b")) for d, s in m.dimensions.items()
        ],
        trend_chart=chart,
        trend_legend=chart_legend,
        sparkline=charts.sparkline([by_run.get(r) for r in ctx.axis.run_ids][-12:]),
        runs_in_history=len(points),
        baseline_score=b.score if b else None,
        delta=score_delta(m.score, b.score) if b is not None else None,
        in_baseline=b is not None,
    )


def _worst_first(view: ModelView) -> tuple[bool, float, str]:
    """Failing gates first, then the lowest score."""
    m = view.model
    return (m.gate.passed is not False, m.score if m.score is not None else 101.0, m.name)


def build_report(
    run: RunSnapshot,
    *,
    history_runs: list[RunSummary] | None = None,
    history_trends: dict[str, list[TrendPoint]] | None = None,
    history_source: str | None = None,
    baseline: RunSnapshot | None = None,
    baseline_label: str | None = None,
    quarantine: QuarantineSummary | None = None,
    samples: dict[str, SampleRows] | None = None,
    notes: list[str] | None = None,
    title: str | None = None,
    check_statuses: dict[str, dict[str, str]] | None = None,
) -> ReportView:
    """The report's view of `run` with its history, baseline diff, quarantine and samples."""
    runs, trends = merge_history(run, history_runs or [], history_trends or {})
    ctx = _Context(run, runs, trends, Axis(runs), samples or {}, check_statuses or {}, baseline)
    if baseline:
        ctx.base_models = {m.unique_id: m for m in baseline.models}
    anchors = {m.unique_id: _anchor(m, i) for i, m in enumerate(run.models)}
    models = sorted(
        (_model_view(m, anchors[m.unique_id], ctx) for m in run.models), key=_worst_first
    )
    chart, legend = project_chart(runs, trends, ctx.axis)
    tiers = {t: 0 for t in (*TIERS, "none")}
    for m in run.models:
        tiers[m.tier if m.tier in TIERS else "none"] += 1
    diff = baseline_diff(run, baseline, baseline_label or "baseline", anchors) if baseline else None
    return ReportView(
        run=run,
        title=title or f"Data quality report — {run.project or 'dbt project'}",
        band=charts.score_band(run.overall_score),
        ring=charts.score_ring(run.overall_score, 132, "overall score"),
        counts=run.status_counts(),
        tiers=tiers,
        gates_passed=sum(1 for m in run.models if m.gate.passed is True),
        gates_failed=sum(1 for m in run.models if m.gate.passed is False),
        gates_none=sum(1 for m in run.models if m.gate.passed is None),
        models=models,
        project_chart=chart,
        project_legend=legend,
        history_runs=len(runs),
        history_source=history_source,
        diff=diff,
        quarantine=quarantine,
        notes=list(notes or []),
    )


def failing_checks(run: RunSnapshot) -> list[tuple[ModelSnapshot, CheckSnapshot]]:
    return [(m, c) for m in run.models for c in m.checks if c.status in FAILING_STATUSES]
