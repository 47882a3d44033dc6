"""`score --notify / --lineage / --quarantine`: the violation handlers run on a scored run.

    after_score(project, project_dir, target_dir, ViolationOptions(notify=True))

Handlers never change the exit code, which stays the gate's: a bad notifications config (checked
before anything is sent) and delivery/transport/warehouse failures are printed as warnings on
stderr, with every secret redacted.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from dativo_dbt.artifacts.project_nodes import ProjectNodes, load_nodes
from dativo_dbt.core.errors import DativoError
from dativo_dbt.scoring.models import ProjectScore


@dataclass
class ViolationOptions:
    """Which handlers to run (the `score` options of the same names)."""

    notify: bool = False
    notify_config: Path | None = None
    lineage: bool = False
    lineage_output: Path | None = None
    quarantine: bool = False

    @property
    def any(self) -> bool:
        return self.notify or self.lineage or self.lineage_output is not None or self.quarantine


def _say(line: str) -> None:
    """One line on stderr (flushed: it interleaves with the other commands' output)."""
    sys.stderr.write(f"{line}\n")
    sys.stderr.flush()


def _warn(message: str) -> None:
    _say(f"warning: {message}")


def _notify(
    project: ProjectScore, project_dir: Path, nodes: ProjectNodes, config_file: Path | None
) -> None:
    """`--notify`: a bad notifications config or an undeliverable message is a warning (the
    config is validated before anything is sent; secrets are redacted from every line)."""
    # Imported on use: the senders pull in an HTTP client and jinja2 (~0.3 s).
    from dativo_dbt.notify.config import load_notify_config
    from dativo_dbt.notify.dispatch import deliver, format_report
    from dativo_dbt.notify.summary import cleared_models, summarize

    try:
        config = load_notify_config(project_dir, config_file)
    except DativoError as exc:
        _warn(f"notifications not sent: {exc.render()}")
        return
    try:
        report = deliver(summarize(project, nodes), config, cleared=cleared_models(project, nodes))
    except DativoError as exc:  # a template error, an unwritable de-dup state file
        _warn(f"notifications not sent: {config.redact(exc.render())}")
        return
    for line in format_report(report):
        _say(config.redact(line))


def _lineage(
    project: ProjectScore, project_dir: Path, nodes: ProjectNodes, output: Path | None
) -> None:
    """`--lineage` / `--lineage-output`: a transport failure is a warning."""
    # Imported on use: the optional openlineage client (~0.3 s).
    from dativo_dbt.lineage.emit import TransportOptions, emit_events
    from dativo_dbt.lineage.run import events_for_run

    kind = "file" if output is not None else "config"
    try:
        events = events_for_run(project, project_dir, nodes=nodes)
        count = emit_events(events, TransportOptions(kind=kind, output=output))
        _say(f"emitted {count} OpenLineage events")
    except DativoError as exc:
        _warn(f"lineage not emitted: {exc.render()}")


def _quarantine(project: ProjectScore, project_dir: Path, nodes: ProjectNodes) -> None:
    """`--quarantine`: a registry or warehouse failure is a warning."""
    # Imported on use: the warehouse drivers.
    from dativo_dbt.quarantine.api import register_run

    try:
        created, notes = register_run(project, project_dir, nodes=nodes)
    except DativoError as exc:
        _warn(f"quarantine not registered: {exc.render()}")
        return
    except Exception as exc:  # warehouse driver errors: report, keep the gate's exit code
        _warn(f"quarantine not registered: {type(exc).__name__}: {exc}")
        return
    for batch in created:
        _say(
            f"quarantined {batch.id}: {batch.contract} / {batch.model}, {batch.failure_count} rows"
        )
    for note in notes:
        _say(f"note: {note}")


def after_score(
    project: ProjectScore,
    project_dir: Path,
    target_dir: Path | None,
    opts: ViolationOptions | None,
) -> None:
    """Run the requested handlers on a scored run (never raises for delivery failures)."""
    if opts is None or not opts.any:
        return
    nodes = load_nodes(target_dir or project_dir / "target")
    if opts.notify:
        _notify(project, project_dir, nodes, opts.notify_config)
    if opts.lineage or opts.lineage_output is not None:
        _lineage(project, project_dir, nodes, opts.lineage_output)
    if opts.quarantine:
        _quarantine(project, project_dir, nodes)
