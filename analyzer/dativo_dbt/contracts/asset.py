"""Pydantic v2 models of an asset definition (`asset:`): its columns, inline checks, governance."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictBool, StrictInt, StrictStr, field_validator, model_validator

from dativo_dbt.contracts.fields import (
    CheckName,
    Dimension,
    Identifier,
    Number,
    PositiveNumber,
    SeverityInput,
    Strict,
)
from dativo_dbt.contracts.types import check_asset_type


class AssetColumn(Strict):
    name: Identifier
    type: StrictStr = Field(
        description="string, integer, long, double, float, decimal(p,s), boolean, date, timestamp, …"
    )
    required: StrictBool = False
    classification: StrictStr | None = None
    description: StrictStr | None = None

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        check_asset_type(value)
        return value


class InlineCheckBase(Strict):
    name: CheckName | None = Field(None, description="Default: inline_<type>_<column(s)>.")
    dimension: Dimension | None = None
    severity: SeverityInput = "warning"
    enabled: StrictBool = True
    weight: PositiveNumber | None = None


class InlineNullCheck(InlineCheckBase):
    type: Literal["null_check"]
    columns: list[Identifier] = Field(min_length=1)


class InlineUniqueCheck(InlineCheckBase):
    """Unique values of one column, or unique combinations of several."""

    type: Literal["unique_check"]
    columns: list[Identifier] = Field(min_length=1)


class InlineRangeCheck(InlineCheckBase):
    type: Literal["range_check"]
    column: Identifier
    min: Number | None = None
    max: Number | None = None

    @model_validator(mode="after")
    def _one_bound(self) -> InlineRangeCheck:
        if self.min is None and self.max is None:
            raise ValueError("needs at least one of `min` and `max`")
        return self


InlineCheck = Annotated[
    InlineNullCheck | InlineUniqueCheck | InlineRangeCheck, Field(discriminator="type")
]


class AssetContractRef(Strict):
    enabled: StrictBool = True
    contract_path: StrictStr | None = None
    enforcement_mode: Literal["strict", "warn", "disabled"] = "strict"
    inline_checks: list[InlineCheck] = Field(default_factory=list)


class Governance(Strict):
    owner: StrictStr | None = None
    tags: list[StrictStr] = Field(default_factory=list)
    classification: list[StrictStr] | StrictStr | None = None
    retention_days: Annotated[StrictInt, Field(gt=0, le=36_500)] | None = None


class AssetTarget(Strict):
    file_format: StrictStr | None = None
    partitioning: list[StrictStr] = Field(default_factory=list)
    mode: StrictStr | None = None


class Asset(Strict):
    name: Identifier
    source_type: StrictStr | None = None
    object: StrictStr | None = None
    version: StrictStr | None = None
    description: StrictStr | None = None
    schema_: list[AssetColumn] = Field(default_factory=list, alias="schema")
    data_contract: AssetContractRef | None = None
    governance: Governance | None = None
    target: AssetTarget | None = None

    def column(self, name: str) -> AssetColumn | None:
        lowered = name.lower()
        return next((c for c in self.schema_ if c.name.lower() == lowered), None)
