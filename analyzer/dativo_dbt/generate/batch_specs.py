"""Which generated tests a batch can run, and as what: per-check test -> batch check spec.

A spec is the `kind` of check and its arguments, which `batch_sql` turns into the predicate the
per-check test writes. Tests not listed in `BATCHABLE` (multi-row, distributional, cross-table),
tests with `where`/`limit`/`fail_calc`/`warn_if`/`error_if` configs, values only dbt can render and
checks whose contract says `execution: per-check` keep their own test. A contract's custom generic
test runs inside the batch, as its own subquery, when `custom_tests.foldable` finds its definition
free of `config()`/`ref()`/`source()`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from dativo_dbt.artifacts.interface import TestMeta
from dativo_dbt.generate.batch_sql import Unbatchable, render_batch, render_failing_rows

# Test configs a batched check may carry (anything else changes how dbt counts failures).
_BATCHABLE_CONFIG = {"severity", "tags", "meta", "store_failures", "schema", "enabled"}
_META_FIELDS = frozenset(TestMeta.__struct_fields__)

Spec = dict[str, Any]
_Converter = Callable[[str | None, Mapping[str, Any]], Spec | None]


def _only(args: Mapping[str, Any], allowed: Iterable[str]) -> bool:
    return set(args) <= set(allowed)


def _row_condition(args: Mapping[str, Any], spec: Spec) -> Spec:
    if args.get("row_condition"):
        spec["row_condition"] = args["row_condition"]
    return spec


def _not_null(column: str | None, args: Mapping[str, Any]) -> Spec | None:
    if column is None or not _only(args, {"row_condition"}):
        return None
    return _row_condition(args, {"kind": "not_null", "column": column})


def _regex(kind: str) -> _Converter:
    def convert(column: str | None, args: Mapping[str, Any]) -> Spec | None:
        if (
            column is None
            or "regex" not in args
            or not _only(args, {"regex", "row_condition", "is_raw", "flags"})
        ):
            return None
        spec = {"kind": kind, "column": column, "regex": args["regex"]}
        if args.get("is_raw"):
            spec["is_raw"] = True
        if args.get("flags"):
            spec["flags"] = args["flags"]
        return _row_condition(args, spec)

    return convert


def _between(column: str | None, args: Mapping[str, Any]) -> Spec | None:
    allowed = {"min_value", "max_value", "strictly", "row_condition"}
    if column is None or not _only(args, allowed) or not _has_bound(args):
        return None
    return _row_condition(args, {"kind": "between", "column": column, **_bounds(args)})


def _set(kind: str) -> _Converter:
    def convert(column: str | None, args: Mapping[str, Any]) -> Spec | None:
        if column is None or not isinstance(args.get("value_set"), list):
            return None
        if not _only(args, {"value_set", "quote_values", "row_condition"}):
            return None
        spec: Spec = {"kind": kind, "column": column, "value_set": list(args["value_set"])}
        if args.get("quote_values", True) is False:
            spec["quote_values"] = False
        return _row_condition(args, spec)

    return convert


def _accepted_values(column: str | None, args: Mapping[str, Any]) -> Spec | None:
    values = args.get("values")
    if column is None or not isinstance(values, list) or not _only(args, {"values", "quote"}):
        return None
    if args.get("quote", True) is not True:
        return None
    return {"kind": "accepted_values", "column": column, "value_set": list(values)}


def _unique_column(column: str | None, args: Mapping[str, Any]) -> Spec | None:
    if column is None or not _only(args, {"row_condition"}):
        return None
    return _row_condition(args, {"kind": "unique", "columns": [column]})


def _dbt_unique(column: str | None, args: Mapping[str, Any]) -> Spec | None:
    if column is None or args:
        return None
    return {"kind": "unique", "columns": [column]}


def _dbt_not_null(column: str | None, args: Mapping[str, Any]) -> Spec | None:
    if column is None or args:
        return None
    return {"kind": "not_null", "column": column}


def _compound_unique(column: str | None, args: Mapping[str, Any]) -> Spec | None:
    cols = args.get("column_list")
    if column is not None or not isinstance(cols, list) or not cols:
        return None
    if not _only(
        args, {"column_list", "ignore_row_if", "row_condition", "quote_columns"}
    ) or args.get("quote_columns"):
        return None
    spec: Spec = {"kind": "unique", "columns": list(cols)}
    if args.get("ignore_row_if"):
        spec["ignore_row_if"] = args["ignore_row_if"]
    return _row_condition(args, spec)


def _aggregate(agg: str, *, table: bool = False) -> _Converter:
    def convert(column: str | None, args: Mapping[str, Any]) -> Spec | None:
        if (column is None) != table or args.get("group_by"):
            return None
        if not _only(
            args, {"min_value", "max_value", "strictly", "row_condition", "group_by"}
        ) or not _has_bound(args):
            return None
        spec: Spec = {"kind": "aggregate", "agg": agg, **_bounds(args)}
        if column is not None:
            spec["column"] = column
        return _row_condition(args, spec)

    return convert


def _row_count_equal(column: str | None, args: Mapping[str, Any]) -> Spec | None:
    if (
        column is not None
        or args.get("group_by")
        or not _only(args, {"value", "row_condition", "group_by"})
    ):
        return None
    value = args.get("value")
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return _row_condition(
        args, {"kind": "aggregate", "agg": "count", "min_value": value, "max_value": value}
    )


def _recent(column: str | None, args: Mapping[str, Any]) -> Spec | None:
    if column is None or not _only(args, {"datepart", "interval", "row_condition"}):
        return None
    if (
        not isinstance(args.get("datepart"), str)
        or isinstance(args.get("interval"), bool)
        or not isinstance(args.get("interval"), int)
    ):
        return None
    return _row_condition(
        args,
        {
            "kind": "recent",
            "column": column,
            "datepart": args["datepart"],
            "interval": args["interval"],
        },
    )


def _dativo_recent(column: str | None, args: Mapping[str, Any]) -> Spec | None:
    if column is None or not _only(args, {"datepart", "interval"}):
        return None
    datepart, interval = args.get("datepart", "hour"), args.get("interval", 24)
    if (
        not isinstance(datepart, str)
        or isinstance(interval, bool)
        or not isinstance(interval, int | float)
    ):
        return None
    return {"kind": "dativo_recent", "column": column, "datepart": datepart, "interval": interval}


def _min_records_per_day(column: str | None, args: Mapping[str, Any]) -> Spec | None:
    if column is None or not _only(args, {"min_records", "lookback_days"}):
        return None
    values = [args.get("min_records"), args.get("lookback_days", 7)]
    if any(isinstance(v, bool) or not isinstance(v, int | float) for v in values):
        return None
    return {
        "kind": "min_records_per_day",
        "column": column,
        "min_records": values[0],
        "lookback_days": values[1],
    }


_DBT_FUNCTION = re.compile(r"^\s*(env_var|ref|var|source|doc)\s*\(.+\)\s*$")


def _custom(test: str) -> _Converter:
    """A custom generic test of the project, counted as its own subquery of the batch: dbt's
    count(*) of the rows it returns, exactly its per-check failure count."""

    def convert(column: str | None, args: Mapping[str, Any]) -> Spec | None:
        if "column_name" in args or "model" in args:
            return None
        # dbt renders `ref(...)`-like strings as calls: only dbt can pass those
        if any(isinstance(v, str) and _DBT_FUNCTION.match(v) for v in args.values()):
            return None
        package, _, macro = test.rpartition(".")
        spec: Spec = {
            "kind": "custom",
            "macro": (package + "." if package else "") + "test_" + macro,
            "arguments": dict(args),
        }
        if column is not None:
            spec["column"] = column
        return spec

    return convert


def _has_bound(args: Mapping[str, Any]) -> bool:
    return args.get("min_value") is not None or args.get("max_value") is not None


def _bounds(args: Mapping[str, Any]) -> Spec:
    out: Spec = {}
    for key in ("min_value", "max_value"):
        if args.get(key) is not None:
            out[key] = args[key]
    if args.get("strictly"):
        out["strictly"] = True
    return out


DE = "dbt_expectations."
# The one table of batchable tests (the test name as written in the properties file).
BATCHABLE: dict[str, _Converter] = {
    "not_null": _dbt_not_null,
    "unique": _dbt_unique,
    "accepted_values": _accepted_values,
    DE + "expect_column_values_to_not_be_null": _not_null,
    DE + "expect_column_values_to_match_regex": _regex("regex"),
    DE + "expect_column_values_to_not_match_regex": _regex("not_regex"),
    DE + "expect_column_values_to_be_between": _between,
    DE + "expect_column_values_to_be_in_set": _set("in_set"),
    DE + "expect_column_values_to_not_be_in_set": _set("not_in_set"),
    DE + "expect_column_values_to_be_unique": _unique_column,
    DE + "expect_compound_columns_to_be_unique": _compound_unique,
    DE + "expect_table_row_count_to_be_between": _aggregate("count", table=True),
    DE + "expect_table_row_count_to_equal": _row_count_equal,
    DE + "expect_column_min_to_be_between": _aggregate("min"),
    DE + "expect_column_max_to_be_between": _aggregate("max"),
    DE + "expect_column_mean_to_be_between": _aggregate("avg"),
    DE + "expect_column_sum_to_be_between": _aggregate("sum"),
    DE + "expect_column_stdev_to_be_between": _aggregate("stddev"),
    DE + "expect_row_values_to_have_recent_data": _recent,
    "dativo_dbt.recent_data": _dativo_recent,
    "dativo_dbt.min_records_per_day": _min_records_per_day,
}


@dataclass
class BatchCheck:
    """One generated test, as a check of a batch."""

    test: str  # the generic test as written (`unique`, `dbt_expectations.expect_...`)
    column: str | None  # the column the per-check test is attached to
    test_name: str  # the per-check test's node name
    severity: str  # dbt severity: error | warn
    spec: Spec
    meta: TestMeta  # the per-check test's meta.dativo
    tags: list[str]
    schema: str | None = None  # the quarantine schema config of a check with store_failures


def to_check(
    test: str,
    column: str | None,
    body: Mapping[str, Any],
    *,
    custom_tests: Collection[str] = (),
) -> BatchCheck | None:
    """The batched form of one generated test, or None when it must keep its own query.
    `custom_tests`: the custom generic tests that may run inside a batch (see custom_tests.py)."""
    config = dict(body.get("config") or {})
    meta = (config.get("meta") or {}).get("dativo")
    name = body.get("name")
    if not isinstance(meta, Mapping) or not meta.get("check") or not name:
        return None
    convert = BATCHABLE.get(test)
    if convert is None and test in custom_tests and meta.get("check_type") == "custom":
        convert = _custom(test)
    if convert is None:
        return None
    if not set(config) <= _BATCHABLE_CONFIG or config.get("enabled", True) is not True:
        return None
    if set(body) - {"name", "arguments", "config", "description"}:
        return None  # old-style top-level arguments: leave as written
    spec = convert(column, dict(body.get("arguments") or {}))
    if spec is None:
        return None
    severity = str(config.get("severity", "error")).lower()
    # keyed by the test name (unique in the project; check names are unique per contract only)
    spec = {"name": str(name), **spec}
    if config.get("store_failures"):
        spec["sample"] = str(name)
    schema = config.get("schema")
    return BatchCheck(
        test,
        column,
        str(name),
        severity,
        spec,
        _test_meta(meta),
        list(config.get("tags") or []),
        str(schema) if schema else None,
    )


def _test_meta(raw: Mapping[str, Any]) -> TestMeta:
    """A generated test's meta.dativo as TestMeta, its values as written (not converted)."""
    return TestMeta(**{k: v for k, v in raw.items() if k in _META_FIELDS})


def batchable(check: BatchCheck, relation: str) -> bool:
    """Whether a batch runs this check: its contract did not opt it out (`execution: per-check`)
    and the batch can write its SQL."""
    if check.meta.execution == "per-check":
        return False
    try:
        render_batch([check.spec], relation)
        if "sample" in check.spec:
            render_failing_rows(check.spec, relation)
    except Unbatchable:
        return False
    return True
