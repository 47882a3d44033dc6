"""The record of one scored run, as the report and `history` read it.

A `RunSnapshot` is a plain, JSON-friendly, nested view of what `dativo-dbt score` computed for one
dbt invocation: per model its score, dimension scores, tier and gate verdict, and per check its
status and failures. It is derived from the run's history rows (`snapshot_from_rows`: rows of a
`ProjectScore`, `history/adapt.py`, or read back from the store), and flattened back into rows by
`rows_from_snapshot` (a run built by hand or read from the warehouse), so the report and `history`
never depend on the scoring objects' layout.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import msgspec

from dativo_dbt.history.rows import CheckRow, DimensionRow, ModelRow, RunRow, RunRows
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


def snapshot_from_rows(rows: RunRows) -> RunSnapshot:
    """The nested view of a run's history rows (models and checks in their rows' order)."""
    dimensions: dict[str, dict[str, float | None]] = {}
    for d in rows.dimensions:
        dimensions.setdefault(d.model_id, {})[d.dimension] = d.score
    checks: dict[str, list[CheckSnapshot]] = {}
    for c in rows.checks:
        # a CheckRow's fields after (model_id, check_id, position) are a CheckSnapshot's after
        # unique_id, in the same order (name ... weight)
        checks.setdefault(c.model_id, []).append(
            CheckSnapshot(c.check_id, *msgspec.structs.astuple(c)[3:])
        )
    head = rows.run
    return RunSnapshot(
        head.invocation_id,
        head.generated_at,
        [_model_snapshot(m, dimensions, checks) for m in rows.models],
        head.overall_score,
        head.gate_passed,
        head.project,
        head.target,
        head.dbt_version,
        head.formula_version,
        head.source,
    )


def _model_snapshot(
    m: ModelRow,
    dimensions: dict[str, dict[str, float | None]],
    checks: dict[str, list[CheckSnapshot]],
) -> ModelSnapshot:
    gate = GateSnapshot(
        m.gate_passed, list(m.gate_reasons), m.gate_min_score, list(m.gate_warnings)
    )
    return ModelSnapshot(
        m.model_id,
        m.model_name,
        m.score,
        dict(dimensions.get(m.model_id, {})),
        m.tier,
        m.contract,
        m.owner,
        gate,
        checks.get(m.model_id, []),
    )


def rows_from_snapshot(run: RunSnapshot) -> RunRows:
    """The history rows of a `RunSnapshot` (a check listed twice under one model is stored once;
    `position` is its index in the model's list)."""
    models: list[ModelRow] = []
    dimensions: list[DimensionRow] = []
    checks: list[CheckRow] = []
    for model_position, m in enumerate(run.models):
        gate = m.gate
        models.append(
            ModelRow(
                m.unique_id,
                m.name,
                m.score,
                m.tier,
                m.contract,
                m.owner,
                gate.passed,
                list(gate.reasons),
                gate.min_score,
                model_position,
                list(gate.warnings),
            )
        )
        dimensions.extend(DimensionRow(m.unique_id, d, s) for d, s in m.dimensions.items())
        checks.extend(_check_rows(m))
    head = RunRow(
        run.invocation_id,
        run.generated_at,
        run.project,
        run.target,
        run.dbt_version,
        run.formula_version,
        run.overall_score,
        run.gate_passed,
        run.source,
    )
    return RunRows(head, models, dimensions, checks)


def _check_rows(m: ModelSnapshot) -> list[CheckRow]:
    rows: list[CheckRow] = []
    seen: set[str] = set()
    for position, c in enumerate(m.checks):
        if c.unique_id in seen:
            continue
        seen.add(c.unique_id)
        rows.append(
            CheckRow(
                m.unique_id,
                c.unique_id,
                position,
                c.name,
                c.status,
                c.failures,
                c.severity,
                c.dimension,
                c.contract,
                c.check,
                c.check_type,
                c.column,
                c.message,
                c.compiled_sql,
                c.relation_name,
                c.weight,
            )
        )
    return rows
