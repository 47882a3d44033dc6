"""Pydantic v2 models of a data contract and an asset definition (the seed's format, plus our keys).

These models are the single source of truth: `contracts/schema/*.json` is exported from them
(`python -m dativo_dbt.contracts.schema`). Every model forbids unknown keys; values are validated
strictly (a number where a number is expected, never a string that looks like one).

Our additions to the seed's format: `model:` / `source:` (the dbt node a contract governs),
`tier:`, per-check `dimension`, `severity`, `enabled`, `weight`, `test:`/`arguments:` for custom
checks, `column:` for the SLA blocks, and the Soda-style check types beyond the seed's four.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    model_validator,
)

from dativo_dbt.contracts.asset import Asset
from dativo_dbt.contracts.fields import (
    MAX_INTEGER,
    CheckName,
    Dimension,
    Float,
    Identifier,
    Int,
    MaxAgeHours,
    Number,
    PositiveNumber,
    SeverityInput,
    Strict,
    ViolationAction,
)

# --------------------------------------------------------------------------------------------
# Checks


class CheckBase(Strict):
    """Keys every check accepts (seed 004: dimension, severity; ours: enabled, weight)."""

    name: CheckName = Field(description="The check's name, unique per contract.")
    description: StrictStr | None = None
    dimension: Dimension | None = Field(
        None, description="Quality dimension; default by check type (see checks/mapping.py)."
    )
    severity: SeverityInput = Field("warning", description="critical (≡ error), warning or info.")
    enabled: StrictBool = True
    weight: PositiveNumber | None = Field(
        None, description="Explicit scoring weight, instead of the severity's weight."
    )
    execution: Literal["per-check"] | None = Field(
        None,
        description="`per-check`: this check keeps its own dbt test in batched execution "
        "(own node, own query, its error does not error the batch).",
    )


class _ColumnCheck(CheckBase):
    column: Identifier


class _BoundsCheck(CheckBase):
    min: Number | None = None
    max: Number | None = None

    @model_validator(mode="after")
    def _one_bound(self) -> _BoundsCheck:
        if self.min is None and self.max is None:
            raise ValueError("needs at least one of `min` and `max`")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"`min` ({self.min}) is greater than `max` ({self.max})")
        return self


class SodaRegexCheck(_ColumnCheck):
    """Values of `column` (non-null) must match `pattern` (Soda `invalid_count(col) = 0` + regex)."""

    type: Literal["regex"]
    pattern: StrictStr = Field(min_length=1)


class SodaUniquenessCheck(CheckBase):
    """`duplicate_count(columns) = 0`: one column, or a combination of columns."""

    type: Literal["uniqueness", "duplicate_count"]
    column: Identifier | None = None
    columns: list[Identifier] | None = Field(None, min_length=1)

    @model_validator(mode="after")
    def _columns(self) -> SodaUniquenessCheck:
        if (self.column is None) == (self.columns is None):
            raise ValueError("needs exactly one of `column` and `columns`")
        return self

    @property
    def column_list(self) -> list[str]:
        return [self.column] if self.column else list(self.columns or [])


class SodaRangeCheck(_ColumnCheck, _BoundsCheck):
    """Every value of `column` within [min, max] (Soda `min(col) >= min`, `max(col) <= max`)."""

    type: Literal["range"]


class SodaFreshnessCheck(_ColumnCheck):
    """The newest `column` value is at most `max_age_hours` old (against dativo_dbt.now())."""

    type: Literal["freshness"]
    max_age_hours: MaxAgeHours


class SodaNotNullCheck(_ColumnCheck):
    """`missing_count(col) = 0`."""

    type: Literal["not_null", "missing"]


class SodaAcceptedValuesCheck(_ColumnCheck):
    """Non-null values of `column` must be in `values` (Soda `invalid_count` with valid values)."""

    type: Literal["accepted_values", "invalid"]
    values: list[StrictStr | Int | Float] = Field(min_length=1, max_length=10_000)


class SodaRowCountCheck(_BoundsCheck):
    """`row_count between min and max`."""

    type: Literal["row_count"]


class SodaAggregateCheck(_ColumnCheck, _BoundsCheck):
    """`min(col)`, `max(col)`, `avg(col)`, `sum(col)` or `stddev(col)` between min and max."""

    type: Literal["min", "max", "avg", "sum", "stddev"]


SodaCheck = Annotated[
    SodaRegexCheck
    | SodaUniquenessCheck
    | SodaRangeCheck
    | SodaFreshnessCheck
    | SodaNotNullCheck
    | SodaAcceptedValuesCheck
    | SodaRowCountCheck
    | SodaAggregateCheck,
    Field(discriminator="type"),
]


class GreatExpectationsCheck(CheckBase):
    """A GE-style expectation: `name` is the expectation (a dbt-expectations test name), the other
    keys are its kwargs (`column`, `value_set`, `regex`, `min_value`, ...), validated against the
    expectation's arguments in checks/expectations.py. With `expectation:` set, `name` is free."""

    model_config = ConfigDict(extra="allow", strict=True)

    expectation: StrictStr | None = Field(
        None, description="The expectation, when `name` is a label of your own."
    )
    column: Identifier | None = None

    @property
    def expectation_type(self) -> str:
        return self.expectation or self.name

    @property
    def kwargs(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class CustomCheck(CheckBase):
    """A generic test of the user's dbt project (`test:`), never a Python import path."""

    test: Annotated[
        StrictStr, Field(pattern=r"^([A-Za-z_][A-Za-z0-9_]*\.)?[A-Za-z_][A-Za-z0-9_]*$")
    ]
    column: Identifier | None = None
    arguments: dict[Identifier, Any] = Field(default_factory=dict)
    function: StrictStr | None = Field(
        None, description="Seed 000's Python function: not supported, kept for documentation."
    )

    @model_validator(mode="before")
    @classmethod
    def _function_needs_test(cls, data: Any) -> Any:
        if isinstance(data, dict) and "test" not in data and "function" in data:
            raise ValueError(
                "`function:` (a Python import) is not supported; name a generic test macro of "
                "your dbt project with `test:` (e.g. `test: balance_within_training_range`)"
            )
        return data


class SodaSection(Strict):
    engine: Literal["soda_core", "soda_cloud"] | None = None
    checks: list[SodaCheck] = Field(default_factory=list)


class GreatExpectationsSection(Strict):
    expectation_suite: StrictStr | None = None
    checks: list[GreatExpectationsCheck] = Field(default_factory=list)


class QualityChecks(Strict):
    soda: SodaSection | None = None
    great_expectations: GreatExpectationsSection | None = None
    custom: list[CustomCheck] = Field(default_factory=list)


# --------------------------------------------------------------------------------------------
# SLA, schema contract, violation handling


class _SlaCheck(Strict):
    column: Identifier | None = Field(
        None, description="Timestamp column (default: the freshness check's or the asset's)."
    )
    dimension: Dimension | None = None
    severity: SeverityInput = "warning"
    enabled: StrictBool = True
    weight: PositiveNumber | None = None


class SlaFreshness(_SlaCheck):
    max_age_hours: MaxAgeHours


class SlaCompleteness(_SlaCheck):
    min_records_per_day: Annotated[StrictInt, Field(ge=0, le=MAX_INTEGER)]
    lookback_days: Annotated[StrictInt, Field(ge=1, le=366)] | None = Field(
        None, description="Complete days before now that are counted (default 7)."
    )


class SlaAvailability(Strict):
    uptime_percentage: Annotated[StrictInt | StrictFloat, Field(ge=0, le=100)]


class Sla(Strict):
    freshness: SlaFreshness | None = None
    completeness: SlaCompleteness | None = None
    availability: SlaAvailability | None = None


class SchemaContract(Strict):
    strict_mode: StrictBool = False
    allow_nullable_expansion: StrictBool = True
    allow_type_changes: StrictBool = True


class Notification(Strict):
    channels: list[StrictStr] = Field(default_factory=list)
    recipients: list[StrictStr] = Field(default_factory=list)


class Quarantine(Strict):
    enabled: StrictBool = False
    s3_bucket: StrictStr | None = None
    s3_prefix: StrictStr | None = None
    retention_days: Annotated[StrictInt, Field(gt=0, le=36_500)] | None = None


class ViolationHandling(Strict):
    on_schema_violation: ViolationAction = "block"
    on_quality_violation: ViolationAction = "warn"
    on_sla_violation: ViolationAction = "warn"
    notification: Notification | None = None
    quarantine: Quarantine | None = None


# --------------------------------------------------------------------------------------------
# The contract

SourceName = Annotated[
    StrictStr, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$")
]


# A database or schema name: a plain name (an identifier, or a BigQuery-style project id with
# dashes), optionally after exactly `{{ target.schema }}` / `{{ target.database }}` (the target's
# own location, read-only); no other Jinja (dbt would evaluate it).
LOCATION_RE = r"^(\{\{ ?target\.(schema|database) ?\}\}[A-Za-z0-9_$-]*|[A-Za-z_][A-Za-z0-9_$-]*)$"
LocationName = Annotated[StrictStr, Field(pattern=LOCATION_RE, max_length=128)]


class SourceRef(Strict):
    """A dbt source table. The generated properties file defines it (dbt allows one definition),
    so its location lives here. Every field is a plain name (no Jinja: contracts are data); a
    location that depends on the target belongs in the dbt project (an existing sources file)."""

    name: Identifier
    table: Identifier
    schema_: LocationName | None = Field(None, alias="schema")
    database: LocationName | None = None
    identifier: Identifier | None = None
    loaded_at_field: Identifier | None = Field(None, description="Default: sla.freshness.column.")


class DataContract(Strict):
    name: Identifier
    version: StrictStr = Field(description='Quote it: `version: "1.0"`.')
    owner: StrictStr | None = None
    status: Literal["active", "deprecated", "sunset"] = "active"
    description: StrictStr | None = None
    model: Identifier | None = Field(
        None, description="The dbt model it governs (default: the contract's name)."
    )
    source: SourceName | SourceRef | None = Field(
        None,
        description="Or the dbt source table it governs: `source_name.table_name`, or an object "
        "with its location (the generated file then defines the source table).",
    )
    asset_ref: StrictStr | None = None
    tier: Literal["bronze", "silver", "gold"] | None = None
    execution: Literal["batched", "per-check"] | None = Field(
        None,
        description="How this contract's checks run: `batched` (one query per model) or "
        "`per-check` (one dbt test each). Default: `generate --execution`, else "
        "vars.dativo_dbt_execution of dbt_project.yml, else per-check.",
    )
    sla: Sla | None = None
    schema_contract: SchemaContract | None = None
    quality_checks: QualityChecks = Field(default_factory=QualityChecks)
    violation_handling: ViolationHandling = Field(default_factory=ViolationHandling)
    tags: list[StrictStr] = Field(default_factory=list)
    classification: StrictStr | None = None
    documentation_url: StrictStr | None = None

    @model_validator(mode="after")
    def _model_or_source(self) -> DataContract:
        if self.model and self.source:
            raise ValueError("set one of `model` and `source`, not both")
        return self

    @property
    def source_ref(self) -> SourceRef | None:
        if isinstance(self.source, str):
            name, table = self.source.split(".", 1)
            return SourceRef(name=name, table=table)
        return self.source

    @property
    def node_name(self) -> str:
        """The model name, or the source table name."""
        ref = self.source_ref
        if ref is not None:
            return ref.table
        return self.model or self.name


class ContractFile(Strict):
    """One YAML file: a `data_contract:`, an `asset:`, or both."""

    data_contract: DataContract | None = None
    asset: Asset | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> ContractFile:
        if self.data_contract is None and self.asset is None:
            raise ValueError("expected a top-level `data_contract:` or `asset:` key")
        return self
