"""Glue: a scored run + the project's manifest and profile -> OpenLineage events -> a transport."""

from __future__ import annotations

from pathlib import Path

from openlineage.client.event_v2 import RunEvent

from dativo_dbt.artifacts.project_nodes import ProjectNodes, load_nodes
from dativo_dbt.lineage.emit import TransportOptions, emit_events
from dativo_dbt.lineage.events import LineageSettings, build_events
from dativo_dbt.quarantine.profile import load_target
from dativo_dbt.scoring.models import ProjectScore


def dataset_namespace(
    project_dir: Path,
    *,
    profiles_dir: Path | None = None,
    target: str | None = None,
    override: str | None = None,
) -> str:
    """The dataset namespace dbt-ol would use (`duckdb://<path>`, `postgres://<host>:<port>`)."""
    if override:
        return override
    return load_target(project_dir, profiles_dir=profiles_dir, target=target).namespace()


def events_for_run(
    project: ProjectScore,
    project_dir: Path,
    *,
    target_dir: Path | None = None,
    nodes: ProjectNodes | None = None,
    profiles_dir: Path | None = None,
    target: str | None = None,
    namespace: str | None = None,
    job_namespace: str | None = None,
) -> list[RunEvent]:
    nodes = nodes or load_nodes(target_dir or project_dir / "target")
    ns = dataset_namespace(
        project_dir, profiles_dir=profiles_dir, target=target, override=namespace
    )
    return build_events(project, nodes, LineageSettings.from_env(ns, job_namespace))


def emit_for_run(
    project: ProjectScore,
    project_dir: Path,
    opts: TransportOptions,
    **kwargs: object,
) -> int:
    """What `score --lineage` calls: build and emit; returns the number of events emitted."""
    events = events_for_run(project, project_dir, **kwargs)  # type: ignore[arg-type]
    return emit_events(events, opts)
