"""GE-style checks -> the dbt-expectations test of the same name (`EXPECTATIONS`, `map_expectation`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dativo_dbt.checks import literals
from dativo_dbt.checks.arguments import DE, KINDS, Mapped, MappingError
from dativo_dbt.core.vocabulary import closest


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
    args, strict = _arguments(expectation, spec, kwargs)
    if strict:
        args["strictly"] = _strictly(strict)
    _check_required(expectation, spec, args)
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


def _arguments(
    expectation: str, spec: Expectation, kwargs: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, bool]]:
    """The test's arguments from the check's kwargs, and its `strict_min` / `strict_max`."""
    args: dict[str, Any] = {}
    strict: dict[str, bool] = {}
    for key, value in kwargs.items():
        if key in ("strict_min", "strict_max") and "strictly" in spec.params:
            if not isinstance(value, bool):
                raise MappingError(f"`{key}`: expected true or false", key=key)
            strict[key] = value
            continue
        if key not in spec.params:
            raise _unknown_argument(expectation, spec, key)
        try:
            args[spec.renamed.get(key, key)] = KINDS[spec.params[key]](value)
        except literals.LiteralError as exc:
            raise MappingError(f"`{key}`: {exc}", key=key) from exc
    return args, strict


def _unknown_argument(expectation: str, spec: Expectation, key: str) -> MappingError:
    hint = GE_UNSUPPORTED.get(key)
    if hint:
        return MappingError(f"`{key}` is not supported: {hint}", key=key)
    allowed = ["column"] if spec.scope == "column" else []
    allowed += list(spec.params)
    return MappingError(
        f"unknown argument `{key}` for {expectation}{closest(key, allowed)}; "
        f"expected: {', '.join(allowed) or '(none)'}",
        key=key,
    )


def _strictly(strict: dict[str, bool]) -> bool:
    """`strict_min` / `strict_max` -> dbt-expectations' one `strictly`."""
    if len(set(strict.values())) > 1:
        raise MappingError(
            "`strict_min` and `strict_max` differ; dbt-expectations has one `strictly`",
            key="strict_min",
        )
    return bool(strict.get("strict_min", strict.get("strict_max")))


def _check_required(expectation: str, spec: Expectation, args: dict[str, Any]) -> None:
    for key in spec.required:
        if spec.renamed.get(key, key) not in args:
            raise MappingError(f"{expectation} needs `{key}`", key="name")
    if spec.one_of and not any(spec.renamed.get(k, k) in args for k in spec.one_of):
        raise MappingError(
            f"{expectation} needs at least one of {', '.join(spec.one_of)}", key="name"
        )
