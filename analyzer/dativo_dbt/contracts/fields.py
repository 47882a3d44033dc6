"""The value types contract models share (dimensions, severities, names, bounded numbers) and
their strict base model."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, StrictStr

Dimension = Literal[
    "completeness", "accuracy", "validity", "consistency", "timeliness", "uniqueness"
]
# `error` is accepted as a synonym of `critical` (seed 000 uses it); see `normalize_severity`.
SeverityInput = Literal["critical", "error", "warning", "info"]
Severity = Literal["critical", "warning", "info"]
ViolationAction = Literal["block", "warn", "quarantine"]

IDENTIFIER_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
Identifier = Annotated[StrictStr, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=128)]
# Integers a contract may write: exact in a double, within every warehouse's bigint.
MAX_INTEGER = 2**53 - 1
Int = Annotated[StrictInt, Field(ge=-MAX_INTEGER, le=MAX_INTEGER)]
Float = Annotated[StrictFloat, Field(allow_inf_nan=False)]
Number = Int | Float
PositiveNumber = Annotated[Int | Float, Field(gt=0)]
# at most 100 years: a larger age overflows date arithmetic in the warehouse
MaxAgeHours = Annotated[Int | Float, Field(gt=0, le=876_000)]
# A check's name: it becomes part of a dbt test name and file name (dbt_project paths stay valid).
CheckName = Annotated[
    StrictStr, Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_][A-Za-z0-9_ .,:()+-]*$")
]
# A bound of a GE-style/aggregate check: a number, or a time ("2 hours ago", "now", ISO date).
Bound = Int | Float | Annotated[StrictStr, Field(max_length=100)]


def normalize_severity(value: str) -> Severity:
    """`error` ≡ `critical` (seed 000); the rest pass through."""
    if value == "error":
        return "critical"
    if value in ("critical", "warning", "info"):
        return value  # type: ignore[return-value]
    raise ValueError(f"unknown severity {value!r}")


class Strict(BaseModel):
    """Base of every contract model: unknown keys refused, values strictly typed."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)
