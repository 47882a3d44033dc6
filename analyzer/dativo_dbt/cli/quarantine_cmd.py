"""`dativo-dbt quarantine`: register, list, show, review, release, replay and purge quarantined
batches of failing rows (registry table in the warehouse, reached through the dbt profile)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from dativo_dbt.cli import options
from dativo_dbt.cli.bounds import count
from dativo_dbt.quarantine import api
from dativo_dbt.quarantine.batch import STATUSES
from dativo_dbt.quarantine.display import MAX_ROWS
from dativo_dbt.quarantine.render import (
    batches_json,
    batches_table,
    detail_json,
    detail_lines,
    purged_text,
    registered_line,
)


def _common(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option(
        "--schema",
        default=None,
        help="Registry schema [default: <target schema>_dativo_quarantine].",
    )(f)
    return options.project_dir(options.profiles(f))


def _where(kw: dict[str, Any]) -> api.RegistryLocation:
    return api.RegistryLocation(
        kw["project_dir"], kw["profiles_dir"], kw["dbt_target"], kw["schema"]
    )


@click.group(name="quarantine")
def command() -> None:
    """Quarantined failing rows: register a run's batches, then review, release, replay or purge
    them. State changes are validated and written to an audit table."""


@command.command("register")
@_common
@options.target_dir
@options.scores
@click.option("--actor", default=None, help="Who registers [default: the OS user].")
def register_cmd(
    target_dir: Path | None, scores: Path | None, actor: str | None, **kw: Any
) -> None:
    """Register the last run's failing rows of quarantine-handled contracts."""
    created, notes = api.register_last_run(
        _where(kw), target_dir=target_dir, scores=scores, actor=actor
    )
    for b in created:
        click.echo(registered_line(b))
    for n in notes:
        click.echo(f"note: {n}", err=True)
    if not created:
        click.echo("nothing new to quarantine")


@command.command("list")
@_common
@click.option("--status", type=click.Choice(STATUSES), default=None)
@click.option("--contract", default=None)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def list_cmd(status: str | None, contract: str | None, fmt: str, **kw: Any) -> None:
    """List batches (oldest first)."""
    batches = api.list_batches(_where(kw), status=status, contract=contract)
    if fmt == "json":
        click.echo(batches_json(batches))
    elif not batches:
        click.echo("no quarantined batches")
    else:
        Console(width=200).print(batches_table(batches))


@command.command("show")
@_common
@click.argument("batch_id")
@click.option(
    "--rows",
    "rows",
    type=count(0, MAX_ROWS),
    default=0,
    show_default=True,
    help=f"Also print up to N (0..{MAX_ROWS}) stored rows per relation.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def show_cmd(batch_id: str, rows: int, fmt: str, **kw: Any) -> None:
    """Show one batch, its checks, relations and audit trail."""
    detail = api.show_batch(_where(kw), batch_id, rows)
    if fmt == "json":
        click.echo(detail_json(detail))
        return
    for line in detail_lines(detail):
        click.echo(line)


def _transition_command(action: str, help_text: str) -> None:
    @command.command(action, help=help_text)
    @_common
    @click.argument("batch_id")
    @click.option(
        "--reviewer" if action == "review" else "--actor",
        "actor",
        default=None,
        required=action == "review",
        help="Who does it (recorded in the audit log).",
    )
    @click.option("--note", default=None, help="A note for the audit log.")
    def _cmd(batch_id: str, actor: str | None, note: str | None, **kw: Any) -> None:
        batch = api.change_state(_where(kw), batch_id, action, actor=actor, note=note)
        click.echo(f"{batch.id}: {batch.status}")


_transition_command("review", "Mark a quarantined batch as reviewed (needs --reviewer).")
_transition_command("release", "Release a quarantined or reviewed batch (its rows are accepted).")
_transition_command("replay", "Mark a reviewed or released batch as replayed.")


@command.command("purge")
@_common
@click.argument("batch_id", required=False)
@click.option("--expired", is_flag=True, help="Purge every batch past its expires_at.")
@click.option("--actor", default=None, help="Who purges (recorded in the audit log).")
@click.option(
    "--dry-run", is_flag=True, help="With --expired: list what would be purged, drop nothing."
)
def purge_cmd(
    batch_id: str | None, expired: bool, actor: str | None, dry_run: bool, **kw: Any
) -> None:
    """Drop a batch's stored rows and mark it deleted: one batch by ID, or all expired ones."""
    if bool(batch_id) == expired:
        raise click.UsageError("give either a BATCH_ID or --expired")
    if dry_run and not expired:
        raise click.UsageError("--dry-run goes with --expired")
    if batch_id is None:
        batches = api.purge_expired(_where(kw), actor=actor, dry_run=dry_run)
        click.echo(purged_text("would purge" if dry_run else "purged", batches))
        return
    batch = api.change_state(_where(kw), batch_id, "purge", actor=actor, note="explicit purge")
    click.echo(f"{batch.id}: {batch.status} (dropped {len(batch.relations)} relation(s))")
