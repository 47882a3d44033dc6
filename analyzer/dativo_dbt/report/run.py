"""`dativo-dbt report` as a library call: read the run, its history, a baseline and the warehouse,
build the view and write the HTML file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dativo_dbt.core import fileio
from dativo_dbt.core.errors import DativoError
from dativo_dbt.history.queries import RunSummary, TrendPoint
from dativo_dbt.history.snapshot import RunSnapshot
from dativo_dbt.history.store import HistoryStore
from dativo_dbt.history.warehouse import warehouse_history
from dativo_dbt.report import source
from dativo_dbt.report import warehouse as wh
from dativo_dbt.report.build import RECENT_RUNS, build_report, failing_checks
from dativo_dbt.report.render import render_html
from dativo_dbt.report.views import QuarantineSummary, SampleRows
from dativo_dbt.warehouse.readonly import connect_readonly


@dataclass(frozen=True)
class ReportRequest:
    """What to report on and where to write it (the `report` command's options)."""

    project_dir: Path = Path(".")
    target_dir: Path | None = None  # default PROJECT/target
    output: Path | None = None  # default TARGET/dativo_report.html
    baseline: Path | None = None  # a previous run's artifacts
    baseline_invocation: str | None = None  # else a recorded run (an invocation_id, "previous")
    config_paths: tuple[Path, ...] = ()
    scores: Path | None = None
    history_path: Path | None = None
    from_warehouse: bool = False
    profiles_dir: Path | None = None
    dbt_target: str | None = None
    samples: bool = True
    sample_rows: int = 5
    last: int = 50
    title: str | None = None


@dataclass(frozen=True)
class ReportResult:
    """The written report: its file and what it holds."""

    output: Path
    models: int
    failing_checks: int
    history_runs: int

    @property
    def summary(self) -> str:
        runs = f"{self.history_runs} run{'s' if self.history_runs != 1 else ''}"
        return (
            f"wrote {self.output} ({self.models} models, {self.failing_checks} failing checks, "
            f"{runs} of history)"
        )


@dataclass
class _History:
    """The history the report draws, and the baseline picked from it or from artifacts."""

    runs: list[RunSummary]
    trends: dict[str, list[TrendPoint]]
    source: str
    check_statuses: dict[str, dict[str, str]]
    baseline: RunSnapshot | None = None
    baseline_label: str | None = None


@dataclass
class _Warehouse:
    """What the report reads from the warehouse: failing rows and the quarantine summary."""

    samples: dict[str, SampleRows] = field(default_factory=dict)
    quarantine: QuarantineSummary | None = None
    notes: list[str] = field(default_factory=list)


def write_report(request: ReportRequest) -> ReportResult:
    """Write one HTML file (no network needed to view it): overall score, gates, tiers, every model
    with its checks, failures, compiled SQL and sample failing rows, trends from the history, the
    quarantine summary, and a diff against a baseline run."""
    target_dir = request.target_dir or request.project_dir / "target"
    output = request.output or target_dir / "dativo_report.html"
    run, _extras = source.current_run(
        request.project_dir, target_dir, request.scores, request.config_paths
    )
    history = _read_history(request, run)
    found = _read_warehouse(request, run)
    view = build_report(
        run,
        history_runs=history.runs,
        history_trends=history.trends,
        history_source=history.source,
        baseline=history.baseline,
        baseline_label=history.baseline_label,
        quarantine=found.quarantine,
        samples=found.samples,
        notes=found.notes,
        title=request.title,
        check_statuses=history.check_statuses,
    )
    write_html(output, render_html(view))
    return ReportResult(output, len(run.models), len(failing_checks(run)), view.history_runs)


def write_html(path: Path, text: str) -> Path:
    """Write the report atomically (`fileio.write_atomic`, flushed to disk), creating its
    directory; DativoError when it cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return fileio.write_atomic(path, text, fsync=True)
    except OSError as exc:
        raise DativoError(f"cannot write the report: {exc.strerror or exc}", path=path) from exc


def _read_history(request: ReportRequest, run: RunSnapshot) -> _History:
    """The local (or warehouse) history, its checks' recent statuses, and the baseline."""
    last = request.last
    store: HistoryStore | None
    if request.from_warehouse:
        store, label = warehouse_history(
            request.project_dir,
            profiles_dir=request.profiles_dir,
            target=request.dbt_target,
            last=last,
        )
        runs, trends = store.runs(last), store.model_trends(last=last)
    else:
        runs, trends, path, store = source.local_history(
            request.project_dir, request.history_path, last
        )
        label = str(path)
    try:
        # Per-check status strips show the last RECENT_RUNS runs (bounded memory on big projects).
        statuses = store.check_statuses(min(last, RECENT_RUNS)) if store is not None else {}
        history = _History(runs, trends, label, statuses)
        if request.baseline is not None:
            base = source.baseline_run(request.project_dir, request.baseline, request.config_paths)
            history.baseline = base
            history.baseline_label = f"baseline run of {base.generated_at[:16].replace('T', ' ')}"
        elif request.baseline_invocation:
            base = _recorded_baseline(store, run, request.baseline_invocation)
            history.baseline = base
            history.baseline_label = f"run of {base.generated_at[:16].replace('T', ' ')}"
    finally:
        if store is not None:
            store.close()
    return history


def _recorded_baseline(
    store: HistoryStore | None, run: RunSnapshot, invocation: str
) -> RunSnapshot:
    """The recorded run `invocation` ("previous": the last one before `run`)."""
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


def _read_warehouse(request: ReportRequest, run: RunSnapshot) -> _Warehouse:
    """Sample failing rows and the quarantine summary; a problem becomes a note."""
    found = _Warehouse()
    wanted = [c for _m, c in failing_checks(run) if c.relation_name] if request.samples else []
    project, profiles, target = request.project_dir, request.profiles_dir, request.dbt_target
    conn, problem = connect_readonly(project, profiles_dir=profiles, target=target)
    if conn is None:
        if wanted:
            found.notes.append(f"sample failing rows are not shown: {problem}")
        return found
    q_problem: str | None = None
    try:
        found.samples = wh.fetch_samples(conn, wanted, request.sample_rows)
        q_schema = wh.quarantine_schema(project, profiles_dir=profiles, target=target)
        if q_schema:
            found.quarantine, q_problem = wh.quarantine_summary(conn, q_schema)
    finally:
        conn.close()
    if q_problem:
        found.notes.append(q_problem)
    return found
