"""`dativo-dbt notify`: send contract violation notifications for the last dbt run.

Delivery failures are reported but do not change the exit code (0), so a CI step's verdict stays
the gate's; `--fail-on-error` makes a failed delivery exit 1 instead.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from dativo_dbt.artifacts.project_nodes import load_nodes
from dativo_dbt.errors import GateFailure
from dativo_dbt.lineage.scored import load_scores_file, score_run
from dativo_dbt.notify.config import load_config
from dativo_dbt.notify.dispatch import deliver, format_report
from dativo_dbt.notify.summary import cleared_models, summarize

_DIR = click.Path(file_okay=False, path_type=Path)
_FILE = click.Path(dir_okay=False, path_type=Path)


@click.command(name="notify")
@click.option("--project-dir", type=_DIR, default=Path("."), show_default=True, help="dbt project.")
@click.option(
    "--target-dir", type=_DIR, default=None, help="dbt artifacts [default: PROJECT/target]."
)
@click.option("--scores", type=_FILE, default=None, help="A `score --format json` document to use.")
@click.option(
    "--config",
    "config_file",
    type=_FILE,
    default=None,
    help="Notifications config [default: PROJECT/notifications.yml, else dativo.yml `notifications:`].",
)
@click.option("--dry-run", is_flag=True, help="Plan and render, send nothing.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--fail-on-error", is_flag=True, help="Exit 1 when a channel could not deliver.")
def command(
    project_dir: Path,
    target_dir: Path | None,
    scores: Path | None,
    config_file: Path | None,
    dry_run: bool,
    fmt: str,
    fail_on_error: bool,
) -> None:
    """Send one message per contract violation summary to the contract's channels (Slack, e-mail,
    PagerDuty, webhook), de-duplicated within a window, retried on 5xx/timeouts."""
    target_dir = target_dir or project_dir / "target"
    config = load_config(project_dir, config_file)
    project = load_scores_file(scores) if scores else score_run(project_dir, target_dir)
    nodes = load_nodes(target_dir)
    report = deliver(
        summarize(project, nodes), config, cleared=cleared_models(project, nodes), dry_run=dry_run
    )
    if fmt == "json":
        click.echo(config.redact(json.dumps(report.to_dict(), indent=2)))
    else:
        for line in format_report(report):
            click.echo(config.redact(line), err=line.startswith(("FAILED", "warning")))
    if fail_on_error and report.failed:
        raise GateFailure()
