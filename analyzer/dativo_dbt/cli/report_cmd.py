"""`dativo-dbt report`: write one self-contained HTML quality report (run, history, baseline)."""

from __future__ import annotations

from pathlib import Path

import click

from dativo_dbt.cli.bounds import count
from dativo_dbt.history.snapshot import RunSnapshot
from dativo_dbt.history.store import HistoryStore
from dativo_dbt.report import build_report, render_html, write_atomic
from dativo_dbt.report.build import RECENT_RUNS, QuarantineSummary, SampleRows, failing_checks
from dativo_dbt.warehouse.readonly import connect_readonly

_DIR = click.Path(file_okay=False, path_type=Path)
_FILE = click.Path(dir_okay=False, path_type=Path)


@click.command(name="report")
@click.option("--project-dir", type=_DIR, default=Path("."), show_default=True, help="dbt project.")
@click.option(
    "--target-dir", type=_DIR, default=None, help="dbt artifacts [default: PROJECT/target]."
)
@click.option(
    "--output",
    "-o",
    type=_FILE,
    default=None,
    help="The HTML file to write [default: TARGET/dativo_report.html].",
)
@click.option(
    "--baseline",
    type=_DIR,
    default=None,
    help="A previous run's artifacts (target dir) to diff against, e.g. from the main branch.",
)
@click.option(
    "--baseline-invocation",
    default=None,
    help="Diff against this recorded run of the history instead (a dbt invocation_id, or 'previous').",
)
@click.option(
    "--config",
    "config_paths",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="dativo.yml layer(s), enterprise first (repeatable), as for `score`.",
)
@click.option(
    "--scores",
    type=_FILE,
    default=None,
    help="A `dativo-dbt score --format json` document to report on.",
)
@click.option(
    "--history-path",
    type=_FILE,
    default=None,
    envvar="DATIVO_HISTORY_PATH",
    help="Local history store [default: dativo.yml history.path, else PROJECT/.dativo/history.duckdb].",
)
@click.option(
    "--from-warehouse",
    is_flag=True,
    help="Read the history from the warehouse tables of the dbt package's hook (dbt profile).",
)
@click.option("--profiles-dir", type=_DIR, default=None, help="Where profiles.yml is (as dbt).")
@click.option("--target", "dbt_target", default=None, help="profiles.yml target (as dbt).")
@click.option(
    "--samples/--no-samples",
    default=True,
    show_default=True,
    help="Show the first failing rows of checks that store failures (reads the warehouse).",
)
@click.option("--sample-rows", type=count(1, 1000), default=5, show_default=True)
@click.option("--last", type=count(1), default=50, show_default=True, help="Runs shown in trends.")
@click.option("--title", default=None, help="Report title.")
def command(
    project_dir: Path,
    target_dir: Path | None,
    output: Path | None,
    baseline: Path | None,
    baseline_invocation: str | None,
    config_paths: tuple[Path, ...],
    scores: Path | None,
    history_path: Path | None,
    from_warehouse: bool,
    profiles_dir: Path | None,
    dbt_target: str | None,
    samples: bool,
    sample_rows: int,
    last: int,
    title: str | None,
) -> None:
    """Write one HTML file (no network needed to view it): overall score, gates, tiers, every model
    with its checks, failures, compiled SQL and sample failing rows, trends from the history, the
    quarantine summary, and a diff against a baseline run."""
    from dativo_dbt.report import source

    target_dir = target_dir or project_dir / "target"
    output = output or target_dir / "dativo_report.html"
    if baseline and baseline_invocation:
        raise click.UsageError("use either --baseline or --baseline-invocation, not both")
    run, _extras = source.current_run(project_dir, target_dir, scores, config_paths)
    notes: list[str] = []

    base: RunSnapshot | None = None
    base_label = None
    store: HistoryStore | None
    if from_warehouse:
        from dativo_dbt.history.warehouse import warehouse_history

        store, history_source = warehouse_history(
            project_dir, profiles_dir=profiles_dir, target=dbt_target, last=last
        )
        runs, trends = store.runs(last), store.model_trends(last=last)
    else:
        runs, trends, path, store = source.local_history(project_dir, history_path, last)
        history_source = str(path)
    try:
        # Per-check status strips show the last RECENT_RUNS runs (bounded memory on big projects).
        check_statuses = store.check_statuses(min(last, RECENT_RUNS)) if store is not None else {}
        if baseline is not None:
            base = source.baseline_run(project_dir, baseline, config_paths)
            base_label = f"baseline run of {base.generated_at[:16].replace('T', ' ')}"
        elif baseline_invocation:
            base = _recorded_baseline(store, run, baseline_invocation)
            base_label = f"run of {base.generated_at[:16].replace('T', ' ')}"
    finally:
        if store is not None:
            store.close()

    quarantine: QuarantineSummary | None = None
    q_problem: str | None = None
    sample_map: dict[str, SampleRows] = {}
    wanted = [c for _m, c in failing_checks(run) if c.relation_name] if samples else []
    from dativo_dbt.report import warehouse as wh

    conn, problem = connect_readonly(project_dir, profiles_dir=profiles_dir, target=dbt_target)
    if conn is None:
        if wanted:
            notes.append(f"sample failing rows are not shown: {problem}")
    else:
        try:
            sample_map = wh.fetch_samples(conn, wanted, sample_rows)
            q_schema = wh.quarantine_schema(
                project_dir, profiles_dir=profiles_dir, target=dbt_target
            )
            if q_schema:
                quarantine, q_problem = wh.quarantine_summary(conn, q_schema)
        finally:
            conn.close()
        if q_problem:
            notes.append(q_problem)

    view = build_report(
        run,
        history_runs=runs,
        history_trends=trends,
        history_source=history_source,
        baseline=base,
        baseline_label=base_label,
        quarantine=quarantine,
        samples=sample_map,
        notes=notes,
        title=title,
        check_statuses=check_statuses,
    )
    write_atomic(output, render_html(view))
    failing = len(failing_checks(run))
    click.echo(
        f"wrote {output} ({len(run.models)} models, {failing} failing checks, "
        f"{view.history_runs} run{'s' if view.history_runs != 1 else ''} of history)"
    )


def _recorded_baseline(
    store: HistoryStore | None, run: RunSnapshot, invocation: str
) -> RunSnapshot:
    from dativo_dbt.errors import DativoError

    if store is None:
        raise DativoError("--baseline-invocation needs a history store, and none exists yet")
    if invocation == "previous":
        earlier = [r for r in store.runs() if r.invocation_id != run.invocation_id]
        if not earlier:
            raise DativoError("no earlier run in the history to compare with", path=store.path)
        invocation = earlier[-1].invocation_id
    found = store.load_run(invocation)
    if found is None:
        raise DativoError(f"run {invocation!r} is not in the history", path=store.path)
    return found
