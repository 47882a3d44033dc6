"""`dativo-dbt init`: starter contracts for chosen models/sources of an existing dbt project."""

from __future__ import annotations

import os
from pathlib import Path

import click

from dativo_dbt.adopt.init import init_contracts
from dativo_dbt.cli import options


@click.command("init")
@click.option(
    "--select",
    "-s",
    "select",
    multiple=True,
    required=True,
    help="A model name, or a source table as `source.table` (repeatable).",
)
@options.project_dir
@options.contracts_dir
@click.option(
    "--manifest",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="manifest.json of the project (default: <project-dir>/target/manifest.json; "
    "run `dbt parse` first).",
)
@click.option(
    "--catalog",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="catalog.json for column types (default: <project-dir>/target/catalog.json when it "
    "exists; `dbt docs generate` writes it).",
)
@click.option("--owner", default=None, help="The contracts' `owner:`.")
@click.option("--force", is_flag=True, help="Overwrite contract files that exist.")
def command(
    select: tuple[str, ...],
    project_dir: Path,
    contracts_dir: Path | None,
    manifest: Path | None,
    catalog: Path | None,
    owner: str | None,
    force: bool,
) -> None:
    """Write one starter contract per selected model/source: its columns, and its existing
    not_null/unique/accepted_values/relationships/dbt-expectations tests as contract checks."""
    written = init_contracts(
        project_dir,
        list(select),
        contracts_dir=contracts_dir,
        manifest_path=manifest,
        catalog_path=catalog,
        owner=owner,
        force=force,
    )
    for path in written:
        click.echo(f"wrote {os.path.relpath(path, Path.cwd())}")
    click.echo(
        f"{len(written)} contract(s) written; next: `dativo-dbt generate` (manages their tests "
        "in your properties files)"
    )
