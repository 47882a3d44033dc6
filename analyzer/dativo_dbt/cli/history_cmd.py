"""`dativo-dbt history [MODEL]`: score trends from the history store, in the terminal or as JSON."""

from __future__ import annotations

import json
from typing import Any

import click

from dativo_dbt.cli import options
from dativo_dbt.cli.bounds import count
from dativo_dbt.history.display import as_json, print_trends
from dativo_dbt.history.run import HistoryRequest, read_trends


@click.command(name="history")
@click.argument("model", required=False)
@options.project_dir
@click.option("--last", type=count(1), default=20, show_default=True, help="Number of runs.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
)
@options.history_path
@click.option(
    "--from-warehouse",
    is_flag=True,
    help="Read the warehouse tables written by the dbt package's on-run-end hook (dbt profile).",
)
@options.profiles
def command(fmt: str, **params: Any) -> None:
    """Score trends over the last runs: every model (or one MODEL, by name or unique_id) with a
    sparkline, or with MODEL the per-run score, dimensions and gate verdict."""
    view = read_trends(HistoryRequest(**params))
    if fmt == "json":
        click.echo(json.dumps(as_json(view), indent=2))
    elif not view.runs:
        click.echo(f"no runs recorded yet in {view.source}: `dativo-dbt score` records every run")
    else:
        print_trends(view)
