"""THE mapping from contract checks to dbt tests (one table per kind of check, all in this module).

README `## Contracts` shows the same table. Every entry names the dbt test, the default quality
dimension (used when a check has no `dimension:`) and how the check's keys become the test's
`arguments:`; values go through `literals` so they reach SQL only as validated numbers and escaped
literals. A check this module cannot map raises `MappingError` (the caller adds file and line).

| contract check | dbt test | default dimension |
|---|---|---|
| soda `regex` (column, pattern) | dbt_expectations.expect_column_values_to_match_regex | validity |
| soda `uniqueness`/`duplicate_count` (column) | dbt_expectations.expect_column_values_to_be_unique | uniqueness |
| soda `uniqueness`/`duplicate_count` (columns) | dbt_expectations.expect_compound_columns_to_be_unique | uniqueness |
| soda `range` (column, min, max) | dbt_expectations.expect_column_values_to_be_between | accuracy |
| soda `freshness` (column, max_age_hours) | dativo_dbt.recent_data | timeliness |
| soda `not_null`/`missing` (column) | dbt_expectations.expect_column_values_to_not_be_null | completeness |
| soda `accepted_values`/`invalid` (column, values) | dbt_expectations.expect_column_values_to_be_in_set | validity |
| soda `row_count` (min, max) | dbt_expectations.expect_table_row_count_to_be_between | completeness |
| soda `min`/`max`/`avg`/`sum`/`stddev` (column, min, max) | dbt_expectations.expect_column_{min,max,mean,sum,stdev}_to_be_between | accuracy |
| great_expectations `<expectation>` (kwargs) | dbt_expectations.<expectation> (see EXPECTATIONS) | per expectation |
| custom (test, column, arguments) | <test> (a generic test of your project) | validity |
| asset inline `null_check` (columns) | dbt_expectations.expect_column_values_to_not_be_null, per column | completeness |
| asset inline `unique_check` (columns) | expect_column_values_to_be_unique / expect_compound_columns_to_be_unique | uniqueness |
| asset inline `range_check` (column, min, max) | dbt_expectations.expect_column_values_to_be_between | accuracy |
| sla.freshness (model) | dativo_dbt.recent_data on the timestamp column | timeliness |
| sla.freshness (source) | dbt source `freshness` + `loaded_at_field` | timeliness |
| sla.completeness.min_records_per_day | dativo_dbt.min_records_per_day on the timestamp column | completeness |
| schema_contract.strict_mode (model, block) | model `contract: {enforced: true}` + column `data_type`s | (not a test) |
| schema_contract.strict_mode (source; model warn/quarantine) | dativo_dbt.schema_columns_match | consistency |
| schema_contract.allow_type_changes: false (same) | dativo_dbt.schema_column_types | consistency |
| asset `required: true` column (with a schema_contract) | dbt_expectations.expect_column_values_to_not_be_null | consistency |
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dativo_dbt.core.vocabulary import closest, describe
from dativo_dbt.generate import literals

DE = "dbt_expectations"


class MappingError(ValueError):
    """A check that cannot become a dbt test; the message names the key and what is expected."""

    def __init__(self, message: str, *, key: str | None = None) -> None:
        self.key = key
        super().__init__(message)


@dataclass(frozen=True)
class Mapped:
    """One dbt test for a check: the test, the column it attaches to, its arguments."""

    test: str
    column: str | None
    arguments: dict[str, Any]


# --------------------------------------------------------------------------------------------
# Argument kinds: contract value -> test argument (safe)

IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
TYPE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_ ]*(\(\s*\d+\s*(,\s*\d+\s*)?\))?$")
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _identifier(value: Any) -> str:
    if not isinstance(value, str) or not IDENT.match(value):
        raise literals.LiteralError(
            f"expected a column name (letters, digits, _), got {describe(value)}"
        )
    return value


def _list(value: Any, item: Callable[[Any], Any], *, min_len: int = 1) -> list[Any]:
    if not isinstance(value, list):
        raise literals.LiteralError(f"expected a list, got {describe(value)}")
    if len(value) < min_len:
        raise literals.LiteralError(f"expected at least {min_len} item(s)")
    return [item(v) for v in value]


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise literals.LiteralError(f"expected true or false, got {describe(value)}")
    return value


def _choice(*choices: str) -> Callable[[Any], str]:
    def convert(value: Any) -> str:
        if value not in choices:
            raise literals.LiteralError(
                f"expected one of {', '.join(choices)}, got {describe(value)}"
            )
        return str(value)

    return convert


def _type_name(value: Any) -> str:
    if not isinstance(value, str) or not TYPE_NAME.match(value):
        raise literals.LiteralError(
            f"expected a type name like `varchar` or `decimal(10,2)`, got {describe(value)}"
        )
    return literals.jinja_escape(value)  # refuses `var(1)`-like names dbt would call


def _day(value: Any) -> str:
    if not isinstance(value, str) or not ISO_DAY.match(value):
        raise literals.LiteralError(f"expected a date like '2025-01-31', got {describe(value)}")
    return value


def _model_ref(value: Any) -> str:
    return "{{ ref('" + _identifier(value) + "') }}"


def _pair(value: Any) -> list[Any]:
    if not isinstance(value, list) or len(value) != 2:
        raise literals.LiteralError("expected pairs like [a, b]")
    return [literals.sql_value(v) for v in value]


def _flags(value: Any) -> str:
    if not isinstance(value, str) or not re.match(r"^[a-z]*$", value):
        raise literals.LiteralError(f"expected regex flags like 'i', got {describe(value)}")
    return value


KINDS: dict[str, Callable[[Any], Any]] = {
    "number": literals.number,
    "int": lambda v: literals.number(v, integer=True),
    "bound": literals.bound,
    "bool": _bool,
    "column": _identifier,
    "columns": lambda v: _list(v, _identifier),
    # a number, or a column (the published package sums it: an expression there, a name here)
    "number_or_column": lambda v: _identifier(v) if isinstance(v, str) else literals.number(v),
    "values": lambda v: _list(v, literals.sql_value),
    "regex": literals.regex,
    "regexes": lambda v: _list(v, literals.regex),
    "like": literals.in_quotes,
    "likes": lambda v: _list(v, literals.in_quotes),
    "datepart": _choice(*literals.DATEPARTS),
    "match_on": _choice("any", "all"),
    "ignore_row_if": _choice("all_values_are_missing", "any_value_is_missing"),
    "transform": _choice("upper", "lower"),
    "model": _model_ref,
    "type": _type_name,
    "types": lambda v: _list(v, _type_name),
    "day": _day,
    "pairs": lambda v: _list(v, _pair),
    "flags": _flags,
}


@dataclass(frozen=True)
class Expectation:
    """A dbt-expectations test a GE-style check maps to, by the same name."""

    scope: str  # "column" (attached to `column`) or "model"
    dimension: str
    params: Mapping[str, str]  # contract kwarg -> kind; the test argument has the same name
    required: tuple[str, ...] = ()
    one_of: tuple[str, ...] = ()  # at least one of these
    renamed: Mapping[str, str] = field(default_factory=dict)  # contract kwarg -> test argument


_BETWEEN = {"min_value": "bound", "max_value": "bound", "group_by": "columns", "strictly": "bool"}
_BETWEEN_NUM = {
    "min_value": "number",
    "max_value": "number",
    "group_by": "columns",
    "strictly": "bool",
}
_SET = {"value_set": "values"}
_REGEX = {"is_raw": "bool", "flags": "flags"}
_COLSET = {"column_list": "columns", "transform": "transform"}


def _e(
    scope: str, dimension: str, params: Mapping[str, str] | None = None, **kw: Any
) -> Expectation:
    return Expectation(scope, dimension, dict(params or {}), **kw)


# Every dbt-expectations test a contract can name (GE's expectation names are the same).
EXPECTATIONS: dict[str, Expectation] = {
    # table shape
    "expect_table_row_count_to_equal": _e("model", "completeness", {"value": "int", "group_by": "columns"}, required=("value",)),
    "expect_table_row_count_to_be_between": _e("model", "completeness", {"min_value": "int", "max_value": "int", "group_by": "columns", "strictly": "bool"}, one_of=("min_value", "max_value")),
    "expect_table_row_count_to_equal_other_table": _e("model", "consistency", {"compare_model": "model", "factor": "number", "group_by": "columns", "compare_group_by": "columns"}, required=("compare_model",)),
    "expect_table_row_count_to_equal_other_table_times_factor": _e("model", "consistency", {"compare_model": "model", "factor": "number", "group_by": "columns", "compare_group_by": "columns"}, required=("compare_model", "factor")),
    "expect_row_values_to_have_recent_data": _e("column", "timeliness", {"datepart": "datepart", "interval": "int"}, required=("datepart", "interval")),
    "expect_grouped_row_values_to_have_recent_data": _e("model", "timeliness", {"group_by": "columns", "timestamp_column": "column", "datepart": "datepart", "interval": "int"}, required=("timestamp_column", "datepart", "interval")),
    # schema
    "expect_column_to_exist": _e("column", "completeness", {"column_index": "int", "transform": "transform"}),
    "expect_table_column_count_to_equal": _e("model", "completeness", {"value": "int"}, required=("value",)),
    "expect_table_column_count_to_be_between": _e("model", "completeness", {"min_value": "int", "max_value": "int"}, one_of=("min_value", "max_value")),
    "expect_table_column_count_to_equal_other_table": _e("model", "consistency", {"compare_model": "model"}, required=("compare_model",)),
    "expect_table_columns_to_contain_set": _e("model", "completeness", _COLSET, required=("column_list",)),
    "expect_table_columns_to_not_contain_set": _e("model", "completeness", _COLSET, required=("column_list",)),
    "expect_table_columns_to_match_set": _e("model", "completeness", _COLSET, required=("column_list",)),
    "expect_table_columns_to_match_ordered_list": _e("model", "completeness", _COLSET, required=("column_list",)),
    "expect_column_values_to_be_of_type": _e("column", "validity", {"column_type": "type", "type_": "type"}, one_of=("column_type", "type_"), renamed={"type_": "column_type"}),
    "expect_column_values_to_be_in_type_list": _e("column", "validity", {"column_type_list": "types", "type_list": "types"}, one_of=("column_type_list", "type_list"), renamed={"type_list": "column_type_list"}),
    # missing values, uniqueness
    "expect_column_values_to_be_null": _e("column", "validity"),
    "expect_column_values_to_not_be_null": _e("column", "completeness"),
    "expect_column_values_to_be_unique": _e("column", "uniqueness"),
    "expect_column_values_to_have_consistent_casing": _e("column", "validity", {"display_inconsistent_columns": "bool"}),
    # sets and ranges
    "expect_column_values_to_be_in_set": _e("column", "validity", _SET, required=("value_set",)),
    "expect_column_values_to_not_be_in_set": _e("column", "validity", _SET, required=("value_set",)),
    "expect_column_values_to_be_between": _e("column", "accuracy", {"min_value": "bound", "max_value": "bound", "strictly": "bool"}, one_of=("min_value", "max_value")),
    "expect_column_values_to_be_increasing": _e("column", "accuracy", {"sort_column": "column", "strictly": "bool", "group_by": "columns", "step": "number"}),
    "expect_column_values_to_be_decreasing": _e("column", "accuracy", {"sort_column": "column", "strictly": "bool", "group_by": "columns", "step": "number"}),
    # strings
    "expect_column_value_lengths_to_be_between": _e("column", "validity", {"min_value": "int", "max_value": "int", "strictly": "bool"}, one_of=("min_value", "max_value")),
    "expect_column_value_lengths_to_equal": _e("column", "validity", {"value": "int"}, required=("value",)),
    "expect_column_values_to_match_like_pattern": _e("column", "validity", {"like_pattern": "like"}, required=("like_pattern",)),
    "expect_column_values_to_not_match_like_pattern": _e("column", "validity", {"like_pattern": "like"}, required=("like_pattern",)),
    "expect_column_values_to_match_like_pattern_list": _e("column", "validity", {"like_pattern_list": "likes", "match_on": "match_on"}, required=("like_pattern_list",)),
    "expect_column_values_to_not_match_like_pattern_list": _e("column", "validity", {"like_pattern_list": "likes", "match_on": "match_on"}, required=("like_pattern_list",)),
    "expect_column_values_to_match_regex": _e("column", "validity", {"regex": "regex", **_REGEX}, required=("regex",)),
    "expect_column_values_to_not_match_regex": _e("column", "validity", {"regex": "regex", **_REGEX}, required=("regex",)),
    "expect_column_values_to_match_regex_list": _e("column", "validity", {"regex_list": "regexes", "match_on": "match_on", **_REGEX}, required=("regex_list",)),
    "expect_column_values_to_not_match_regex_list": _e("column", "validity", {"regex_list": "regexes", "match_on": "match_on", **_REGEX}, required=("regex_list",)),
    # aggregates
    "expect_column_distinct_count_to_equal": _e("column", "accuracy", {"value": "int", "group_by": "columns"}, required=("value",)),
    "expect_column_distinct_count_to_be_greater_than": _e("column", "accuracy", {"value": "int", "group_by": "columns"}, required=("value",)),
    "expect_column_distinct_count_to_be_less_than": _e("column", "accuracy", {"value": "int", "group_by": "columns"}, required=("value",)),
    "expect_column_distinct_count_to_equal_other_table": _e("column", "consistency", {"compare_model": "model", "compare_column_name": "column"}, required=("compare_model", "compare_column_name")),
    "expect_column_distinct_values_to_be_in_set": _e("column", "validity", _SET, required=("value_set",)),
    "expect_column_distinct_values_to_contain_set": _e("column", "validity", _SET, required=("value_set",)),
    "expect_column_distinct_values_to_equal_set": _e("column", "validity", _SET, required=("value_set",)),
    "expect_column_min_to_be_between": _e("column", "accuracy", _BETWEEN, one_of=("min_value", "max_value")),
    "expect_column_max_to_be_between": _e("column", "accuracy", _BETWEEN, one_of=("min_value", "max_value")),
    "expect_column_mean_to_be_between": _e("column", "accuracy", _BETWEEN_NUM, one_of=("min_value", "max_value")),
    "expect_column_sum_to_be_between": _e("column", "accuracy", _BETWEEN_NUM, one_of=("min_value", "max_value")),
    "expect_column_stdev_to_be_between": _e("column", "accuracy", _BETWEEN_NUM, one_of=("min_value", "max_value")),
    "expect_column_median_to_be_between": _e("column", "accuracy", _BETWEEN_NUM, one_of=("min_value", "max_value")),
    "expect_column_quantile_values_to_be_between": _e("column", "accuracy", {"quantile": "number", **_BETWEEN_NUM}, required=("quantile",), one_of=("min_value", "max_value")),
    "expect_column_unique_value_count_to_be_between": _e("column", "accuracy", _BETWEEN_NUM, one_of=("min_value", "max_value")),
    "expect_column_proportion_of_unique_values_to_be_between": _e("column", "accuracy", _BETWEEN_NUM, one_of=("min_value", "max_value")),
    "expect_column_most_common_value_to_be_in_set": _e("column", "accuracy", {"value_set": "values", "top_n": "int"}, required=("value_set", "top_n")),
    # multi-column
    "expect_column_pair_values_A_to_be_greater_than_B": _e("model", "consistency", {"column_A": "column", "column_B": "column", "or_equal": "bool"}, required=("column_A", "column_B")),
    "expect_column_pair_values_to_be_equal": _e("model", "consistency", {"column_A": "column", "column_B": "column"}, required=("column_A", "column_B")),
    "expect_column_pair_values_to_be_in_set": _e("model", "consistency", {"column_A": "column", "column_B": "column", "value_pairs_set": "pairs"}, required=("column_A", "column_B", "value_pairs_set")),
    "expect_compound_columns_to_be_unique": _e("model", "uniqueness", {"column_list": "columns", "ignore_row_if": "ignore_row_if"}, required=("column_list",)),
    "expect_select_column_values_to_be_unique_within_record": _e("model", "uniqueness", {"column_list": "columns", "ignore_row_if": "ignore_row_if"}, required=("column_list",)),
    "expect_multicolumn_sum_to_equal": _e("model", "consistency", {"column_list": "columns", "sum_total": "number_or_column", "group_by": "columns"}, required=("column_list", "sum_total")),
    # distributional
    "expect_column_values_to_be_within_n_stdevs": _e("column", "accuracy", {"group_by": "columns", "sigma_threshold": "number"}),
    "expect_column_values_to_be_within_n_moving_stdevs": _e("column", "accuracy", {"date_column_name": "column", "group_by": "columns", "period": "datepart", "lookback_periods": "int", "trend_periods": "int", "test_periods": "int", "sigma_threshold": "number", "sigma_threshold_upper": "number", "sigma_threshold_lower": "number", "take_diffs": "bool", "take_logs": "bool"}, required=("date_column_name",)),
    "expect_row_values_to_have_data_for_every_n_datepart": _e("model", "timeliness", {"date_col": "column", "date_part": "datepart", "interval": "int", "test_start_date": "day", "test_end_date": "day"}, required=("date_col",)),
}  # fmt: skip

# dbt-expectations tests a contract cannot name, with the reason.
REFUSED: dict[str, str] = {
    "expect_table_aggregation_to_equal_other_table": (
        "its `expression` is raw SQL, which contracts do not carry; write a custom test"
    ),
}

# GE keys that do not exist in dbt-expectations, with what to do instead.
GE_UNSUPPORTED: dict[str, str] = {
    "mostly": "dbt tests pass or fail on all rows; drop `mostly` (or write a custom test)",
    "row_condition": "raw SQL is not accepted from contracts; write a custom test (`custom:` with `test:`)",
    "condition_parser": "raw SQL is not accepted from contracts; write a custom test",
    "result_format": "not used by dbt tests; remove it",
    "catch_exceptions": "not used by dbt tests; remove it",
    "include_config": "not used by dbt tests; remove it",
}


def map_expectation(expectation: str, column: str | None, kwargs: Mapping[str, Any]) -> Mapped:
    """A GE-style check -> the dbt-expectations test of the same name."""
    spec = EXPECTATIONS.get(expectation)
    if expectation in REFUSED:
        raise MappingError(f"{expectation} is not supported: {REFUSED[expectation]}", key="name")
    if spec is None:
        raise MappingError(
            f"unknown expectation {expectation!r}{closest(expectation, EXPECTATIONS)}",
            key="name",
        )
    args: dict[str, Any] = {}
    strict_min = strict_max = None
    for key, value in kwargs.items():
        if key in ("strict_min", "strict_max") and "strictly" in spec.params:
            if not isinstance(value, bool):
                raise MappingError(f"`{key}`: expected true or false", key=key)
            if key == "strict_min":
                strict_min = value
            else:
                strict_max = value
            continue
        if key not in spec.params:
            hint = GE_UNSUPPORTED.get(key)
            if hint:
                raise MappingError(f"`{key}` is not supported: {hint}", key=key)
            allowed = ["column"] if spec.scope == "column" else []
            allowed += list(spec.params)
            raise MappingError(
                f"unknown argument `{key}` for {expectation}{closest(key, allowed)}; "
                f"expected: {', '.join(allowed) or '(none)'}",
                key=key,
            )
        try:
            args[spec.renamed.get(key, key)] = KINDS[spec.params[key]](value)
        except literals.LiteralError as exc:
            raise MappingError(f"`{key}`: {exc}", key=key) from exc
    if strict_min is not None or strict_max is not None:
        if strict_min is not None and strict_max is not None and strict_min != strict_max:
            raise MappingError(
                "`strict_min` and `strict_max` differ; dbt-expectations has one `strictly`",
                key="strict_min",
            )
        args["strictly"] = bool(strict_min if strict_min is not None else strict_max)
    for key in spec.required:
        if spec.renamed.get(key, key) not in args:
            raise MappingError(f"{expectation} needs `{key}`", key="name")
    if spec.one_of and not any(spec.renamed.get(k, k) in args for k in spec.one_of):
        raise MappingError(
            f"{expectation} needs at least one of {', '.join(spec.one_of)}", key="name"
        )
    if any(spec.params.get(k) == "values" for k in kwargs):
        args["quote_values"] = False  # the values are SQL literals we quoted ourselves
        if expectation == "expect_column_most_common_value_to_be_in_set":
            strings = any(isinstance(v, str) for v in kwargs.get("value_set", []))
            args["data_type"] = "{{ dbt.type_string() }}" if strings else "decimal"
    if spec.scope == "column":
        if column is None:
            raise MappingError(f"{expectation} needs `column`", key="name")
    elif column is not None:
        raise MappingError(
            f"{expectation} is a table-level test; it takes no `column`", key="column"
        )
    return Mapped(f"{DE}.{expectation}", column if spec.scope == "column" else None, args)


# --------------------------------------------------------------------------------------------
# Soda-style checks (type -> test, default dimension)

SODA_TESTS: dict[str, tuple[str, str]] = {
    "regex": (f"{DE}.expect_column_values_to_match_regex", "validity"),
    "uniqueness": (f"{DE}.expect_column_values_to_be_unique", "uniqueness"),
    "duplicate_count": (f"{DE}.expect_column_values_to_be_unique", "uniqueness"),
    "range": (f"{DE}.expect_column_values_to_be_between", "accuracy"),
    "freshness": ("dativo_dbt.recent_data", "timeliness"),
    "not_null": (f"{DE}.expect_column_values_to_not_be_null", "completeness"),
    "missing": (f"{DE}.expect_column_values_to_not_be_null", "completeness"),
    "accepted_values": (f"{DE}.expect_column_values_to_be_in_set", "validity"),
    "invalid": (f"{DE}.expect_column_values_to_be_in_set", "validity"),
    "row_count": (f"{DE}.expect_table_row_count_to_be_between", "completeness"),
    "min": (f"{DE}.expect_column_min_to_be_between", "accuracy"),
    "max": (f"{DE}.expect_column_max_to_be_between", "accuracy"),
    "avg": (f"{DE}.expect_column_mean_to_be_between", "accuracy"),
    "sum": (f"{DE}.expect_column_sum_to_be_between", "accuracy"),
    "stddev": (f"{DE}.expect_column_stdev_to_be_between", "accuracy"),
}
COMPOUND_UNIQUE = f"{DE}.expect_compound_columns_to_be_unique"
INLINE_DIMENSIONS = {
    "null_check": "completeness",
    "unique_check": "uniqueness",
    "range_check": "accuracy",
}
SLA_DIMENSIONS = {"sla_freshness": "timeliness", "sla_completeness": "completeness"}
CUSTOM_DIMENSION = "validity"
# schema_contract -> generated schema tests (generate/schema_tests.py); origin `schema`
SCHEMA_TESTS = {
    "strict_mode": "dativo_dbt.schema_columns_match",
    "column_types": "dativo_dbt.schema_column_types",
    "required": f"{DE}.expect_column_values_to_not_be_null",
}
SCHEMA_DIMENSION = "consistency"


def _bounds(lo: Any, hi: Any, *, kind: str = "number") -> dict[str, Any]:
    out: dict[str, Any] = {}
    if lo is not None:
        out["min_value"] = KINDS[kind](lo)
    if hi is not None:
        out["max_value"] = KINDS[kind](hi)
    return out


def age(hours: float) -> dict[str, Any]:
    """`max_age_hours` -> (datepart, interval) with an integer interval."""
    if float(hours).is_integer():
        return {"datepart": "hour", "interval": int(hours)}
    minutes = hours * 60
    if float(minutes).is_integer():
        return {"datepart": "minute", "interval": int(minutes)}
    return {"datepart": "second", "interval": round(hours * 3600)}


def source_age(hours: float) -> dict[str, Any]:
    """Like `age`, in dbt source freshness periods (minute, hour, day): seconds round up."""
    out = age(hours)
    if out["datepart"] == "second":
        return {"datepart": "minute", "interval": max(1, -(-out["interval"] // 60))}
    return out


def map_soda(check: Any) -> Mapped:
    """A Soda-style check (a `contracts.models.Soda*Check`) -> its dbt test."""
    kind = check.type
    test, _ = SODA_TESTS[kind]
    if kind == "regex":
        return Mapped(test, check.column, {"regex": literals.regex(check.pattern)})
    if kind in ("uniqueness", "duplicate_count"):
        cols = check.column_list
        if len(cols) == 1:
            return Mapped(test, cols[0], {})
        return Mapped(COMPOUND_UNIQUE, None, {"column_list": cols})
    if kind == "range":
        return Mapped(test, check.column, _bounds(check.min, check.max))
    if kind == "freshness":
        return Mapped(test, check.column, age(check.max_age_hours))
    if kind in ("not_null", "missing"):
        return Mapped(test, check.column, {})
    if kind in ("accepted_values", "invalid"):
        try:
            values = KINDS["values"](check.values)
        except literals.LiteralError as exc:
            raise MappingError(f"`values`: {exc}", key="values") from exc
        # Soda counts missing values apart from invalid ones: nulls do not fail this check.
        return Mapped(
            test,
            check.column,
            {
                "value_set": values,
                "quote_values": False,
                "row_condition": f"{check.column} is not null",
            },
        )
    if kind == "row_count":
        return Mapped(test, None, _bounds(check.min, check.max, kind="int"))
    return Mapped(test, check.column, _bounds(check.min, check.max))


def default_dimension(origin: str, check_type: str) -> str:
    """The dimension of a check without `dimension:` (the tables above)."""
    if origin == "soda":
        return SODA_TESTS[check_type][1]
    if origin == "great_expectations":
        return EXPECTATIONS[check_type].dimension
    if origin == "inline":
        return INLINE_DIMENSIONS[check_type]
    if origin == "sla":
        return SLA_DIMENSIONS[check_type]
    if origin == "schema":
        return SCHEMA_DIMENSION
    return CUSTOM_DIMENSION


def dbt_severity(action: str, severity: str) -> str:
    """violation_handling action + check severity -> dbt `severity` (block → error for critical)."""
    if action == "block" and severity == "critical":
        return "error"
    return "warn"
