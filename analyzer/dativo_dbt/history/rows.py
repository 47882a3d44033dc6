"""The rows one scored run adds to the history store, built straight from the scoring objects.

`rows_from_score` reads a `ProjectScore` without an intermediate `RunSnapshot` (100,000 checks
become 100,000 small structs, not dataclasses copied twice), `rows_from_snapshot` does the same for
a snapshot (a run read from the warehouse, tests). Both give the same rows for the same run: the
store writes only `RunRows`. Field names are the store's column names.
"""

from __future__ import annotations

import hashlib
from typing import Any

import msgspec

from dativo_dbt.history.snapshot import FAILING_STATUSES, RunSnapshot


class RunRow(msgspec.Struct, gc=False):
    invocation_id: str
    generated_at: str
    project: str | None
    target: str | None
    dbt_version: str | None
    formula_version: int | None
    overall_score: float | None
    gate_passed: bool | None
    source: str


class ModelRow(msgspec.Struct, gc=False):
    model_id: str
    model_name: str
    score: float | None
    tier: str | None
    contract: str | None
    owner: str | None
    gate_passed: bool | None
    gate_reasons: list[str]
    gate_min_score: float | None
    position: int
    gate_warnings: list[str]


class DimensionRow(msgspec.Struct, gc=False):
    model_id: str
    dimension: str
    score: float | None


class CheckRow(msgspec.Struct, gc=False):
    model_id: str
    check_id: str
    position: int
    name: str
    status: str
    failures: int | None
    severity: str | None
    dimension: str | None
    contract: str | None
    check_name: str | None
    check_type: str | None
    column_name: str | None
    message: str | None
    compiled_sql: str | None
    relation_name: str | None
    weight: float | None


class RunRows(msgspec.Struct):
    run: RunRow
    models: list[ModelRow]
    dimensions: list[DimensionRow]
    checks: list[CheckRow]


def rows_from_snapshot(run: RunSnapshot) -> RunRows:
    """The rows of a `RunSnapshot` (a check listed twice under one model is stored once)."""
    models: list[ModelRow] = []
    dimensions: list[DimensionRow] = []
    checks: list[CheckRow] = []
    for model_position, m in enumerate(run.models):
        models.append(
            ModelRow(
                m.unique_id,
                m.name,
                m.score,
                m.tier,
                m.contract,
                m.owner,
                m.gate.passed,
                list(m.gate.reasons),
                m.gate.min_score,
                model_position,
                list(m.gate.warnings),
            )
        )
        dimensions.extend(DimensionRow(m.unique_id, d, s) for d, s in m.dimensions.items())
        seen: set[str] = set()
        for position, c in enumerate(m.checks):
            if c.unique_id in seen:
                continue
            seen.add(c.unique_id)
            checks.append(
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


def rows_from_score(project_score: Any) -> RunRows:
    """The rows of a scoring `ProjectScore`, as `rows_from_snapshot(to_snapshot(ps))` gives them
    (statuses `not_run` stored as `skipped`, compiled SQL for failing checks only, the contract's
    check name only for checks generated from a contract)."""
    from dativo_dbt.history.adapt import extras_from_score, run_identity

    ps = project_score
    extras = extras_from_score(ps)
    sql = extras.compiled_sql
    owners = extras.owners
    invocation_id, generated_at = run_identity(ps)
    models: list[ModelRow] = []
    dimensions: list[DimensionRow] = []
    checks: list[CheckRow] = []
    add_check = checks.append
    failing = FAILING_STATUSES
    for model_position, m in enumerate(ps.models):
        uid = m.unique_id
        gate = m.gate
        models.append(
            ModelRow(
                uid,
                m.name,
                m.score,
                m.tier,
                m.contract,
                m.owner or owners.get(uid),
                gate.passed,
                [f"{v.code}: {v.message}" for v in gate.violations if v.level == "error"],
                gate.min_score,
                model_position,
                [f"{v.code}: {v.message}" for v in gate.violations if v.level == "warning"],
            )
        )
        dimensions.extend(DimensionRow(uid, d, s) for d, s in m.dimension_scores.items())
        seen: set[str] = set()
        for position, c in enumerate(m.checks):
            cid = c.unique_id
            if cid in seen:
                continue
            seen.add(cid)
            status = c.status
            if status == "not_run":
                status = "skipped"
            add_check(
                CheckRow(
                    uid,
                    cid,
                    position,
                    c.name,
                    status,
                    c.failures,
                    c.severity,
                    c.dimension,
                    c.contract,
                    c.check if c.from_meta else None,
                    c.check_type,
                    c.column,
                    c.message,
                    sql.get(cid) if status in failing else None,
                    c.relation_name,
                    c.weight,
                )
            )
    head = RunRow(
        invocation_id,
        generated_at,
        ps.project_name,
        extras.adapter_type,
        ps.dbt_version,
        ps.formula_version,
        ps.summary.score,
        ps.summary.gate_passed,
        "local",
    )
    return RunRows(head, models, dimensions, checks)


def content_invocation_id(project_score: Any) -> str:
    """A stable id for artifacts without a dbt invocation_id (hand-made ones)."""
    digest = hashlib.sha256(msgspec.json.encode(project_score.to_dict())).hexdigest()
    return f"sha256-{digest[:32]}"
