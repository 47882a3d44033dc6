"""Which models of a scored run have a batch to quarantine: quarantine-handled contracts
(`on_quality_violation: quarantine`, quarantine.enabled) with failing or warning checks that
stored failing rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from dativo_dbt.artifacts.interface import ModelMeta
from dativo_dbt.artifacts.project_nodes import NodeInfo, ProjectNodes
from dativo_dbt.quarantine.batch import Batch
from dativo_dbt.scoring.models import CheckResult, ModelScore, ProjectScore


@dataclass(frozen=True)
class Candidate:
    """A model with failing rows to quarantine in this invocation."""

    model: ModelScore
    node: NodeInfo
    meta: ModelMeta
    failing: list[CheckResult]
    invocation_id: str | None

    def batch(
        self, bid: str, checks: list[dict[str, Any]], relations: list[str], now: datetime
    ) -> Batch:
        """Batch `bid` once its failing rows are copied to `relations`."""
        return Batch(
            id=bid,
            contract=self.meta.contract or self.model.name,
            contract_version=self.meta.version_text,
            model=self.model.name,
            model_unique_id=self.model.unique_id,
            source_relation=self.node.relation_name,
            checks=checks,
            failure_count=sum(int(c.failures or 0) for c in self.failing),
            invocation_id=self.invocation_id,
            quarantined_at=now,
            expires_at=now + timedelta(days=self.meta.quarantine.retention_or_default),
            updated_at=now,
            relations=relations,
        )


def _failing(model: ModelScore) -> list[CheckResult]:
    return [
        c
        for c in model.checks
        if c.status in ("fail", "warn") and (c.failures or 0) > 0 and c.relation_name
    ]


def candidates(project: ProjectScore, nodes: ProjectNodes) -> tuple[list[Candidate], list[str]]:
    """(models with a batch to register, notes on quarantine-handled models skipped)."""
    found: list[Candidate] = []
    notes: list[str] = []
    invocation = project.invocation_id or nodes.invocation_id
    for model in project.models:
        node = nodes.nodes.get(model.unique_id)
        meta = node.dativo if node else None
        if node is None or meta is None or meta.on_quality_violation != "quarantine":
            continue
        if not meta.quarantine.enabled:
            notes.append(
                f"{model.name}: quarantine handling but quarantine.enabled is false; skipped"
            )
            continue
        failing = _failing(model)
        if failing:
            found.append(Candidate(model, node, meta, failing, invocation))
    return found, notes
