"""Entry points: open the registry of a dbt project, register a scored run's batches (what `score`
can call after a run; see README "Violations"), and the `dativo-dbt quarantine` actions."""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dativo_dbt.artifacts.project_nodes import ProjectNodes
from dativo_dbt.lineage.scored import scored_run
from dativo_dbt.quarantine.batch import Batch, utcnow
from dativo_dbt.quarantine.registry import Registry
from dativo_dbt.scoring.models import ProjectScore
from dativo_dbt.warehouse.connection import Warehouse
from dativo_dbt.warehouse.profile import WarehouseTarget, load_target

DEFAULT_SUFFIX = "dativo_quarantine"


def registry_schema(target: WarehouseTarget, schema: str | None = None) -> str:
    """`--schema`, else $DATIVO_QUARANTINE_SCHEMA, else where dbt puts the quarantine tests'
    failing rows by default: `<target schema>_dativo_quarantine` (dbt's generate_schema_name)."""
    if schema:
        return schema
    if os.environ.get("DATIVO_QUARANTINE_SCHEMA"):
        return os.environ["DATIVO_QUARANTINE_SCHEMA"]
    base = target.schema or ("main" if target.type == "duckdb" else "public")
    return f"{base}_{DEFAULT_SUFFIX}"


@dataclass(frozen=True)
class RegistryLocation:
    """Where a project's registry is: its dbt profile target and the registry schema."""

    project_dir: Path
    profiles_dir: Path | None = None
    target: str | None = None
    schema: str | None = None


def open_registry(
    project_dir: Path,
    *,
    profiles_dir: Path | None = None,
    target: str | None = None,
    schema: str | None = None,
) -> Registry:
    """The registry over a new warehouse connection (close it with `registry.wh.close()`)."""
    wt = load_target(project_dir, profiles_dir=profiles_dir, target=target)
    return Registry(Warehouse(wt), registry_schema(wt, schema))


@contextmanager
def registry_at(where: RegistryLocation) -> Iterator[Registry]:
    """The registry at `where`, its connection closed on exit."""
    registry = open_registry(
        where.project_dir, profiles_dir=where.profiles_dir, target=where.target, schema=where.schema
    )
    try:
        yield registry
    finally:
        registry.wh.close()


def actor_or_user(actor: str | None) -> str:
    """`actor`, else the OS user name ("unknown" when there is none)."""
    if actor:
        return actor
    try:
        return getpass.getuser()
    except Exception:  # no user name in some containers
        return "unknown"


def register_run(
    project: ProjectScore,
    project_dir: Path,
    *,
    nodes: ProjectNodes,
    profiles_dir: Path | None = None,
    target: str | None = None,
    schema: str | None = None,
    actor: str | None = None,
) -> tuple[list[Batch], list[str]]:
    """Register the run's batches: (new batches, notes)."""
    where = RegistryLocation(project_dir, profiles_dir, target, schema)
    with registry_at(where) as registry:
        return registry.register_run(project, nodes, actor=actor)


def register_last_run(
    where: RegistryLocation,
    *,
    target_dir: Path | None = None,
    scores: Path | None = None,
    actor: str | None = None,
) -> tuple[list[Batch], list[str]]:
    """`quarantine register`: the last run (or a scores document) registered by `actor` or the OS
    user."""
    project, nodes = scored_run(where.project_dir, target_dir, scores)
    with registry_at(where) as registry:
        return registry.register_run(project, nodes, actor=actor_or_user(actor))


def list_batches(
    where: RegistryLocation, *, status: str | None = None, contract: str | None = None
) -> list[Batch]:
    """`quarantine list`: the batches, oldest first."""
    with registry_at(where) as registry:
        return registry.list_batches(status=status, contract=contract)


@dataclass(frozen=True)
class BatchDetail:
    """`quarantine show`: a batch, its audit trail and a sample of its stored rows."""

    batch: Batch
    audit: list[dict[str, Any]]
    rows: dict[str, list[dict[str, Any]]]


def show_batch(where: RegistryLocation, batch_id: str, rows: int = 0) -> BatchDetail:
    """One batch with its audit trail and, when `rows`, up to `rows` stored rows per relation."""
    with registry_at(where) as registry:
        batch = registry.get(batch_id)
        audit = registry.audit(batch_id)
        sample = registry.rows(batch, rows) if rows else {}
    return BatchDetail(batch, audit, sample)


def change_state(
    where: RegistryLocation,
    batch_id: str,
    action: str,
    *,
    actor: str | None = None,
    note: str | None = None,
) -> Batch:
    """review / release / replay / purge one batch (validated, audited)."""
    with registry_at(where) as registry:
        return registry.transition(batch_id, action, actor=actor_or_user(actor), note=note)


def purge_expired(
    where: RegistryLocation, *, actor: str | None = None, dry_run: bool = False
) -> list[Batch]:
    """Purge every batch past its expires_at (dry run: the batches that would be purged)."""
    with registry_at(where) as registry:
        if not dry_run:
            return registry.purge_expired(actor=actor_or_user(actor))
        now = utcnow()
        return [b for b in registry.list_batches() if b.status != "deleted" and b.expired(now)]
