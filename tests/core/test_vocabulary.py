"""The default dimension table (docs/INTERFACES.md section 2) and its dbt-package rendering."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
from dativo_dbt.core.dimension_sql import DEFAULT_DIMENSION_SQL_PATH, render_default_dimension_sql
from dativo_dbt.core.vocabulary import EXACT, default_dimension

REPO = Path(__file__).resolve().parents[2]

CASES = {
    "not_null": "completeness",
    "expect_column_values_to_not_be_null": "completeness",
    "expect_table_row_count_to_be_between": "completeness",
    "expect_table_column_count_to_equal": "completeness",
    "expect_table_columns_to_match_set": "completeness",
    "unique": "uniqueness",
    "dbt_utils.unique_combination_of_columns": "uniqueness",
    "expect_compound_columns_to_be_unique": "uniqueness",
    "relationships": "consistency",
    "expect_column_pair_values_A_to_be_greater_than_B": "consistency",
    "expect_table_row_count_to_equal_other_table": "consistency",
    "expect_table_aggregation_to_equal_other_table": "consistency",
    "equal_expression": "consistency",
    "expect_row_values_to_have_recent_data": "timeliness",
    "recent_data": "timeliness",
    "freshness": "timeliness",
    "expect_column_values_to_be_between": "accuracy",
    "expect_column_stdev_to_be_between": "accuracy",
    "expect_column_values_to_be_within_n_moving_stdevs": "accuracy",
    "expect_column_distinct_count_to_equal": "accuracy",
    "expect_column_values_to_be_increasing": "accuracy",
    "accepted_values": "validity",
    "expect_column_values_to_match_regex": "validity",
    "expect_column_value_lengths_to_be_between": "validity",
    "expression_is_true": "validity",
    "some_custom_test": "validity",
    "": "validity",
}


@pytest.mark.parametrize(("name", "dim"), list(CASES.items()))
def test_default_dimension(name: str, dim: str) -> None:
    assert default_dimension(name) == dim


def test_singular_tests_are_validity() -> None:
    assert default_dimension(None) == "validity"


class _Return(Exception):
    def __init__(self, value: str) -> None:
        self.value = value


def _run_macro(source: str, name: str) -> str:
    """Evaluate the rendered dbt macro with plain Jinja (dbt's `return` raises with the value)."""

    def ret(value: str) -> str:
        raise _Return(value)

    env = jinja2.Environment(extensions=["jinja2.ext.do"])
    module = env.from_string(source, globals={"return": ret}).module
    try:
        out = module.default_dimension(name)  # type: ignore[attr-defined]
    except _Return as r:
        return r.value
    raise AssertionError(f"macro returned without return(): {out!r}")


def test_rendered_macro_agrees_with_python_on_every_name() -> None:
    source = render_default_dimension_sql()
    names = [*EXACT, *CASES, "DBT_EXPECTATIONS.Expect_Column_Values_To_Be_Between"]
    for name in names:
        assert _run_macro(source, name) == default_dimension(name), name


def test_dbt_package_copy_is_not_stale() -> None:
    """macros/scoring/default_dimension.sql (owned by the dbt package) must equal the rendering."""
    rendered = render_default_dimension_sql()
    assert rendered.startswith("{#- generated from analyzer/dativo_dbt/core/dimension_sql.py")
    path = REPO / DEFAULT_DIMENSION_SQL_PATH
    if path.exists():
        assert path.read_text() == rendered, (
            f"{DEFAULT_DIMENSION_SQL_PATH} is stale: regenerate it with "
            "`python -c 'from dativo_dbt.core.dimension_sql import render_default_dimension_sql as r; print(r(), end=\"\")' > "
            f"{DEFAULT_DIMENSION_SQL_PATH}`"
        )
