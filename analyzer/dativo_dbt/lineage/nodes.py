"""What lineage, notify and quarantine need from manifest.json besides the scores: each node's
relation (database, schema, alias) and its model-level `meta.dativo` (owner, violation handling,
notification channels/recipients, quarantine retention). Read with the stdlib json module: only
`nodes`/`sources` entries are touched and nothing is kept beyond these few fields.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dativo_dbt.errors import DativoError


@dataclass(frozen=True)
class NotificationMeta:
    channels: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuarantineMeta:
    enabled: bool = False
    retention_days: int = 30


@dataclass(frozen=True)
class DativoMeta:
    """Model-level `meta.dativo` written by `dativo-dbt generate` (docs/INTERFACES.md §1)."""

    contract: str | None = None
    contract_version: str | None = None
    owner: str | None = None
    tier: str | None = None
    on_quality_violation: str = "warn"
    on_schema_violation: str = "block"
    on_sla_violation: str = "warn"
    notification: NotificationMeta = field(default_factory=NotificationMeta)
    quarantine: QuarantineMeta = field(default_factory=QuarantineMeta)

    @classmethod
    def from_dict(cls, raw: dict[str, Any] | None) -> DativoMeta:
        raw = raw or {}
        notif = raw.get("notification") or {}
        quar = raw.get("quarantine") or {}
        version = raw.get("contract_version")
        return cls(
            contract=raw.get("contract"),
            contract_version=str(version) if version is not None else None,
            owner=raw.get("owner"),
            tier=raw.get("tier"),
            on_quality_violation=str(raw.get("on_quality_violation") or "warn"),
            on_schema_violation=str(raw.get("on_schema_violation") or "block"),
            on_sla_violation=str(raw.get("on_sla_violation") or "warn"),
            notification=NotificationMeta(
                channels=tuple(str(c) for c in notif.get("channels") or ()),
                recipients=tuple(str(r) for r in notif.get("recipients") or ()),
            ),
            quarantine=QuarantineMeta(
                enabled=bool(quar.get("enabled", False)),
                retention_days=int(quar.get("retention_days") or 30),
            ),
        )


@dataclass(frozen=True)
class NodeInfo:
    unique_id: str
    name: str
    resource_type: str
    package_name: str
    database: str | None
    schema: str | None
    alias: str  # the table name (sources: identifier)
    relation_name: str | None
    dativo: DativoMeta | None  # None when the node has no meta.dativo

    @property
    def dataset_name(self) -> str:
        """`database.schema.table`, the OpenLineage dataset name dbt-ol uses (its processor's rule:
        sources by name, other nodes by alias)."""
        from dativo_dbt.lineage.naming import dataset_name

        node = {"database": self.database, "schema": self.schema, "alias": self.alias}
        return dataset_name(node | {"name": self.name}, self.resource_type)


@dataclass
class ProjectNodes:
    project_name: str | None
    adapter_type: str | None
    invocation_id: str | None
    command: str | None  # the dbt command of the run (`build`, `test`, ...) when known
    nodes: dict[str, NodeInfo]
    test_configs: dict[str, dict[str, Any]] = field(default_factory=dict)


def _meta(node: dict[str, Any]) -> dict[str, Any] | None:
    config_meta = (node.get("config") or {}).get("meta") or {}
    meta = config_meta.get("dativo") or (node.get("meta") or {}).get("dativo")
    return meta if isinstance(meta, dict) else None


def load_nodes(target_dir: Path) -> ProjectNodes:
    """Read target/manifest.json (and run_results.json for the command), DativoError when unreadable."""
    manifest_path = target_dir / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text())
    except FileNotFoundError:
        raise DativoError("no manifest.json: run dbt first", path=manifest_path) from None
    except (OSError, ValueError) as exc:
        raise DativoError(f"cannot read manifest: {exc}", path=manifest_path) from None
    metadata = manifest.get("metadata") or {}
    nodes: dict[str, NodeInfo] = {}
    tests: dict[str, dict[str, Any]] = {}
    for section in ("nodes", "sources"):
        for uid, node in (manifest.get(section) or {}).items():
            rtype = node.get("resource_type", uid.split(".", 1)[0])
            if rtype == "test":
                tests[uid] = node.get("config") or {}
                continue
            if rtype not in ("model", "seed", "snapshot", "source"):
                continue
            meta = _meta(node)
            nodes[uid] = NodeInfo(
                unique_id=uid,
                name=node.get("name", uid.rsplit(".", 1)[-1]),
                resource_type=rtype,
                package_name=node.get("package_name", ""),
                database=node.get("database"),
                schema=node.get("schema"),
                alias=node.get("identifier")
                if rtype == "source"
                else node.get("alias") or node["name"],
                relation_name=node.get("relation_name"),
                dativo=DativoMeta.from_dict(meta) if meta is not None else None,
            )
    command = None
    rr_path = target_dir / "run_results.json"
    if rr_path.is_file():
        try:
            args = json.loads(rr_path.read_text()).get("args") or {}
            command = args.get("which")
        except (OSError, ValueError):
            command = None
    return ProjectNodes(
        project_name=metadata.get("project_name"),
        adapter_type=metadata.get("adapter_type"),
        invocation_id=metadata.get("invocation_id"),
        command=command,
        nodes=nodes,
        test_configs=tests,
    )
