"""`dativo-dbt report`: write one self-contained HTML quality report (run, history, baseline)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from dativo_dbt.cli import options
from dativo_dbt.cli.bounds import count
from dativo_dbt.report.run import ReportRequest, write_report


@click.command(name="report")
@options.project_dir
@options.target_dir
@click.option(
    "--output",
    "-o",
    type=options.FILE,
    default=None,
    help="The HTML file to write [default: TARGET/dativo_report.html].",
)
@click.option(
    "--baseline",
    type=options.DIRECTORY,
    default=None,
    help="A previous run's artifacts (target dir) to diff against, e.g. from the main branch.",
)
@click.option(
    "--baseline-invocation",
    default=None,
    help="Diff against this recorded run of the history instead (a dbt invocation_id, or 'previous').",
)
@options.config_layers
@options.scores
@options.history_path
@click.option(
    "--from-warehouse",
    is_flag=True,
    help="Read the history from the warehouse tables of the dbt package's hook (dbt profile).",
)
@options.profiles
@click.option(
    "--samples/--no-samples",
    default=True,
    show_default=True,
    help="Show the first failing rows of checks that store failures (reads the warehouse).",
)
@click.option("--sample-rows", type=count(1, 1000), default=5, show_default=True)
@click.option("--last", type=count(1), default=50, show_default=True, help="Runs shown in trends.")
@click.option("--title", default=None, help="Report title.")
def command(baseline: Path | None, baseline_invocation: str | None, **params: Any) -> None:
    """Write one HTML file (no network needed to view it): overall score, gates, tiers, every model
    with its checks, failures, compiled SQL and sample failing rows, trends from the history, the
    quarantine summary, and a diff against a baseline run."""
    if baseline and baseline_invocation:
        raise click.UsageError("use either --baseline or --baseline-invocation, not both")
    request = ReportRequest(baseline=baseline, baseline_invocation=baseline_invocation, **params)
    click.echo(write_report(request).summary)
