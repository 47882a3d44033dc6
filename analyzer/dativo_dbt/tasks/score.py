"""`dativo-dbt score` / `gate` as one call: score a run, write its outputs, record its history, run
the violation handlers.

    project = run_score(ScoreRequest(project_dir=Path("."), fmt="json", output=Path("q.json")))
    if not project.summary.gate_passed: ...

The caller decides the exit code from `project.summary.gate_passed`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from dativo_dbt import outputs
from dativo_dbt.cloud.run import CloudRun, run_target_dir
from dativo_dbt.config.loader import load_config
from dativo_dbt.history import finish_recording, record_in_background
from dativo_dbt.history.interrupt import INTERRUPTED
from dativo_dbt.outputs.table import print_table
from dativo_dbt.scoring.api import score_project
from dativo_dbt.scoring.models import ProjectScore
from dativo_dbt.tasks.score_hooks import ViolationOptions, after_score


@dataclass(frozen=True)
class ScoreRequest:
    """What to score and what to write: the options of `score` / `gate`."""

    project_dir: Path
    target_dir: Path | None = None  # default: PROJECT_DIR/target (or the dbt Cloud run's)
    run_results: tuple[Path, ...] = ()
    catalog: Path | None = None
    no_catalog: bool = False
    sources: tuple[Path, ...] = ()
    no_sources: bool = False
    config_paths: tuple[Path, ...] = ()
    baseline: Path | None = None
    fail_under: float | None = None
    fmt: str = "table"
    output: Path | None = None
    limit: int = 50
    quiet: bool = False
    gate_only: bool = False
    cloud: CloudRun | None = None
    violations: ViolationOptions | None = None


def _keep_nothing(project: ProjectScore) -> None:
    """The default `keep`: let the score be freed like any object."""


def run_score(
    request: ScoreRequest, *, keep: Callable[[ProjectScore], None] = _keep_nothing
) -> ProjectScore:
    """Score the run, write the --format document and the terminal table, append the run to the
    history store, then run the violation handlers; `keep` gets the score as soon as it exists."""
    with run_target_dir(request.cloud) as cloud_target:  # None without a dbt Cloud run
        target_dir = cloud_target if cloud_target is not None else request.target_dir
        config = load_config(request.config_paths, project_dir=request.project_dir)
        target = target_dir if target_dir is not None else request.project_dir / "target"
        project = score_project(
            target,
            config,
            run_results=list(request.run_results) or None,
            catalog=False if request.no_catalog else (request.catalog or True),
            sources=False if request.no_sources else (list(request.sources) or True),
            baseline=request.baseline,
            fail_under=request.fail_under,
        )
        keep(project)
        _write_and_record(project, request)
        after_score(project, request.project_dir, target, request.violations)
    return project


def _write_and_record(project: ProjectScore, request: ScoreRequest) -> None:
    """The outputs, while the run is appended to the history store (idempotent per dbt
    invocation): on a thread, or on a big run by a detached writer forked before."""
    recording = record_in_background(project, project_dir=request.project_dir)
    try:
        _emit(project, request)
    except KeyboardInterrupt:
        INTERRUPTED.set()  # the history writer stops waiting for the store's lock
        raise
    finally:
        finish_recording(recording)


def _emit(project: ProjectScore, request: ScoreRequest) -> None:
    """The --format document (to --output or stdout) and the terminal table."""
    limit, gate_only = request.limit, request.gate_only
    if request.output is not None:
        outputs.write_atomic(
            request.output,
            outputs.render_chunks(project, request.fmt, limit=limit, gate_only=gate_only),
        )
        if not request.quiet:
            _print_table(project, limit, gate_only)
    elif request.fmt == "table":
        _print_table(project, limit, gate_only)
    else:
        sys.stdout.flush()
        for piece in outputs.render_chunks(project, request.fmt, limit=limit, gate_only=gate_only):
            sys.stdout.buffer.write(piece)
        sys.stdout.flush()


def _print_table(project: ProjectScore, limit: int, gate_only: bool) -> None:
    # Decided once: rich would ask isatty() ~300 times (slow while the history thread runs).
    terminal = Console(highlight=False).is_terminal
    console = Console(
        highlight=False,
        force_terminal=terminal,
        width=None if terminal else 160,  # CI logs: do not wrap model names at 80 columns
    )
    print_table(project, console, limit=limit, gate_only=gate_only)
