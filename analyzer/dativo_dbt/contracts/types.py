"""Asset column types (seed 000: `type: string`, ...) and the warehouse type a dbt model contract
declares for each. The names chosen are accepted with the same meaning by DuckDB and PostgreSQL
(and by most warehouses), so a generated `data_type` works on either adapter."""

from __future__ import annotations

import difflib
import re

# asset type (lower case) -> SQL data_type for dbt's model contract
ASSET_TYPES: dict[str, str] = {
    "string": "text",
    "str": "text",
    "text": "text",
    "varchar": "text",
    "integer": "integer",
    "int": "integer",
    "int32": "integer",
    "long": "bigint",
    "bigint": "bigint",
    "int64": "bigint",
    "smallint": "smallint",
    "double": "double precision",
    "float64": "double precision",
    "float": "real",
    "float32": "real",
    "boolean": "boolean",
    "bool": "boolean",
    "date": "date",
    "timestamp": "timestamp",
    "datetime": "timestamp",
}
_DECIMAL_RE = re.compile(r"^(?:decimal|numeric)\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)$", re.IGNORECASE)
TIMESTAMP_TYPES = frozenset({"timestamp", "datetime", "date"})


def check_asset_type(value: str) -> None:
    """Raise ValueError (with the closest known type) when `value` is not a known asset type."""
    if value.lower() in ASSET_TYPES or _DECIMAL_RE.match(value):
        return
    close = difflib.get_close_matches(value.lower(), list(ASSET_TYPES), n=1)
    hint = f" (did you mean `{close[0]}`?)" if close else ""
    raise ValueError(
        f"unknown column type {value!r}{hint}; expected one of "
        + ", ".join(sorted(set(ASSET_TYPES)))
        + ", decimal(p,s)"
    )


def warehouse_type(value: str) -> str:
    """The portable SQL type for an asset column type (`decimal(10,2)` -> `numeric(10,2)`)."""
    decimal = _DECIMAL_RE.match(value)
    if decimal:
        precision, scale = decimal.group(1), decimal.group(2) or "0"
        return f"numeric({precision},{scale})"
    return ASSET_TYPES[value.lower()]


def is_timestamp_type(value: str) -> bool:
    return value.lower() in TIMESTAMP_TYPES
