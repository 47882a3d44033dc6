"""Assemble what the HTML report shows: the run, its history, a baseline diff, quarantine, samples.

The view objects here are plain data; `render.py` turns them into one self-contained HTML file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from dativo_dbt.history.snapshot import (
    FAILING_STATUSES,
    STATUS_ORDER,
    CheckSnapshot,
    ModelSnapshot,
    RunSnapshot,
)
from dativo_dbt.history.queries import RunSummary, TrendPoint
from dativo_dbt.history.timestamps import parse_timestamp
from dativo_dbt.report import charts

TIERS = ("gold", "silver", "bronze")
_STATUS_RANK = {s: i for i, s in enumerate(STATUS_ORDER)}
_SEVERITY_RANK = {"critical": 0, "warning": 1, "info": 2}


@dataclass
class SampleRows:
    """Failing rows stored by dbt's store_failures (first rows only)."""

    columns: list[str]
    rows: list[list[str]]
    relation: str
    error: str | None = None


@dataclass
class QuarantineSummary:
    """What the quarantine registry holds, per model (optional part of the report)."""

    total_rows: int
    entries: list[dict[str, Any]]  # model, check, rows, status, quarantined_at, expires_at
    columns: list[str] = field(default_factory=list)


@dataclass
class CheckView:
    check: CheckSnapshot
    sample: SampleRows | None = None
    baseline_status: str | None = None
    is_new_failure: bool = False
    recent: list[tuple[str, str]] = field(default_factory=list)  # (when, status), oldest first
    failing_runs: int = 0  # consecutive runs, up to this one, in which the check failed

    @property
    def label(self) -> str:
        return self.check.check or self.check.name


@dataclass
class ModelView:
    model: ModelSnapshot
    anchor: str
    band: str
    checks: list[CheckView]
    counts: dict[str, int]
    dimensions: list[tuple[str, float | None, str]]
    trend_chart: Markup | None
    trend_legend: Markup | None
    sparkline: Markup
    runs_in_history: int
    baseline_score: float | None = None
    delta: float | None = None
    in_baseline: bool = False

    @property
    def search(self) -> str:
        """What the report's search box matches: names, contract, owner, tier, checks."""
        m = self.model
        words = [m.name, m.unique_id, m.contract, m.owner, m.tier]
        for c in m.checks:
            words += [c.check, c.name, c.dimension, c.column]
        return " ".join(w for w in words if w).lower()

    @property
    def state(self) -> str:
        """failing (a check errored/failed), warning (only warns), passing, or untested."""
        if self.counts.get("error") or self.counts.get("fail"):
            return "failing"
        if self.counts.get("warn"):
            return "warning"
        return "passing" if self.counts.get("pass") else "untested"


@dataclass
class DiffView:
    label: str
    overall_baseline: float | None
    overall_delta: float | None
    rows: list[dict[str, Any]]  # name, anchor, score, baseline, delta, tier, baseline_tier
    new_failures: list[dict[str, Any]]  # model, anchor, check, status, baseline_status
    fixed: list[dict[str, Any]]  # model, anchor, check, baseline_status
    added: list[str]
    removed: list[str]


@dataclass
class ReportView:
    run: RunSnapshot
    title: str
    band: str
    ring: Markup
    counts: dict[str, int]
    tiers: dict[str, int]
    gates_passed: int
    gates_failed: int
    gates_none: int
    models: list[ModelView]
    project_chart: Markup | None
    project_legend: Markup | None
    history_runs: int
    history_source: str | None
    diff: DiffView | None
    quarantine: QuarantineSummary | None
    notes: list[str]
    dimension_colors: dict[str, str] = field(default_factory=lambda: dict(charts.DIMENSION_COLORS))


def _anchor(model: ModelSnapshot, index: int) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in model.name.lower())
    return f"m-{index}-{safe}"[:80]


def _short_time(iso: str) -> str:
    """'2026-11-22T05:30:00Z' -> '11-22 05:30'."""
    return f"{iso[5:10]} {iso[11:16]}" if len(iso) >= 16 else iso


def merge_history(
    run: RunSnapshot, runs: list[RunSummary], trends: dict[str, list[TrendPoint]]
) -> tuple[list[RunSummary], dict[str, list[TrendPoint]]]:
    """The history series with `run` added when it was not recorded (yet), ordered by time."""
    if any(r.invocation_id == run.invocation_id for r in runs):
        return runs, trends
    failing = sum(len(m.failing_checks) for m in run.models)
    runs = [
        *runs,
        RunSummary(
            run.invocation_id,
            run.generated_at,
            run.overall_score,
            run.gate_passed,
            len(run.models),
            failing,
        ),
    ]
    merged = {name: list(points) for name, points in trends.items()}
    for m in run.models:
        merged.setdefault(m.name, []).append(
            TrendPoint(
                run.invocation_id,
                run.generated_at,
                m.score,
                dict(m.dimensions),
                m.gate.passed,
                m.tier,
                len(m.gate.warnings),
            )
        )
    runs.sort(key=lambda r: parse_timestamp(r.generated_at))
    for points in merged.values():
        points.sort(key=lambda p: parse_timestamp(p.generated_at))
    return runs, merged


def _model_chart(
    points: list[TrendPoint],
    run_ids: list[str],
    labels: list[str],
    titles: list[str],
    threshold: float | None,
) -> tuple[Markup, Markup]:
    by_run = {p.invocation_id: p for p in points}
    dims = sorted({d for p in points for d in p.dimensions})
    series = [
        charts.Series(
            d,
            charts.DIMENSION_COLORS.get(d, "#64748b"),
            [by_run[r].dimensions.get(d) if r in by_run else None for r in run_ids],
            width=1.5,
            dashed=True,
        )
        for d in dims
    ]
    series.append(
        charts.Series(
            "score",
            charts.SCORE_COLOR,
            [by_run[r].score if r in by_run else None for r in run_ids],
            width=3,
            css_class="ink",
        )
    )
    chart = charts.line_chart(
        labels,
        series,
        x_titles=titles,
        width=760,
        height=240,
        threshold=threshold,
        title="score and dimensions over time",
    )
    return chart, charts.legend(series)


def dimension_means(
    trends: dict[str, list[TrendPoint]], run_ids: list[str]
) -> dict[str, list[float | None]]:
    """Per dimension, the mean over models of its score in each run (None: no model had one)."""
    sums: dict[str, dict[str, list[float]]] = {}
    for points in trends.values():
        for p in points:
            for dim, value in p.dimensions.items():
                if value is not None:
                    sums.setdefault(dim, {}).setdefault(p.invocation_id, []).append(value)
    return {
        dim: [sum(by_run[r]) / len(by_run[r]) if by_run.get(r) else None for r in run_ids]
        for dim, by_run in sorted(sums.items())
    }


def _diff(run: RunSnapshot, baseline: RunSnapshot, label: str, anchors: dict[str, str]) -> DiffView:
    base_models = {m.unique_id: m for m in baseline.models}
    cur_models = {m.unique_id: m for m in run.models}
    rows = []
    new_failures = []
    fixed = []
    for m in run.models:
        b = base_models.get(m.unique_id)
        delta = (
            m.score - b.score
            if b is not None and m.score is not None and b.score is not None
            else None
        )
        rows.append(
            {
                "name": m.name,
                "anchor": anchors[m.unique_id],
                "score": m.score,
                "baseline": b.score if b else None,
                "delta": delta,
                "tier": m.tier,
                "baseline_tier": b.tier if b else None,
                "new": b is None,
            }
        )
        base_checks = {c.unique_id: c for c in b.checks} if b else {}
        for c in m.checks:
            bc = base_checks.get(c.unique_id)
            if c.failing and (bc is None or not bc.failing):
                new_failures.append(
                    {
                        "model": m.name,
                        "anchor": anchors[m.unique_id],
                        "check": c.check or c.name,
                        "status": c.status,
                        "baseline_status": bc.status if bc else None,
                    }
                )
            if bc is not None and bc.failing and not c.failing:
                fixed.append(
                    {
                        "model": m.name,
                        "anchor": anchors[m.unique_id],
                        "check": c.check or c.name,
                        "status": c.status,
                        "baseline_status": bc.status,
                    }
                )
    rows.sort(key=lambda r: (r["delta"] is None, r["delta"] if r["delta"] is not None else 0))
    overall_delta = (
        run.overall_score - baseline.overall_score
        if run.overall_score is not None and baseline.overall_score is not None
        else None
    )
    return DiffView(
        label=label,
        overall_baseline=baseline.overall_score,
        overall_delta=overall_delta,
        rows=rows,
        new_failures=new_failures,
        fixed=fixed,
        added=sorted(m.name for uid, m in cur_models.items() if uid not in base_models),
        removed=sorted(m.name for uid, m in base_models.items() if uid not in cur_models),
    )


RECENT_RUNS = 10


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
    run_ids = [r.invocation_id for r in runs]
    labels = [_short_time(r.generated_at) for r in runs]
    titles = [f"{r.generated_at} ({r.invocation_id[:8]})" for r in runs]
    samples = samples or {}
    statuses = check_statuses or {}

    anchors = {m.unique_id: _anchor(m, i) for i, m in enumerate(run.models)}
    base_models = {m.unique_id: m for m in baseline.models} if baseline else {}
    model_views = []
    for m in run.models:
        b = base_models.get(m.unique_id)
        base_checks = {c.unique_id: c for c in b.checks} if b else {}
        check_views = []
        for c in m.checks:
            bc = base_checks.get(c.unique_id)
            recent, streak = _check_recent(c, run.invocation_id, runs, statuses)
            check_views.append(
                CheckView(
                    c,
                    sample=samples.get(c.unique_id),
                    baseline_status=bc.status if bc else None,
                    is_new_failure=bool(baseline) and c.failing and (bc is None or not bc.failing),
                    recent=recent,
                    failing_runs=streak,
                )
            )
        check_views.sort(key=_check_sort_key)
        points = trends.get(m.name, [])
        chart = chart_legend = None
        if points:
            chart, chart_legend = _model_chart(points, run_ids, labels, titles, m.gate.min_score)
        by_run = {p.invocation_id: p.score for p in points}
        model_views.append(
            ModelView(
                model=m,
                anchor=anchors[m.unique_id],
                band=charts.score_band(m.score),
                checks=check_views,
                counts=m.status_counts(),
                dimensions=[
                    (d, s, charts.DIMENSION_COLORS.get(d, "#64748b"))
                    for d, s in m.dimensions.items()
                ],
                trend_chart=chart,
                trend_legend=chart_legend,
                sparkline=charts.sparkline([by_run.get(r) for r in run_ids][-12:]),
                runs_in_history=len(points),
                baseline_score=b.score if b else None,
                delta=(m.score - b.score)
                if b is not None and m.score is not None and b.score is not None
                else None,
                in_baseline=b is not None,
            )
        )
    # Worst first: failing gates, then lowest score.
    model_views.sort(
        key=lambda v: (
            v.model.gate.passed is not False,
            v.model.score if v.model.score is not None else 101.0,
            v.model.name,
        )
    )

    project_chart = project_legend = None
    if runs:
        series = [
            charts.Series(
                f"{d} (mean of models)",
                charts.DIMENSION_COLORS.get(d, "#64748b"),
                values,
                width=1.5,
                dashed=True,
            )
            for d, values in dimension_means(trends, run_ids).items()
        ]
        series.append(
            charts.Series(
                "overall score",
                charts.SCORE_COLOR,
                [r.overall_score for r in runs],
                3,
                css_class="ink",
            )
        )
        project_chart = charts.line_chart(
            labels,
            series,
            x_titles=titles,
            width=1160,
            height=220,
            title="overall and dimension scores over time",
        )
        project_legend = charts.legend(series)

    tiers = {t: 0 for t in (*TIERS, "none")}
    for m in run.models:
        tiers[m.tier if m.tier in TIERS else "none"] += 1
    diff = _diff(run, baseline, baseline_label or "baseline", anchors) if baseline else None
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
        models=model_views,
        project_chart=project_chart,
        project_legend=project_legend,
        history_runs=len(runs),
        history_source=history_source,
        diff=diff,
        quarantine=quarantine,
        notes=list(notes or []),
    )


def failing_checks(run: RunSnapshot) -> list[tuple[ModelSnapshot, CheckSnapshot]]:
    return [(m, c) for m in run.models for c in m.checks if c.status in FAILING_STATUSES]
