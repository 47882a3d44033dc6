"""`dativo-dbt score`: quality scores and gates from dbt artifacts (exit 0 pass, 1 gate fails, 2 bad input)."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from dativo_dbt.cli.bounds import BoundedFloat, count
from dativo_dbt.cloud.options import OPTION_NAMES as CLOUD_OPTION_NAMES
from dativo_dbt.cloud.options import dbt_cloud_options, dbt_cloud_target_dir
from dativo_dbt.errors import GateFailure
from dativo_dbt.notify.score_hooks import (
    ViolationOptions,
    after_score,
    pop_violation_options,
    violation_options,
)

FORMATS = ("table", "json", "markdown", "junit", "sarif")


def artifact_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by `score` and `gate`."""
    opts = [
        click.option(
            "--project-dir",
            type=click.Path(file_okay=False, path_type=Path),
            default=".",
            show_default=True,
            help="dbt project directory (its dativo.yml is the product layer).",
        ),
        click.option(
            "--target-dir",
            type=click.Path(path_type=Path),
            default=None,
            help="Directory with manifest.json and run_results.json [default: PROJECT_DIR/target].",
        ),
        click.option(
            "--run-results",
            "run_results",
            multiple=True,
            type=click.Path(path_type=Path),
            help="run_results file(s) to merge, latest result per test wins (repeatable) "
            "[default: TARGET_DIR/run_results.json].",
        ),
        click.option(
            "--catalog",
            type=click.Path(path_type=Path),
            default=None,
            help="catalog.json for column lists [default: TARGET_DIR/catalog.json when present].",
        ),
        click.option(
            "--no-catalog", is_flag=True, help="Ignore catalog.json (columns from the manifest)."
        ),
        click.option(
            "--sources",
            "sources",
            multiple=True,
            type=click.Path(path_type=Path),
            help="sources.json of `dbt source freshness` to score (repeatable, latest result per "
            "source wins) [default: TARGET_DIR/sources.json when present].",
        ),
        click.option(
            "--no-sources", is_flag=True, help="Ignore sources.json (no source freshness checks)."
        ),
        click.option(
            "--config",
            "config_paths",
            multiple=True,
            type=click.Path(path_type=Path),
            help="dativo.yml layer(s), enterprise first (repeatable); each file's `extends:` "
            "chain is loaded before it. $DATIVO_ENTERPRISE_CONFIG is always the first layer.",
        ),
        click.option(
            "--baseline",
            type=click.Path(path_type=Path),
            default=None,
            help="A previous run's target dir (e.g. from main): score deltas, newly failing checks, tier drops.",
        ),
        click.option(
            "--fail-under",
            type=BoundedFloat(0, 100),
            default=None,
            help="Also fail (exit 1) when the project score is below N (a number from 0 to 100).",
        ),
        click.option(
            "--format",
            "fmt",
            type=click.Choice(FORMATS),
            default="table",
            show_default=True,
            help="Output format (to --output, else stdout).",
        ),
        click.option(
            "--output",
            "-o",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            help="Write the --format document to FILE (atomically); the terminal still gets the table.",
        ),
        click.option(
            "--limit",
            type=count(),
            default=50,
            show_default=True,
            help="Rows in the table / Markdown (worst first); 0 = all (at most 1,000,000).",
        ),
        click.option(
            "--quiet", "-q", is_flag=True, help="No terminal table when writing --output."
        ),
    ]
    for opt in reversed(opts):
        f = opt(f)
    return f


def run(
    *,
    project_dir: Path,
    target_dir: Path | None,
    run_results: tuple[Path, ...],
    catalog: Path | None,
    no_catalog: bool,
    config_paths: tuple[Path, ...],
    baseline: Path | None,
    fail_under: float | None,
    fmt: str,
    output: Path | None,
    limit: int,
    quiet: bool,
    gate_only: bool,
    sources: tuple[Path, ...] = (),
    no_sources: bool = False,
    violations: ViolationOptions | None = None,
) -> None:
    from dativo_dbt.config.loader import load_config

    # A short-lived process building ~10 objects per dbt test: cyclic GC passes only cost time.
    gc.disable()
    from dativo_dbt.scoring.api import score_project

    if not project_dir.is_dir():
        raise click.BadParameter(f"{project_dir} is not a directory", param_hint="--project-dir")
    config = load_config(config_paths, project_dir=project_dir)
    target = target_dir if target_dir is not None else project_dir / "target"
    cat: bool | Path = False if no_catalog else (catalog if catalog is not None else True)
    if no_sources and sources:
        raise click.UsageError("--sources cannot be combined with --no-sources")
    project = score_project(
        target,
        config,
        run_results=list(run_results) or None,
        catalog=cat,
        sources=False if no_sources else (list(sources) or True),
        baseline=baseline,
        fail_under=fail_under,
    )
    from dativo_dbt.cli.main import keep_until_exit

    keep_until_exit(project)
    # Every scored run is appended to the history store (idempotent per dbt invocation): on a
    # thread while the output below is written, or on a big run by a detached writer forked after it.
    from dativo_dbt.history import finish_recording, record_in_background

    recording = record_in_background(project, project_dir=project_dir)
    try:
        _emit(project, fmt, output, limit=limit, quiet=quiet, gate_only=gate_only)
    except KeyboardInterrupt:
        from dativo_dbt.history.interrupt import INTERRUPTED

        INTERRUPTED.set()  # the history writer stops waiting for the store's lock
        raise
    finally:
        finish_recording(recording)
    after_score(project, project_dir, target, violations)  # --notify/--lineage/--quarantine
    if not project.summary.gate_passed:
        raise GateFailure()


def _emit(
    project: Any, fmt: str, output: Path | None, *, limit: int, quiet: bool, gate_only: bool
) -> None:
    """The --format document (to --output or stdout) and the terminal table."""
    from dativo_dbt.outputs import render_chunks, write_atomic

    if output is not None:
        write_atomic(output, render_chunks(project, fmt, limit=limit, gate_only=gate_only))
        if not quiet:
            _print_table(project, limit, gate_only)
    elif fmt == "table":
        _print_table(project, limit, gate_only)
    else:
        sys.stdout.flush()
        for piece in render_chunks(project, fmt, limit=limit, gate_only=gate_only):
            sys.stdout.buffer.write(piece)
        sys.stdout.flush()


def _print_table(project: Any, limit: int, gate_only: bool) -> None:
    from rich.console import Console

    from dativo_dbt.outputs.table import print_table

    # Decided once: rich would ask isatty() ~300 times (slow while the history thread runs).
    terminal = Console(highlight=False).is_terminal
    console = Console(
        highlight=False,
        force_terminal=terminal,
        width=None if terminal else 160,  # CI logs: do not wrap model names at 80 columns
    )
    print_table(project, console, limit=limit, gate_only=gate_only)


@click.command("score")
@artifact_options
@dbt_cloud_options
@violation_options
def command(**kwargs: Any) -> None:
    """Score every model's quality from dbt artifacts and enforce the quality gates.

    Reads TARGET_DIR/manifest.json and run_results.json (and catalog.json and sources.json when
    present) after `dbt build` (and `dbt source freshness`), or a dbt Cloud run's artifacts with
    --dbt-cloud-run RUN_ID.
    Exit codes: 0 all gates pass, 1 a gate fails (or --fail-under), 2 bad input.
    """
    cloud = {name: kwargs.pop(name) for name in CLOUD_OPTION_NAMES}
    violations = pop_violation_options(kwargs)
    if cloud["dbt_cloud_run"] is not None and (
        kwargs["target_dir"] is not None or kwargs["run_results"]
    ):
        raise click.UsageError(
            "--dbt-cloud-run cannot be combined with --target-dir or --run-results"
        )
    with dbt_cloud_target_dir(cloud) as cloud_target:  # None without --dbt-cloud-run
        if cloud_target is not None:
            kwargs["target_dir"] = cloud_target
        run(gate_only=False, violations=violations, **kwargs)
