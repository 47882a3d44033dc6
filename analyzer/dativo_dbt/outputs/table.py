"""The default terminal output: a rich table of models, worst first, then the violations."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table
from rich.text import Text

from dativo_dbt.outputs.common import DIM_ABBR, deltas, fmt_delta, fmt_score, ordered_models
from dativo_dbt.scoring.models import Comparison, ModelScore, ProjectScore, Summary
from dativo_dbt.scoring.status import LABELS, STYLES, gate_status


def _style(score: float | None, passed: bool) -> str:
    if not passed:
        return "bold red"
    if score is None:
        return "dim"
    return "green" if score >= 90 else ("yellow" if score >= 70 else "red")


def _models_table(project: ProjectScore, models: list[ModelScore], *, gate_only: bool) -> Table:
    """One row per model of `models`: tier, score (Δ), dimension scores and checks, gate."""
    dmap = deltas(project)
    dims = list(project.config.get("scoring", {}).get("dimension_weights", {}))
    what = "quality gates" if gate_only else "quality scores"
    title = f"dativo-dbt {what} (formula v{project.formula_version})"
    table = Table(title=title, title_justify="left", show_lines=False, header_style="bold")
    table.add_column("model", no_wrap=True)
    table.add_column("tier")
    table.add_column("score", justify="right")
    if project.baseline is not None:
        table.add_column("Δ", justify="right")
    if not gate_only:
        for d in dims:
            table.add_column(DIM_ABBR.get(d, d), justify="right")
        table.add_column("checks", justify="right")
    table.add_column("gate")
    for m in models:
        row: list[str | Text] = [
            m.name,
            m.tier or "-",
            Text(fmt_score(m.score), style=_style(m.score, m.gate.passed)),
        ]
        if project.baseline is not None:
            row.append(fmt_delta(dmap.get(m.unique_id)))
        if not gate_only:
            row += [fmt_score(m.dimension_scores.get(d)) for d in dims]
            row.append(f"{m.checks_passed}/{m.checks_scored}")
        warnings = sum(1 for v in m.gate.violations if v.level == "warning")
        status = gate_status(m.gate.passed, warnings)
        row.append(Text(LABELS[status], style=STYLES[status]))
        table.add_row(*row)
    return table


def _print_violations(console: Console, models: list[ModelScore], limit: int) -> None:
    """Every violation of the first `limit` models that have any (all of them when limit <= 0)."""
    problems = [m for m in models if m.gate.violations]
    for m in problems[: limit if limit > 0 else len(problems)]:
        for v in m.gate.violations:
            style = "red" if v.level == "error" else "yellow"
            console.print(Text(f"{v.code} {m.name}: {v.message}", style=style))


def _print_baseline(console: Console, b: Comparison | None) -> None:
    """Newly failing checks and tier drops vs the baseline."""
    if b is None:
        return
    if b.new_failures:
        console.print(
            Text(
                f"{len(b.new_failures)} newly failing check(s) vs baseline: "
                + ", ".join(f.check for f in b.new_failures[:10])
                + (" ..." if len(b.new_failures) > 10 else ""),
                style="red",
            )
        )
    if b.tier_drops:
        console.print(Text("tier dropped: " + ", ".join(b.tier_drops[:10]), style="red"))


def _summary_line(s: Summary) -> Text:
    """The project score, the counts and the verdict."""
    verdict = (
        Text("PASSED", style="bold green") if s.gate_passed else Text("FAILED", style="bold red")
    )
    line = Text(
        f"project score {fmt_score(s.score)} ({s.rollup} of {s.models_scored} scored models) · "
        f"{s.checks_passed}/{s.checks_scored} checks passed · {s.checks_error} errored · "
        f"{s.checks_skipped} skipped · {s.checks_not_run} not run · gates {s.models_passed}/{s.models_total} passed"
        + (f" · fail-under {s.fail_under:g}" if s.fail_under is not None else "")
        + " · "
    )
    line.append_text(verdict)
    return line


def print_table(
    project: ProjectScore, console: Console, *, limit: int = 50, gate_only: bool = False
) -> None:
    """The models table (worst first, at most `limit` rows; <= 0: all), their violations, the
    changes vs baseline and the project summary line."""
    models = ordered_models(project)
    shown = models[:limit] if limit > 0 else models
    console.print(_models_table(project, shown, gate_only=gate_only))
    if len(models) > len(shown):
        console.print(
            f"... and {len(models) - len(shown)} more models (they rank better than the rows shown); use --limit 0 or --format json for all"
        )
    _print_violations(console, models, limit)
    _print_baseline(console, project.baseline)
    console.print(_summary_line(project.summary))


def render_table_text(project: ProjectScore, *, limit: int = 50, gate_only: bool = False) -> str:
    buf = io.StringIO()
    console = Console(file=buf, width=160, no_color=True, force_terminal=False, highlight=False)
    print_table(project, console, limit=limit, gate_only=gate_only)
    return buf.getvalue()
