"""What `dativo-dbt history` shows: score trends as rich tables with sparklines, or as JSON."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from dativo_dbt.history.queries import RunSummary, TrendPoint
from dativo_dbt.history.run import Trends
from dativo_dbt.scoring.status import LABELS, STYLES, gate_status

_BLOCKS = "▁▂▃▄▅▆▇█"


def spark(values: list[float | None]) -> str:
    """A unicode sparkline on the absolute 0..100 scale (a gap for runs without a score)."""
    out = []
    for v in values:
        if v is None:
            out.append(" ")
        else:
            out.append(_BLOCKS[min(len(_BLOCKS) - 1, max(0, int(v / 100 * len(_BLOCKS))))])
    return "".join(out)


def _fmt(v: float | None) -> str:
    return "\u2013" if v is None else f"{v:.1f}"


def _delta(points: list[float | None]) -> float | None:
    known = [p for p in points if p is not None]
    return known[-1] - known[-2] if len(known) >= 2 else None


def _style(score: float | None) -> str:
    if score is None:
        return "dim"
    return (
        "green"
        if score >= 90
        else "yellow"
        if score >= 75
        else "dark_orange"
        if score >= 60
        else "red"
    )


def print_trends(view: Trends) -> None:
    """The trends as tables on stdout: every model with a sparkline, or with a model the per-run
    score, dimensions and gate verdict (`view.runs` not empty)."""
    console = Console()
    if view.model:
        _print_model(console, view.trends, view.source)
    else:
        _print_overview(console, view.runs, view.trends, view.source)


def as_json(view: Trends) -> dict[str, Any]:
    """The trends as the JSON document of `history --format json`."""
    return {
        "source": view.source,
        "runs": [
            {
                "invocation_id": r.invocation_id,
                "generated_at": r.generated_at,
                "overall_score": r.overall_score,
                "gate_passed": r.gate_passed,
                "models": r.models,
                "failing_checks": r.failing_checks,
            }
            for r in view.runs
        ],
        "models": {
            name: [
                {
                    "invocation_id": p.invocation_id,
                    "generated_at": p.generated_at,
                    "score": p.score,
                    "dimensions": p.dimensions,
                    "gate_passed": p.gate_passed,
                    "gate_status": p.gate_status,
                    "tier": p.tier,
                }
                for p in points
            ]
            for name, points in sorted(view.trends.items())
        },
    }


def _print_overview(
    console: Console, runs: list[RunSummary], trends: dict[str, list[TrendPoint]], source: str
) -> None:
    run_ids = [r.invocation_id for r in runs]
    table = Table(
        title=f"Score trends, last {len(runs)} run{'s' if len(runs) != 1 else ''}",
        caption=source,
        title_justify="left",
    )
    table.add_column("model", overflow="fold")
    table.add_column("tier")
    table.add_column("score", justify="right")
    table.add_column("change", justify="right")
    table.add_column("trend")
    table.add_column("min", justify="right")
    table.add_column("max", justify="right")
    table.add_column("gate")
    overall = [r.overall_score for r in runs]
    table.add_row(
        "[bold]project (overall)[/]",
        "",
        f"[bold {_style(overall[-1])}]{_fmt(overall[-1])}[/]",
        _fmt_delta(_delta(overall)),
        spark(overall),
        _fmt(min((v for v in overall if v is not None), default=None)),
        _fmt(max((v for v in overall if v is not None), default=None)),
        _gate(gate_status(runs[-1].gate_passed)),
        end_section=True,
    )
    for name, points in sorted(trends.items()):
        by_run = {p.invocation_id: p for p in points}
        values = [by_run[r].score if r in by_run else None for r in run_ids]
        scores = [p.score for p in points if p.score is not None]
        latest = points[-1]
        table.add_row(
            escape(name),
            escape(latest.tier or ""),
            f"[{_style(latest.score)}]{_fmt(latest.score)}[/]",
            _fmt_delta(_delta([p.score for p in points])),
            spark(values),
            _fmt(min(scores, default=None)),
            _fmt(max(scores, default=None)),
            _gate(latest.gate_status),
        )
    console.print(table)


def _print_model(console: Console, trends: dict[str, list[TrendPoint]], source: str) -> None:
    for name, points in sorted(trends.items()):
        dims = sorted({d for p in points for d in p.dimensions})
        scores = [p.score for p in points]
        table = Table(
            title=f"{escape(name)}: {spark(scores)} {_fmt(scores[-1])}",
            caption=source,
            title_justify="left",
            box=box.SIMPLE_HEAD,
            pad_edge=False,
        )
        table.add_column("run, UTC", no_wrap=True)
        table.add_column("score", justify="right", no_wrap=True)
        table.add_column("Δ", justify="right", no_wrap=True)
        for d in dims:
            table.add_column(escape(d[:5]), justify="right", no_wrap=True)
        table.add_column("gate", no_wrap=True)
        previous: float | None = None
        for p in points:
            change = p.score - previous if p.score is not None and previous is not None else None
            table.add_row(
                p.generated_at[5:16].replace("T", " "),
                f"[{_style(p.score)}]{_fmt(p.score)}[/]",
                _fmt_delta(change),
                *[_fmt(p.dimensions.get(d)) for d in dims],
                _gate(p.gate_status),
            )
            previous = p.score if p.score is not None else previous
        console.print(table)


def _fmt_delta(d: float | None) -> str:
    if d is None:
        return ""
    color = "green" if d > 0.05 else "red" if d < -0.05 else "dim"
    return f"[{color}]{d:+.1f}[/]"


def _gate(status: str) -> str:
    """A gate status in the words and colours `score` uses (`dativo_dbt.scoring.status`)."""
    return f"[{STYLES[status]}]{LABELS[status]}[/]"
