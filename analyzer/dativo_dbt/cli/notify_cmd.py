"""`dativo-dbt notify`: send contract violation notifications for the last dbt run.

Delivery failures are reported but do not change the exit code (0), so a CI step's verdict stays
the gate's; `--fail-on-error` makes a failed delivery exit 1 instead.
"""

from __future__ import annotations

from pathlib import Path

import click

from dativo_dbt.cli import options
from dativo_dbt.core.errors import GateFailure
from dativo_dbt.notify.run import notify_last_run, report_output


@click.command(name="notify")
@options.project_dir
@options.target_dir
@options.scores
@options.notify_config
@click.option("--dry-run", is_flag=True, help="Plan and render, send nothing.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--fail-on-error", is_flag=True, help="Exit 1 when a channel could not deliver.")
def command(
    project_dir: Path,
    target_dir: Path | None,
    scores: Path | None,
    notify_config: Path | None,
    dry_run: bool,
    fmt: str,
    fail_on_error: bool,
) -> None:
    """Send one message per contract violation summary to the contract's channels (Slack, e-mail,
    PagerDuty, webhook), de-duplicated within a window, retried on 5xx/timeouts."""
    report, config = notify_last_run(
        project_dir,
        target_dir=target_dir,
        scores=scores,
        config_file=notify_config,
        dry_run=dry_run,
    )
    for line, to_stderr in report_output(report, config, fmt):
        click.echo(line, err=to_stderr)
    if fail_on_error and report.failed:
        raise GateFailure()
