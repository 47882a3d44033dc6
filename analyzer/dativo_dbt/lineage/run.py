"""Glue: a scored run + the project's manifest and profile -> OpenLineage events -> a transport."""

from __future__ import annotations

from pathlib import Path

from openlineage.client.event_v2 import RunEvent

from dativo_dbt.artifacts.project_nodes import ProjectNodes, load_nodes
from dativo_dbt.lineage.emit import TransportOptions, emit_events
from dativo_dbt.lineage.events import LineageSettings, build_events
from dativo_dbt.lineage.naming import target_namespace
from dativo_dbt.lineage.scored import scored_run
from dativo_dbt.scoring.models import ProjectScore
from dativo_dbt.warehouse.profile import load_target


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
    return target_namespace(load_target(project_dir, profiles_dir=profiles_dir, target=target))


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
    """The run's OpenLineage events, datasets named in the profile's namespace (or `namespace`)."""
    nodes = nodes or load_nodes(target_dir or project_dir / "target")
    ns = dataset_namespace(
        project_dir, profiles_dir=profiles_dir, target=target, override=namespace
    )
    return build_events(project, nodes, LineageSettings.from_env(ns, job_namespace))


def emit_last_run(
    project_dir: Path,
    opts: TransportOptions,
    *,
    target_dir: Path | None = None,
    scores: Path | None = None,
    profiles_dir: Path | None = None,
    target: str | None = None,
    namespace: str | None = None,
    job_namespace: str | None = None,
) -> tuple[int, int]:
    """`dativo-dbt lineage`: build and emit the last run's events (or a scores document's);
    returns (events emitted, FAIL events)."""
    project, nodes = scored_run(project_dir, target_dir, scores)
    events = events_for_run(
        project,
        project_dir,
        nodes=nodes,
        profiles_dir=profiles_dir,
        target=target,
        namespace=namespace,
        job_namespace=job_namespace,
    )
    failed = sum(1 for e in events if e.eventType is not None and e.eventType.value == "FAIL")
    return emit_events(events, opts), failed
