"""The report's history: the current run merged into the recorded series, and their charts."""

from __future__ import annotations

from markupsafe import Markup

from dativo_dbt.history.queries import RunSummary, TrendPoint
from dativo_dbt.history.snapshot import RunSnapshot
from dativo_dbt.history.timestamps import parse_timestamp
from dativo_dbt.report import charts


class Axis:
    """The runs along a chart's x axis: their ids, short labels and full titles."""

    def __init__(self, runs: list[RunSummary]) -> None:
        self.run_ids = [r.invocation_id for r in runs]
        self.labels = [short_time(r.generated_at) for r in runs]
        self.titles = [f"{r.generated_at} ({r.invocation_id[:8]})" for r in runs]


def short_time(iso: str) -> str:
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


def _dimension_series(label: str, dim: str, values: list[float | None]) -> charts.Series:
    return charts.Series(
        label, charts.DIMENSION_COLORS.get(dim, "#64748b"), values, width=1.5, dashed=True
    )


def model_chart(
    points: list[TrendPoint], axis: Axis, threshold: float | None
) -> tuple[Markup, Markup]:
    """A model's score and dimension scores over the runs of `axis`, and its legend."""
    by_run = {p.invocation_id: p for p in points}
    dims = sorted({d for p in points for d in p.dimensions})
    series = [
        _dimension_series(
            d, d, [by_run[r].dimensions.get(d) if r in by_run else None for r in axis.run_ids]
        )
        for d in dims
    ]
    series.append(
        charts.Series(
            "score",
            charts.SCORE_COLOR,
            [by_run[r].score if r in by_run else None for r in axis.run_ids],
            width=3,
            css_class="ink",
        )
    )
    chart = charts.line_chart(
        axis.labels,
        series,
        x_titles=axis.titles,
        width=760,
        height=240,
        threshold=threshold,
        title="score and dimensions over time",
    )
    return chart, charts.legend(series)


def project_chart(
    runs: list[RunSummary], trends: dict[str, list[TrendPoint]], axis: Axis
) -> tuple[Markup | None, Markup | None]:
    """The overall score and the models' mean dimension scores over the runs, and the legend
    (None, None without runs)."""
    if not runs:
        return None, None
    series = [
        _dimension_series(f"{d} (mean of models)", d, values)
        for d, values in dimension_means(trends, axis.run_ids).items()
    ]
    series.append(
        charts.Series(
            "overall score", charts.SCORE_COLOR, [r.overall_score for r in runs], 3, css_class="ink"
        )
    )
    chart = charts.line_chart(
        axis.labels,
        series,
        x_titles=axis.titles,
        width=1160,
        height=220,
        title="overall and dimension scores over time",
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
