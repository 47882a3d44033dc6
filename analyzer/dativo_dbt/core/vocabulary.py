"""The shared quality vocabulary: dimensions, severities, default weights, the dimension of a plain
dbt test by its name, plus `closest` (did-you-mean hints) and `describe` (a value in a message).

This module is the single source of the table in docs/INTERFACES.md section 2; the dbt package's
copy (`macros/scoring/default_dimension.sql`) is rendered from it by
`core.dimension_sql.render_default_dimension_sql()` and a test fails when that file is stale.

Lookup order of `default_dimension(test_name)`: exact names, then the patterns in `PATTERNS` in
their order (first match wins), else `validity` (accepted_values, regex/like/length/type tests,
expression_is_true, singular tests, anything unknown).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

FORMULA_VERSION = 1

#: Dimensions that carry a weight by default (uniqueness folds into consistency unless weighted).
SCORED_DIMENSIONS: tuple[str, ...] = (
    "completeness",
    "accuracy",
    "validity",
    "consistency",
    "timeliness",
)
DIMENSIONS: tuple[str, ...] = (*SCORED_DIMENSIONS, "uniqueness")
SEVERITIES: tuple[str, ...] = ("critical", "warning", "info")

DEFAULT_DIMENSION_WEIGHTS: dict[str, float] = {
    "completeness": 0.25,
    "accuracy": 0.25,
    "validity": 0.20,
    "consistency": 0.15,
    "timeliness": 0.15,
}
DEFAULT_SEVERITY_WEIGHTS: dict[str, float] = {"critical": 3.0, "warning": 1.0, "info": 0.5}

#: dbt severity of a plain test -> check severity.
DBT_SEVERITY_TO_SEVERITY: dict[str, str] = {"error": "critical", "warn": "warning"}

EXACT: dict[str, str] = {
    # completeness
    "not_null": "completeness",
    "expect_column_values_to_not_be_null": "completeness",
    "expect_column_to_exist": "completeness",
    # uniqueness
    "unique": "uniqueness",
    "expect_column_values_to_be_unique": "uniqueness",
    "expect_compound_columns_to_be_unique": "uniqueness",
    "expect_select_column_values_to_be_unique_within_record": "uniqueness",
    "unique_combination_of_columns": "uniqueness",
    # consistency
    "relationships": "consistency",
    "expect_multicolumn_sum_to_equal": "consistency",
    "expect_table_aggregation_to_equal_other_table": "consistency",
    "equal_expression": "consistency",
    # timeliness
    "expect_row_values_to_have_recent_data": "timeliness",
    "expect_grouped_row_values_to_have_recent_data": "timeliness",
    "expect_row_values_to_have_data_for_every_n_datepart": "timeliness",
    "recent_data": "timeliness",
    "freshness": "timeliness",
    # accuracy
    "expect_column_values_to_be_between": "accuracy",
    "expect_column_min_to_be_between": "accuracy",
    "expect_column_max_to_be_between": "accuracy",
    "expect_column_mean_to_be_between": "accuracy",
    "expect_column_median_to_be_between": "accuracy",
    "expect_column_sum_to_be_between": "accuracy",
    "expect_column_stdev_to_be_between": "accuracy",
    "expect_column_quantile_values_to_be_between": "accuracy",
    "expect_column_values_to_be_increasing": "accuracy",
    "expect_column_values_to_be_decreasing": "accuracy",
    "expect_column_most_common_value_to_be_in_set": "accuracy",
    "expect_column_unique_value_count_to_be_between": "accuracy",
    "expect_column_proportion_of_unique_values_to_be_between": "accuracy",
}

#: (kind, text, dimension): kind "prefix" = name starts with text, "contains" = text in name.
PATTERNS: tuple[tuple[str, str, str], ...] = (
    ("contains", "_equal_other_table", "consistency"),
    ("prefix", "expect_column_pair_values_", "consistency"),
    ("prefix", "expect_table_row_count_", "completeness"),
    ("prefix", "expect_table_column_count_", "completeness"),
    ("prefix", "expect_table_columns_to_", "completeness"),
    ("prefix", "expect_column_values_to_be_within_n_", "accuracy"),
    ("prefix", "expect_column_distinct_count_", "accuracy"),
)

FALLBACK_DIMENSION = "validity"


@lru_cache(maxsize=4096)
def default_dimension(test_name: str | None) -> str:
    """Dimension of a plain dbt test by its generic test name (no package prefix).

    None (a singular test) and unknown names give `validity`.
    """
    if not test_name:
        return FALLBACK_DIMENSION
    name = test_name.rsplit(".", 1)[-1].lower()
    exact = EXACT.get(name)
    if exact:
        return exact
    for kind, text, dim in PATTERNS:
        if (kind == "prefix" and name.startswith(text)) or (kind == "contains" and text in name):
            return dim
    return FALLBACK_DIMENSION


def closest(word: str, choices: Iterable[str]) -> str:
    """` (did you mean `x`?)` or ``."""
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean `{match[0]}`?)" if match else ""


def describe(value: Any) -> str:
    """A YAML value as an error message shows it: `a string ('x')`, `a list`, `nothing (null)`."""
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, str):
        return f"a string ({value!r})"
    if value is None:
        return "nothing (null)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, int | float):
        return f"a number ({value!r})"
    return f"{type(value).__name__} ({value!r})"
