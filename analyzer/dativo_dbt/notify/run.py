"""`dativo-dbt notify`: the last run's violation summaries delivered per the project's
notifications config, and the report of what was sent, as redacted text or JSON."""

from __future__ import annotations

import json
from pathlib import Path

from dativo_dbt.lineage.scored import scored_run
from dativo_dbt.notify.config import NotifyConfig, load_notify_config
from dativo_dbt.notify.dispatch import NotifyReport, deliver, format_report
from dativo_dbt.notify.summary import cleared_models, summarize


def notify_last_run(
    project_dir: Path,
    *,
    target_dir: Path | None = None,
    scores: Path | None = None,
    config_file: Path | None = None,
    dry_run: bool = False,
) -> tuple[NotifyReport, NotifyConfig]:
    """Deliver the run's summaries (the config is read first: a bad one fails before scoring).
    Never raises for delivery failures (see `NotifyReport.failed`)."""
    config = load_notify_config(project_dir, config_file)
    project, nodes = scored_run(project_dir, target_dir, scores)
    report = deliver(
        summarize(project, nodes), config, cleared=cleared_models(project, nodes), dry_run=dry_run
    )
    return report, config


def report_output(report: NotifyReport, config: NotifyConfig, fmt: str) -> list[tuple[str, bool]]:
    """The report as (redacted line, goes to stderr) pairs: one JSON document, or the text lines
    with failures and warnings on stderr."""
    if fmt == "json":
        return [(config.redact(json.dumps(report.to_dict(), indent=2)), False)]
    return [
        (config.redact(line), line.startswith(("FAILED", "warning")))
        for line in format_report(report)
    ]
