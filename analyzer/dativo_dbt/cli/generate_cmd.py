"""`dativo-dbt generate`: contracts -> `_dativo__<model>.yml` properties files with dbt tests."""

from __future__ import annotations

import os
from pathlib import Path

import click

from dativo_dbt.cli import options
from dativo_dbt.core.errors import GateFailure
from dativo_dbt.generate.writer import Result, generate


@click.command("generate")
@options.project_dir
@options.contracts_dir
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 listing the files that are stale (for CI and pre-commit).",
)
@click.option(
    "--execution",
    type=click.Choice(["per-check", "batched"]),
    default=None,
    help="per-check (the default): one dbt test per check, as dbt Cloud, Elementary and dbt-ol "
    "show them; batched (opt-in, less warehouse time and cost): the aggregate-style checks of a "
    "model in one query and one opaque dbt node per model (for every contract; default: each "
    "contract's `execution:`, else var dativo_dbt_execution in dbt_project.yml, else per-check). "
    "See README `Execution modes and performance`.",
)
@click.option(
    "--placement",
    type=click.Choice(["auto", "in_place", "separate"]),
    default=None,
    help="Where a node's properties go. auto: inside the user's own properties entry when the "
    "node has one (only what dativo-dbt manages is touched), else a `_dativo__` file; in_place: "
    "always inside the user's entry; separate: always a `_dativo__` file. Default: dativo.yml "
    "`generate.placement`, else auto. See README `Adopt on an existing project`.",
)
def command(
    project_dir: Path,
    contracts_dir: Path | None,
    check: bool,
    execution: str | None,
    placement: str | None,
) -> None:
    """Generate the dbt properties of every governed model/source (deterministic, idempotent)."""
    directory = contracts_dir or project_dir / "contracts"
    result = generate(project_dir, directory, check=check, execution=execution, placement=placement)
    if check:
        _report_check(result)
    else:
        _report_written(result)


def _rel(path: Path) -> str:
    return os.path.relpath(path, Path.cwd())


def _report_check(result: Result) -> None:
    """`--check`: the stale files and exit 1, or the count of up-to-date files."""
    if result.stale:
        for path in result.stale:
            click.echo(f"stale: {_rel(path)}", err=True)
        click.echo(
            f"{len(result.stale)} generated file(s) out of date; run `dativo-dbt generate`",
            err=True,
        )
        raise GateFailure()
    click.echo(f"{len(result.unchanged)} generated file(s) up to date")


def _report_written(result: Result) -> None:
    for path in result.written:
        click.echo(f"wrote {_rel(path)}")
    for path in result.removed:
        click.echo(f"removed {_rel(path)} (no contract governs it any more)")
    click.echo(
        f"{len(result.written)} written, {len(result.unchanged)} unchanged, "
        f"{len(result.removed)} removed"
    )
