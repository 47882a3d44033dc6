"""Contract violation summaries: one per governed model (contract) with failed checks."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from dativo_dbt.artifacts.interface import ModelMeta
from dativo_dbt.artifacts.project_nodes import NodeInfo, ProjectNodes
from dativo_dbt.lineage.events import handling_for, is_blocking
from dativo_dbt.scoring.models import CheckResult, ModelScore, ProjectScore

_SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class ViolationItem:
    check: str
    name: str
    status: str  # fail | warn | error
    severity: str  # critical | warning | info
    dimension: str
    column: str | None
    failures: int | None
    message: str | None
    blocking: bool
    relation: str | None  # stored failing rows (quarantine handling)

    def line(self) -> str:
        where = f", column {self.column}" if self.column else ""
        rows = f": {self.failures} failing rows" if self.failures is not None else ""
        return f"- {self.check} ({self.severity}, {self.dimension}{where}){rows} [{self.status}]"


@dataclass
class ViolationSummary:
    contract: str
    contract_version: str | None
    model: str
    model_unique_id: str
    relation: str | None
    owner: str | None
    action: str  # block | warn | quarantine (the contract's on_quality_violation)
    channels: tuple[str, ...]
    recipients: tuple[str, ...]
    score: float | None
    tier: str | None
    gate_passed: bool
    project: str | None
    invocation_id: str | None
    violations: list[ViolationItem] = field(default_factory=list)

    @property
    def worst_severity(self) -> str:
        severities = [v.severity for v in self.violations] or ["info"]
        return min(severities, key=lambda s: _SEVERITY_ORDER.get(s, 9))

    @property
    def blocking(self) -> bool:
        return any(v.blocking for v in self.violations)

    @property
    def quarantine_paths(self) -> list[str]:
        return sorted({v.relation for v in self.violations if v.relation})

    def fingerprint(self) -> str:
        """Identifies "the same violation": contract, version, model and the failing checks."""
        parts = [self.contract, self.contract_version or "", self.model_unique_id]
        parts += sorted(f"{v.name}:{v.status}" for v in self.violations)
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]

    def dedup_key(self) -> str:
        """PagerDuty dedup key: one open alert per contract and model."""
        return f"dativo/{self.contract}/{self.model_unique_id}"[:255]

    def context(self, quarantine_ui_url: str | None = None) -> dict[str, Any]:
        """Template variables (the seed's names plus a few more)."""
        items = [v.__dict__ | {"line": v.line()} for v in self.violations]
        return {
            "contract_name": self.contract,
            "contract_version": self.contract_version or "",
            "asset_name": self.model,
            "model": self.model,
            "model_unique_id": self.model_unique_id,
            "relation": self.relation,
            "owner": self.owner,
            "tenant_id": None,
            "action": self.action,
            "violation_count": len(self.violations),
            "violations": items,
            "violations_list": "\n".join(v.line() for v in self.violations),
            "quarantine_path": ", ".join(self.quarantine_paths) or None,
            "quarantine_ui_url": quarantine_ui_url,
            "score": self.score,
            "tier": self.tier,
            "gate_passed": self.gate_passed,
            "blocking": self.blocking,
            "worst_severity": self.worst_severity,
            "project": self.project,
            "invocation_id": self.invocation_id,
            "recipients": list(self.recipients),
        }


def _item(check: CheckResult, meta: ModelMeta) -> ViolationItem:
    handling = handling_for(check, meta)
    return ViolationItem(
        check=check.check,
        name=check.name,
        status=check.status,
        severity=check.severity,
        dimension=check.dimension,
        column=check.column,
        failures=check.failures,
        message=check.message,
        blocking=is_blocking(check, handling),
        relation=check.relation_name if handling == "quarantine" else None,
    )


def summarize_model(
    model: ModelScore, node: NodeInfo, project: ProjectScore, *, clean: bool = False
) -> ViolationSummary | None:
    """The model's violation summary; with `clean=True` instead a summary without violations when
    every check that ran passed (used to resolve PagerDuty alerts)."""
    meta = node.dativo
    if meta is None:
        return None
    failed = [c for c in model.checks if c.status in ("fail", "warn", "error")]
    if clean:
        if failed or not any(c.status == "pass" for c in model.checks):
            return None
    elif not failed:
        return None
    action = meta.on_quality_violation
    return ViolationSummary(
        contract=meta.contract or model.contract or model.name,
        contract_version=meta.version_text,
        model=model.name,
        model_unique_id=model.unique_id,
        relation=node.relation_name,
        owner=meta.owner,
        action=action,
        channels=tuple(meta.notification.channels),
        recipients=tuple(meta.notification.recipients),
        score=model.score,
        tier=model.tier,
        gate_passed=model.gate.passed,
        project=project.project_name,
        invocation_id=project.invocation_id,
        violations=[_item(c, meta) for c in failed],
    )


def summarize(project: ProjectScore, nodes: ProjectNodes) -> list[ViolationSummary]:
    """Violation summaries of the run, in model order."""
    out: list[ViolationSummary] = []
    for model in project.models:
        node = nodes.nodes.get(model.unique_id)
        if node is None:
            continue
        summary = summarize_model(model, node, project)
        if summary is not None:
            out.append(summary)
    return out


def cleared_models(project: ProjectScore, nodes: ProjectNodes) -> list[ViolationSummary]:
    """Governed models whose checks all passed in this run (violations empty)."""
    out: list[ViolationSummary] = []
    for model in project.models:
        node = nodes.nodes.get(model.unique_id)
        if node is not None:
            summary = summarize_model(model, node, project, clean=True)
            if summary is not None:
                out.append(summary)
    return out
