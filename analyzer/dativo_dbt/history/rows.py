"""The rows one scored run adds to the history store: the one shape of a run's history.

`history/adapt.py` builds them from the scoring API's `ProjectScore` (`rows_from_score`, the one
converter: 100,000 checks become 100,000 small structs); `history/snapshot.py` derives the nested
`RunSnapshot` the report reads from them and back. The store writes and reads only `RunRows`.
Field names are the store's column names.
"""

from __future__ import annotations

import msgspec


class RunRow(msgspec.Struct, gc=False):
    """The run: one row of `dativo_runs`."""

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
    """A scored model: one row of `dativo_model_scores`."""

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
    """A model's dimension score: one row of `dativo_dimension_scores`."""

    model_id: str
    dimension: str
    score: float | None


class CheckRow(msgspec.Struct, gc=False):
    """A check's result: one row of `dativo_check_results`."""

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
    """Every row one run adds to the store."""

    run: RunRow
    models: list[ModelRow]
    dimensions: list[DimensionRow]
    checks: list[CheckRow]
