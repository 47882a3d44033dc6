"""`dativo-dbt config show [--explain]`: the effective dativo.yml configuration and its sources."""

from __future__ import annotations

from pathlib import Path

import click

from dativo_dbt.cli import options
from dativo_dbt.tasks.config_show import show_config


@click.group("config")
def command() -> None:
    """Inspect the dativo.yml configuration layers (enterprise -> domain -> product)."""


@command.command("show")
@options.project_dir
@options.config_layers
@click.option(
    "--explain",
    is_flag=True,
    help="Print every effective setting with the file:line it comes from.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True
)
def show(project_dir: Path, config_paths: tuple[Path, ...], explain: bool, fmt: str) -> None:
    """Print the effective configuration (after merging layers and checking locks)."""
    click.echo(show_config(project_dir, config_paths, explain=explain, fmt=fmt))
