"""`dativo-dbt quarantine`: register, list, show, review, release, replay and purge quarantined
batches of failing rows (registry table in the warehouse, reached through the dbt profile)."""

from __future__ import annotations

import getpass
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from dativo_dbt.artifacts.project_nodes import load_nodes
from dativo_dbt.cli.bounds import count
from dativo_dbt.lineage.scored import load_scores_file, score_run
from dativo_dbt.quarantine.api import open_registry
from dativo_dbt.quarantine.display import MAX_ROWS, json_value, text_value
from dativo_dbt.quarantine.registry import STATUSES, Batch, Registry, utcnow

_DIR = click.Path(file_okay=False, path_type=Path)


def _common(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option(
        "--schema",
        default=None,
        help="Registry schema [default: <target schema>_dativo_quarantine].",
    )(f)
    f = click.option("--target", "dbt_target", default=None, help="profiles.yml target (as dbt).")(
        f
    )
    f = click.option(
        "--profiles-dir", type=_DIR, default=None, help="Where profiles.yml is (as dbt)."
    )(f)
    f = click.option(
        "--project-dir", type=_DIR, default=Path("."), show_default=True, help="dbt project."
    )(f)
    return f


def _open(kw: dict[str, Any]) -> Registry:
    return open_registry(
        kw["project_dir"],
        profiles_dir=kw["profiles_dir"],
        target=kw["dbt_target"],
        schema=kw["schema"],
    )


def _actor(value: str | None) -> str:
    if value:
        return value
    try:
        return getpass.getuser()
    except Exception:  # no user name in some containers
        return "unknown"


_fmt = text_value


def _print_batches(batches: list[Batch], fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps([b.to_dict() for b in batches], indent=2))
        return
    if not batches:
        click.echo("no quarantined batches")
        return
    table = Table(show_header=True, header_style="bold")
    for col in (
        "id",
        "contract",
        "model",
        "status",
        "failures",
        "checks",
        "quarantined_at",
        "expires_at",
    ):
        table.add_column(col)
    for b in batches:
        table.add_row(
            b.id,
            f"{b.contract} v{b.contract_version or '?'}",
            b.model,
            b.status,
            str(b.failure_count),
            ", ".join(c["check"] for c in b.checks),
            _fmt(b.quarantined_at),
            _fmt(b.expires_at),
        )
    Console(width=200).print(table)


@click.group(name="quarantine")
def command() -> None:
    """Quarantined failing rows: register a run's batches, then review, release, replay or purge
    them. State changes are validated and written to an audit table."""


@command.command("register")
@_common
@click.option(
    "--target-dir", type=_DIR, default=None, help="dbt artifacts [default: PROJECT/target]."
)
@click.option("--scores", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--actor", default=None, help="Who registers [default: the OS user].")
def register_cmd(
    target_dir: Path | None, scores: Path | None, actor: str | None, **kw: Any
) -> None:
    """Register the last run's failing rows of quarantine-handled contracts."""
    target_dir = target_dir or kw["project_dir"] / "target"
    project = load_scores_file(scores) if scores else score_run(kw["project_dir"], target_dir)
    nodes = load_nodes(target_dir)
    registry = _open(kw)
    try:
        created, notes = registry.register_run(project, nodes, actor=_actor(actor))
    finally:
        registry.wh.close()
    for b in created:
        click.echo(
            f"registered {b.id}: {b.contract} / {b.model}, {b.failure_count} failing rows "
            f"in {len(b.relations)} relation(s), expires {_fmt(b.expires_at)}"
        )
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
    registry = _open(kw)
    try:
        _print_batches(registry.list_batches(status=status, contract=contract), fmt)
    finally:
        registry.wh.close()


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
    registry = _open(kw)
    try:
        batch = registry.get(batch_id)
        audit = registry.audit(batch_id)
        sample = registry.rows(batch, rows) if rows else {}
    finally:
        registry.wh.close()
    if fmt == "json":
        doc = batch.to_dict() | {
            "audit": [{k: json_value(v) for k, v in a.items()} for a in audit],
            "rows": {
                k: [{c: json_value(v) for c, v in r.items()} for r in v] for k, v in sample.items()
            },
        }
        click.echo(json.dumps(doc, indent=2, default=str))
        return
    click.echo(f"batch        {batch.id}")
    click.echo(f"contract     {batch.contract} v{batch.contract_version or '?'}")
    click.echo(f"model        {batch.model} ({batch.source_relation or batch.model_unique_id})")
    click.echo(f"status       {batch.status}")
    click.echo(f"invocation   {batch.invocation_id or '-'}")
    click.echo(f"quarantined  {_fmt(batch.quarantined_at)}   expires {_fmt(batch.expires_at)}")
    click.echo(f"reviewer     {batch.reviewer or '-'}   reviewed {_fmt(batch.reviewed_at)}")
    click.echo(f"failing rows {batch.failure_count}")
    for c in batch.checks:
        click.echo(f"  - {c['check']}: {c['failures']} rows [{c['status']}] -> {c['relation']}")
    click.echo("audit")
    for a in audit:
        click.echo(
            f"  {_fmt(a['event_at'])}  {a['action']:<8} {a['from_status'] or '-'} -> {a['to_status']}"
            f"  by {a['actor'] or '-'}{'  (' + a['detail'] + ')' if a['detail'] else ''}"
        )
    for rel, data in sample.items():
        click.echo(f"rows of {rel} ({len(data)} shown)")
        for r in data:
            click.echo("  " + ", ".join(f"{k}={_fmt(v)}" for k, v in r.items()))


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
        registry = _open(kw)
        try:
            batch = registry.transition(batch_id, action, actor=_actor(actor), note=note)
        finally:
            registry.wh.close()
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
    registry = _open(kw)
    try:
        if dry_run:
            now = utcnow()
            due = [b for b in registry.list_batches() if b.status != "deleted" and b.expired(now)]
            click.echo(
                f"would purge {len(due)} expired batch(es)" + "".join(f"\n  {b.id}" for b in due)
            )
        elif expired:
            purged = registry.purge_expired(actor=_actor(actor))
            click.echo(
                f"purged {len(purged)} expired batch(es)" + "".join(f"\n  {b.id}" for b in purged)
            )
        else:
            assert batch_id is not None
            batch = registry.transition(
                batch_id, "purge", actor=_actor(actor), note="explicit purge"
            )
            click.echo(f"{batch.id}: {batch.status} (dropped {len(batch.relations)} relation(s))")
    finally:
        registry.wh.close()
