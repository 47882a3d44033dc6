"""The record of one scored run, as stored in the history and drawn in the report.

A `RunSnapshot` is a plain, JSON-friendly copy of what `dativo-dbt score` computed for one dbt
invocation: per model its score, dimension scores, tier and gate verdict, and per check its status
and failures. It is built from the scoring API's `ProjectScore` (`from_project_score`) or read back
from the history store, so the report and `history` never depend on the scoring objects' layout.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from dativo_dbt.scoring.status import LABELS, gate_status

FAILING_STATUSES = frozenset({"fail", "warn", "error"})
STATUS_ORDER = ("error", "fail", "warn", "pass", "skipped")


@dataclass
class CheckSnapshot:
    """One test of the run and its result."""

    unique_id: str
    name: str
    status: str  # pass | fail | warn | error | skipped
    failures: int | None = None
    severity: str | None = None  # critical | warning | info
    dimension: str | None = None
    contract: str | None = None
    check: str | None = None  # the check's name in the contract, when generated from one
    check_type: str | None = None
    column: str | None = None
    message: str | None = None
    compiled_sql: str | None = None
    relation_name: str | None = None  # table of failing rows (store_failures), when stored
    weight: float | None = None

    @property
    def failing(self) -> bool:
        return self.status in FAILING_STATUSES


@dataclass
class GateSnapshot:
    """A model's gate verdict: passed (None when no gate applies), the reasons it failed and its
    warning-level findings (a passed gate with warnings has status `warn`)."""

    passed: bool | None = None
    reasons: list[str] = field(default_factory=list)
    min_score: float | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        """pass | warn | fail | none (`dativo_dbt.scoring.status`, as `score` shows it)."""
        return gate_status(self.passed, len(self.warnings))

    @property
    def label(self) -> str:
        return LABELS[self.status]


@dataclass
class ModelSnapshot:
    """One scored model."""

    unique_id: str
    name: str
    score: float | None
    dimensions: dict[str, float | None] = field(default_factory=dict)
    tier: str | None = None
    contract: str | None = None
    owner: str | None = None
    gate: GateSnapshot = field(default_factory=GateSnapshot)
    checks: list[CheckSnapshot] = field(default_factory=list)

    def status_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUS_ORDER, 0)
        for check in self.checks:
            counts[check.status] = counts.get(check.status, 0) + 1
        return counts

    @property
    def failing_checks(self) -> list[CheckSnapshot]:
        return [c for c in self.checks if c.failing]


@dataclass
class RunSnapshot:
    """One scored dbt invocation."""

    invocation_id: str
    generated_at: str  # ISO-8601 UTC, from run_results metadata (when dbt ran)
    models: list[ModelSnapshot] = field(default_factory=list)
    overall_score: float | None = None
    gate_passed: bool | None = None
    project: str | None = None
    target: str | None = None
    dbt_version: str | None = None
    formula_version: int | None = None
    source: str = "local"  # local | warehouse

    def status_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUS_ORDER, 0)
        for model in self.models:
            for status, n in model.status_counts().items():
                counts[status] = counts.get(status, 0) + n
        return counts

    def model(self, name_or_id: str) -> ModelSnapshot | None:
        for model in self.models:
            if name_or_id in (model.unique_id, model.name):
                return model
        return None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunSnapshot:
        models = []
        for m in data.get("models", []):
            checks = [CheckSnapshot(**c) for c in m.get("checks", [])]
            gate = GateSnapshot(**(m.get("gate") or {}))
            models.append(ModelSnapshot(**{**m, "checks": checks, "gate": gate}))
        return cls(**{**data, "models": models})
