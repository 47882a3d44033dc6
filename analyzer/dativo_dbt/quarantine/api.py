"""Entry points: open the registry of a dbt project, and register a scored run's batches (what
`score` can call after a run; see README "Violations")."""

from __future__ import annotations

import os
from pathlib import Path

from dativo_dbt.artifacts.project_nodes import ProjectNodes, load_nodes
from dativo_dbt.quarantine.profile import WarehouseTarget, load_target
from dativo_dbt.quarantine.registry import Batch, Registry
from dativo_dbt.quarantine.warehouse import Warehouse
from dativo_dbt.scoring.models import ProjectScore

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


def open_registry(
    project_dir: Path,
    *,
    profiles_dir: Path | None = None,
    target: str | None = None,
    schema: str | None = None,
) -> Registry:
    wt = load_target(project_dir, profiles_dir=profiles_dir, target=target)
    return Registry(Warehouse(wt), registry_schema(wt, schema))


def register_run(
    project: ProjectScore,
    project_dir: Path,
    *,
    target_dir: Path | None = None,
    nodes: ProjectNodes | None = None,
    profiles_dir: Path | None = None,
    target: str | None = None,
    schema: str | None = None,
    actor: str | None = None,
) -> tuple[list[Batch], list[str]]:
    nodes = nodes or load_nodes(target_dir or project_dir / "target")
    registry = open_registry(project_dir, profiles_dir=profiles_dir, target=target, schema=schema)
    try:
        return registry.register_run(project, nodes, actor=actor)
    finally:
        registry.wh.close()
