"""`dativo-dbt history [MODEL]`: score trends from the history store, in the terminal or as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import click

from dativo_dbt.cli.bounds import count
from dativo_dbt.history.queries import RunSummary, TrendPoint
from dativo_dbt.history.store import HistoryStore
from dativo_dbt.scoring.status import LABELS, STYLES, gate_status

_DIR = click.Path(file_okay=False, path_type=Path)
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


@click.command(name="history")
@click.argument("model", required=False)
@click.option("--project-dir", type=_DIR, default=Path("."), show_default=True, help="dbt project.")
@click.option("--last", type=count(1), default=20, show_default=True, help="Number of runs.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
)
@click.option(
    "--history-path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    envvar="DATIVO_HISTORY_PATH",
    help="Local history store [default: dativo.yml history.path, else PROJECT/.dativo/history.duckdb].",
)
@click.option(
    "--from-warehouse",
    is_flag=True,
    help="Read the warehouse tables written by the dbt package's on-run-end hook (dbt profile).",
)
@click.option("--profiles-dir", type=_DIR, default=None, help="Where profiles.yml is (as dbt).")
@click.option("--target", "dbt_target", default=None, help="profiles.yml target (as dbt).")
def command(
    model: str | None,
    project_dir: Path,
    last: int,
    fmt: str,
    history_path: Path | None,
    from_warehouse: bool,
    profiles_dir: Path | None,
    dbt_target: str | None,
) -> None:
    """Score trends over the last runs: every model (or one MODEL, by name or unique_id) with a
    sparkline, or with MODEL the per-run score, dimensions and gate verdict."""
    from dativo_dbt.errors import DativoError
    from dativo_dbt.history import resolve_history_path

    if from_warehouse:
        from dativo_dbt.history.warehouse import warehouse_history

        store, source = warehouse_history(
            project_dir, profiles_dir=profiles_dir, target=dbt_target, last=last
        )
    else:
        path = resolve_history_path(project_dir, history_path)
        store = HistoryStore(path, read_only=True)
        source = str(path)
    try:
        runs = store.runs(last)
        trends = store.model_trends(model, last)
    finally:
        store.close()
    if model and not trends:
        raise DativoError(
            f"model {model!r} has no recorded score in the last {last} runs", path=source
        )
    if fmt == "json":
        click.echo(json.dumps(_as_json(source, runs, trends, model), indent=2))
        return
    if not runs:
        click.echo(f"no runs recorded yet in {source}: `dativo-dbt score` records every run")
        return
    if model:
        _print_model(model, runs, trends, source)
    else:
        _print_overview(runs, trends, source)


def _as_json(
    source: str, runs: list[RunSummary], trends: dict[str, list[TrendPoint]], model: str | None
) -> dict[str, object]:
    return {
        "source": source,
        "runs": [
            {
                "invocation_id": r.invocation_id,
                "generated_at": r.generated_at,
                "overall_score": r.overall_score,
                "gate_passed": r.gate_passed,
                "models": r.models,
                "failing_checks": r.failing_checks,
            }
            for r in runs
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
            for name, points in sorted(trends.items())
        },
    }


def _print_overview(
    runs: list[RunSummary], trends: dict[str, list[TrendPoint]], source: str
) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
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


def _print_model(
    model: str, runs: list[RunSummary], trends: dict[str, list[TrendPoint]], source: str
) -> None:
    from rich import box
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
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
