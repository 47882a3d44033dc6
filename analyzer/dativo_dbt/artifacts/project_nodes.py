"""What lineage, notify and quarantine need from manifest.json besides the scores: each node's
relation (database, schema, alias) and its model-level `meta.dativo` (the interface's ModelMeta:
owner, violation handling, notification channels/recipients, quarantine retention), plus each
test's failure thresholds. Read through the typed manifest reader (`artifacts.manifest`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from dativo_dbt.artifacts.interface import ModelMeta
from dativo_dbt.artifacts.manifest import read_manifest
from dativo_dbt.artifacts.schema import Manifest, Node, RunArgs, SourceNode, TestNode


class NodeInfo(msgspec.Struct, frozen=True, gc=False):
    """A model, seed, snapshot or source: where it is built and its meta.dativo."""

    unique_id: str
    name: str
    resource_type: str
    package_name: str
    database: str | None
    schema: str | None
    alias: str | None  # the table name (sources: identifier)
    relation_name: str | None
    dativo: ModelMeta | None  # None when the node has no meta.dativo

    def relation_parts(self) -> dict[str, Any]:
        """`database`, `schema`, `alias` and `name`: a manifest node's naming fields (e.g. for
        `lineage.naming.dataset_name`)."""
        return {
            "database": self.database,
            "schema": self.schema,
            "alias": self.alias,
            "name": self.name,
        }


@dataclass
class ProjectNodes:
    project_name: str | None
    adapter_type: str | None
    invocation_id: str | None
    command: str | None  # the dbt command of the run (`build`, `test`, ...) when known
    nodes: dict[str, NodeInfo]
    #: each test's failure thresholds as configured (`error_if`, `warn_if`, when set)
    test_configs: dict[str, dict[str, Any]] = field(default_factory=dict)


class _RunResultsArgs(msgspec.Struct, gc=False):
    args: RunArgs | None = None


def _node_info(uid: str, node: Node) -> NodeInfo:
    return NodeInfo(
        unique_id=uid,
        name=node.name,
        resource_type=node.resource_type,
        package_name=node.package_name,
        database=node.database,
        schema=node.schema,
        alias=node.identifier if isinstance(node, SourceNode) else node.alias or node.name,
        relation_name=node.relation_name,
        dativo=node.dativo_meta(),
    )


def _thresholds(node: TestNode) -> dict[str, Any]:
    cfg = node.config
    if cfg is None:
        return {}
    return {
        k: v for k, v in (("error_if", cfg.error_if), ("warn_if", cfg.warn_if)) if v is not None
    }


def _command(run_results: Path) -> str | None:
    """`args.which` of the run_results file (None when absent or unreadable)."""
    try:
        decoded = msgspec.json.decode(run_results.read_bytes(), type=_RunResultsArgs)
    except (OSError, msgspec.DecodeError):
        return None
    return decoded.args.which if decoded.args is not None else None


def project_nodes(manifest: Manifest, command: str | None = None) -> ProjectNodes:
    """The models, seeds, snapshots and sources of `manifest` (and its tests' thresholds)."""
    nodes: dict[str, NodeInfo] = {}
    tests: dict[str, dict[str, Any]] = {}
    for uid, node in manifest.nodes.items():
        if isinstance(node, TestNode):
            tests[uid] = _thresholds(node)
        elif isinstance(node, Node):
            nodes[uid] = _node_info(uid, node)
    for uid, src in manifest.sources.items():
        nodes[uid] = _node_info(uid, src)
    meta = manifest.metadata
    return ProjectNodes(
        project_name=meta.project_name,
        adapter_type=meta.adapter_type,
        invocation_id=meta.invocation_id,
        command=command,
        nodes=nodes,
        test_configs=tests,
    )


def load_nodes(target_dir: Path) -> ProjectNodes:
    """Read target/manifest.json (and run_results.json for the command); DativoError when the
    manifest is missing or unreadable."""
    manifest = read_manifest(target_dir / "manifest.json")
    return project_nodes(manifest, _command(target_dir / "run_results.json"))
