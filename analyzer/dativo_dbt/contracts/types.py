"""Asset column types (seed 000: `type: string`, ...) and the warehouse type a dbt model contract
declares for each, per adapter. The default names are accepted with the same meaning by DuckDB and
PostgreSQL; Spark (and Databricks) spell two of them differently (`string`, `double`). Where the
adapters differ, the generated `data_type` is a Jinja expression on `target.type`, which dbt renders
when it parses the properties file, so one committed file works on every adapter."""

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
# adapter type (dbt's target.type) -> {default SQL type -> that adapter's spelling}
ADAPTER_TYPES: dict[str, dict[str, str]] = {
    "spark": {"text": "string", "double precision": "double"},
    "databricks": {"text": "string", "double precision": "double"},
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


def warehouse_type(value: str, adapter: str | None = None) -> str:
    """The SQL type for an asset column type on `adapter` (dbt's target.type; None = the default
    spelling of DuckDB and PostgreSQL): `decimal(10,2)` -> `numeric(10,2)`, `string` -> `text`
    (`string` on Spark)."""
    decimal = _DECIMAL_RE.match(value)
    if decimal:
        precision, scale = decimal.group(1), decimal.group(2) or "0"
        return f"numeric({precision},{scale})"
    default = ASSET_TYPES[value.lower()]
    return ADAPTER_TYPES.get(adapter or "", {}).get(default, default)


def contract_data_type(value: str) -> str:
    """The `data_type` written into a model's properties: the type itself when every adapter in
    ADAPTER_TYPES spells it the same, else a Jinja expression choosing the spelling by target.type
    (`{{ 'string' if target.type in ('databricks', 'spark') else 'text' }}`)."""
    default = warehouse_type(value)
    spellings: dict[str, list[str]] = {}
    for adapter in sorted(ADAPTER_TYPES):
        spelled = warehouse_type(value, adapter)
        if spelled != default:
            spellings.setdefault(spelled, []).append(adapter)
    if not spellings:
        return default
    branches = [
        f"'{spelled}' if target.type in ({', '.join(repr(a) for a in adapters)}) else "
        for spelled, adapters in sorted(spellings.items())
    ]
    return "{{ " + "".join(branches) + f"'{default}'" + " }}"


def is_timestamp_type(value: str) -> bool:
    return value.lower() in TIMESTAMP_TYPES
