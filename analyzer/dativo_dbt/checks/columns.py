"""Every column a contract or its asset names must exist: in the asset schema, and in the dbt
node (`checks.dbt_columns`) when the project has artifacts (DATIVO-DQ105)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dativo_dbt.checks.custom_tests import argument_columns
from dativo_dbt.contracts.asset import InlineRangeCheck
from dativo_dbt.contracts.contract import Contract, check_ids
from dativo_dbt.contracts.models import SodaUniquenessCheck
from dativo_dbt.core.errors import DativoError
from dativo_dbt.core.vocabulary import closest
from dativo_dbt.core.yaml_lines import dotted

COLUMN_CODE = "DATIVO-DQ105"

#: GE kwargs that name one column (`sum_total`: a number, or a column of the model) / a list
_GE_COLUMN_KEYS = (
    "column_A",
    "column_B",
    "sort_column",
    "timestamp_column",
    "date_column_name",
    "date_col",
    "sum_total",
)
_GE_COLUMN_LISTS = ("column_list", "group_by")

#: (column, field path, line, file)
ColumnRef = tuple[str, str, int | None, str | None]


def referenced_columns(item: Contract) -> list[ColumnRef]:
    """(column, field path, line, file) for every column a contract or its asset names."""
    out: list[ColumnRef] = [
        (col, "data_contract." + dotted(path), item.line(*path), item.display)
        for path, col in _contract_columns(item)
        if col
    ]
    if item.asset and item.asset.data_contract:
        for i, ic in enumerate(item.asset.data_contract.inline_checks):
            cols = [ic.column] if isinstance(ic, InlineRangeCheck) else list(ic.columns)
            for j, col in enumerate(cols):
                p: tuple[Any, ...] = ("data_contract", "inline_checks", i)
                p = (*p, "column") if isinstance(ic, InlineRangeCheck) else (*p, "columns", j)
                out.append((col, "asset." + dotted(p), item.asset_line(*p), item.asset_display))
    return out


def _contract_columns(item: Contract) -> Iterator[tuple[tuple[Any, ...], str | None]]:
    """(path in the contract, column or None) for the checks' and the SLA blocks' columns."""
    for _cid, origin, check, path in check_ids(item):
        yield from _check_columns(origin, check, path)
    sla = item.contract.sla
    if sla:
        if sla.freshness and sla.freshness.column:
            yield ("sla", "freshness", "column"), sla.freshness.column
        if sla.completeness and sla.completeness.column:
            yield ("sla", "completeness", "column"), sla.completeness.column


def _check_columns(
    origin: str, check: Any, path: tuple[Any, ...]
) -> Iterator[tuple[tuple[Any, ...], str | None]]:
    """The columns one check names."""
    yield (*path, "column"), getattr(check, "column", None)
    if origin == "custom":
        for col, below in argument_columns(check.arguments):
            yield (*path, "arguments", *below), col
    if isinstance(check, SodaUniquenessCheck) and check.columns:
        for j, col in enumerate(check.columns):
            yield (*path, "columns", j), col
    if origin == "great_expectations":
        yield from _kwargs_columns(check.kwargs, path)


def _kwargs_columns(
    kwargs: dict[str, Any], path: tuple[Any, ...]
) -> Iterator[tuple[tuple[Any, ...], str | None]]:
    """The columns a GE-style check's kwargs name."""
    for key, value in kwargs.items():
        if key in _GE_COLUMN_KEYS and isinstance(value, str):
            yield (*path, key), value
        if key in _GE_COLUMN_LISTS and isinstance(value, list):
            for j, col in enumerate(value):
                if isinstance(col, str):
                    yield (*path, key, j), col


def asset_column_errors(item: Contract) -> list[DativoError]:
    """Columns a contract names that its asset schema lacks (DATIVO-DQ105)."""
    asset = item.asset
    if asset is None or not asset.schema_:
        return []
    names = [c.name for c in asset.schema_]
    errors = []
    for col, field_path, line, display in referenced_columns(item):
        if asset.column(col) is None:
            errors.append(
                DativoError(
                    f"{field_path}: column {col!r} is not in the asset schema of {asset.name!r}"
                    f"{closest(col, names)}; expected one of: {', '.join(names)}",
                    path=display,
                    line=line,
                    code=COLUMN_CODE,
                )
            )
    return errors
