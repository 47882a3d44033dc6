"""Default scoring tables: dimension of a plain dbt test by its name, severity weights, dimension
weights. This module is the single source of the table in docs/INTERFACES.md section 2; the dbt
package's copy (`macros/scoring/default_dimension.sql`) is rendered from it by
`render_default_dimension_sql()` and a test fails when that file is stale.

Lookup order of `default_dimension(test_name)`: exact names, then the patterns in `PATTERNS` in
their order (first match wins), else `validity` (accepted_values, regex/like/length/type tests,
expression_is_true, singular tests, anything unknown).
"""

from __future__ import annotations

from functools import lru_cache

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


DEFAULT_DIMENSION_SQL_PATH = "macros/scoring/default_dimension.sql"


def render_default_dimension_sql() -> str:
    """Text of the dbt package's `macros/scoring/default_dimension.sql` (same table, same order).

    The macro `dativo_dbt.default_dimension(test_name)` returns the dimension string.
    """
    lines = [
        "{#- generated from analyzer/dativo_dbt/scoring/defaults.py"
        " (render_default_dimension_sql); do not edit -#}",
        "{% macro default_dimension(test_name) -%}",
        "  {%- set name = (test_name or '') | string | lower -%}",
        "  {%- set name = name.split('.') | last -%}",
        "  {%- if name == '' -%}{{ return('" + FALLBACK_DIMENSION + "') }}{%- endif -%}",
        "  {%- set exact = {",
    ]
    items = list(EXACT.items())
    for i, (name, dim) in enumerate(items):
        comma = "," if i < len(items) - 1 else ""
        lines.append(f"      '{name}': '{dim}'{comma}")
    lines += [
        "  } -%}",
        "  {%- if name in exact -%}{{ return(exact[name]) }}{%- endif -%}",
    ]
    for kind, text, dim in PATTERNS:
        cond = f"name.startswith('{text}')" if kind == "prefix" else f"'{text}' in name"
        lines.append(f"  {{%- if {cond} -%}}{{{{ return('{dim}') }}}}{{%- endif -%}}")
    lines += [
        "  {{- return('" + FALLBACK_DIMENSION + "') -}}",
        "{%- endmacro %}",
        "",
    ]
    return "\n".join(lines)
