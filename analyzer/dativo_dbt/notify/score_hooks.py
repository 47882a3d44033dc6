"""`dativo-dbt score --notify / --lineage / --quarantine`: the violation handlers run after scoring.

`score_cmd` uses three names from here:

    @violation_options                      # adds the options to the click command
    opts = pop_violation_options(kwargs)    # takes them out of the command's kwargs
    after_score(project, project_dir, target_dir, opts)   # after rendering, before the gate check

Handlers never change the exit code, which stays the gate's: a bad notifications config (checked
before anything is sent) and delivery/transport/warehouse failures are printed as warnings on
stderr, with every secret redacted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from dativo_dbt.errors import DativoError
from dativo_dbt.scoring.models import ProjectScore

OPTION_NAMES = ("notify", "notify_config", "lineage", "lineage_output", "quarantine")


@dataclass
class ViolationOptions:
    notify: bool = False
    notify_config: Path | None = None
    lineage: bool = False
    lineage_output: Path | None = None
    quarantine: bool = False

    @property
    def any(self) -> bool:
        return self.notify or self.lineage or self.lineage_output is not None or self.quarantine


def violation_options(f: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option(
            "--notify", is_flag=True, help="Send contract violation notifications (see `notify`)."
        ),
        click.option(
            "--notify-config",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            help="Notifications config [default: PROJECT/notifications.yml or dativo.yml].",
        ),
        click.option(
            "--lineage",
            is_flag=True,
            help="Emit OpenLineage events (transport from openlineage.yml / OPENLINEAGE_* env).",
        ),
        click.option(
            "--lineage-output",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            help="Emit OpenLineage events to FILE as JSON lines.",
        ),
        click.option(
            "--quarantine",
            is_flag=True,
            help="Register quarantined failing rows in the warehouse registry.",
        ),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def pop_violation_options(kwargs: dict[str, Any]) -> ViolationOptions:
    return ViolationOptions(**{name: kwargs.pop(name) for name in OPTION_NAMES if name in kwargs})


def _warn(message: str) -> None:
    click.echo(f"warning: {message}", err=True)


def _notify(project: ProjectScore, project_dir: Path, nodes: Any, config_file: Path | None) -> None:
    """`--notify`: a bad notifications config or an undeliverable message is a warning (the
    config is validated before anything is sent; secrets are redacted from every line)."""
    from dativo_dbt.notify.config import load_config
    from dativo_dbt.notify.dispatch import deliver, format_report
    from dativo_dbt.notify.summary import cleared_models, summarize

    try:
        config = load_config(project_dir, config_file)
    except DativoError as exc:
        _warn(f"notifications not sent: {exc.render()}")
        return
    try:
        report = deliver(summarize(project, nodes), config, cleared=cleared_models(project, nodes))
    except DativoError as exc:  # a template error, an unwritable de-dup state file
        _warn(f"notifications not sent: {config.redact(exc.render())}")
        return
    for line in format_report(report):
        click.echo(config.redact(line), err=True)


def after_score(
    project: ProjectScore,
    project_dir: Path,
    target_dir: Path | None,
    opts: ViolationOptions | None,
) -> None:
    """Run the requested handlers on a scored run (never raises for delivery failures)."""
    if opts is None or not opts.any:
        return
    from dativo_dbt.artifacts.project_nodes import load_nodes

    target = target_dir or project_dir / "target"
    nodes = load_nodes(target)
    if opts.notify:
        _notify(project, project_dir, nodes, opts.notify_config)
    if opts.lineage or opts.lineage_output is not None:
        from dativo_dbt.lineage.emit import TransportOptions, emit_events
        from dativo_dbt.lineage.run import events_for_run

        kind = "file" if opts.lineage_output is not None else "config"
        try:
            events = events_for_run(project, project_dir, nodes=nodes)
            count = emit_events(events, TransportOptions(kind=kind, output=opts.lineage_output))
            click.echo(f"emitted {count} OpenLineage events", err=True)
        except DativoError as exc:
            _warn(f"lineage not emitted: {exc.render()}")
    if opts.quarantine:
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
            click.echo(
                f"quarantined {batch.id}: {batch.contract} / {batch.model}, {batch.failure_count} rows",
                err=True,
            )
        for note in notes:
            click.echo(f"note: {note}", err=True)
