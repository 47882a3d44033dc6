"""An asset's inline checks (`asset.data_contract.inline_checks`) -> generated tests (origin
`inline`)."""

from __future__ import annotations

from typing import Any

from dativo_dbt.checks import literals
from dativo_dbt.checks.arguments import DE, Mapped
from dativo_dbt.checks.mapping import COMPOUND_UNIQUE, check_dimension
from dativo_dbt.checks.spec import TestSpec
from dativo_dbt.contracts.asset import (
    InlineCheck,
    InlineNullCheck,
    InlineRangeCheck,
    InlineUniqueCheck,
)
from dativo_dbt.contracts.contract import Contract
from dativo_dbt.contracts.fields import normalize_severity

# (check id, the dbt test, the column the check is about)
_Planned = tuple[str, Mapped, str | None]


def inline_tests(item: Contract) -> list[TestSpec]:
    """The enabled inline checks of a contract's asset; none when its link is disabled."""
    asset = item.asset
    if asset is None or asset.data_contract is None:
        return []
    link = asset.data_contract
    if not link.enabled or link.enforcement_mode == "disabled":
        return []
    action = (
        "warn"
        if link.enforcement_mode == "warn"
        else item.contract.violation_handling.on_quality_violation
    )
    out: list[TestSpec] = []
    for ic in link.inline_checks:
        if not ic.enabled:
            continue
        severity = normalize_severity(ic.severity)
        dimension = ic.dimension or check_dimension("inline", ic.type)
        for cid, mapped, about in _planned(ic):
            out.append(
                TestSpec(
                    cid, ic.type, "inline", mapped, dimension, severity, ic.weight, action, about
                )
            )
    return out


def _planned(ic: InlineCheck) -> list[_Planned]:
    base = ic.name or f"inline_{ic.type}"
    if isinstance(ic, InlineNullCheck):
        return _not_null(ic, base)
    if isinstance(ic, InlineUniqueCheck):
        return _unique(ic, base)
    return _range(ic, base)


def _not_null(ic: InlineNullCheck, base: str) -> list[_Planned]:
    """One not-null test per column (`<name>_<column>` when one check names several)."""
    out: list[_Planned] = []
    for col in ic.columns:
        cid = f"{base}_{col}" if (ic.name is None or len(ic.columns) > 1) else base
        out.append((cid, Mapped(f"{DE}.expect_column_values_to_not_be_null", col, {}), col))
    return out


def _unique(ic: InlineUniqueCheck, base: str) -> list[_Planned]:
    """Unique values of one column, or unique combinations of several (a model-level test)."""
    cid = base if ic.name else f"{base}_{'_'.join(ic.columns)}"
    if len(ic.columns) == 1:
        col = ic.columns[0]
        return [(cid, Mapped(f"{DE}.expect_column_values_to_be_unique", col, {}), col)]
    return [(cid, Mapped(COMPOUND_UNIQUE, None, {"column_list": list(ic.columns)}), None)]


def _range(ic: InlineRangeCheck, base: str) -> list[_Planned]:
    cid = base if ic.name else f"{base}_{ic.column}"
    args: dict[str, Any] = {}
    if ic.min is not None:
        args["min_value"] = literals.number(ic.min)
    if ic.max is not None:
        args["max_value"] = literals.number(ic.max)
    mapped = Mapped(f"{DE}.expect_column_values_to_be_between", ic.column, args)
    return [(cid, mapped, ic.column)]
