"""The check -> dbt test table, and its agreement with the dbt_expectations macros' signatures."""

from __future__ import annotations

import re
from typing import Any

import pytest
from dativo_dbt.checks.arguments import MappingError
from dativo_dbt.checks.expectations import EXPECTATIONS, map_expectation
from dativo_dbt.checks.mapping import (
    SODA_TESTS,
    age,
    check_dimension,
    dbt_severity,
    map_soda,
    source_age,
)
from dativo_dbt.contracts.models import DataContract

from tests.helpers.dbt import REPO_ROOT

MACROS = REPO_ROOT / "dbt_packages_src" / "dbt_expectations" / "macros"


def _signatures() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for path in MACROS.rglob("*.sql"):
        for name, params in re.findall(r"\{%-?\s*test\s+(\w+)\s*\(([^)]*)\)", path.read_text()):
            out[name] = {p.split("=")[0].strip() for p in params.split(",") if p.strip()}
    return out


SIGNATURES = _signatures()


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_every_expectation_exists_with_its_arguments(name: str) -> None:
    assert name in SIGNATURES, f"dbt_expectations has no test {name}"
    spec = EXPECTATIONS[name]
    args = {spec.renamed.get(k, k) for k in spec.params}
    if any(kind == "values" for kind in spec.params.values()):
        args.add("quote_values")
    missing = args - SIGNATURES[name]
    assert not missing, f"{name} has no argument(s) {missing}"
    if spec.scope == "column":
        assert "column_name" in SIGNATURES[name]


def _soda(**check: Any) -> Any:
    c = DataContract.model_validate(
        {
            "name": "c",
            "version": "1",
            "quality_checks": {"soda": {"checks": [{"name": "n", **check}]}},
        }
    )
    assert c.quality_checks.soda is not None
    return map_soda(c.quality_checks.soda.checks[0])


def test_soda_mappings() -> None:
    m = _soda(type="regex", column="email", pattern="^a'z$")
    assert (m.test, m.column, m.arguments) == (
        "dbt_expectations.expect_column_values_to_match_regex",
        "email",
        {"regex": "^a\\x27z$"},
    )
    m = _soda(type="uniqueness", columns=["a", "b"])
    assert (m.test, m.column, m.arguments) == (
        "dbt_expectations.expect_compound_columns_to_be_unique",
        None,
        {"column_list": ["a", "b"]},
    )
    m = _soda(type="duplicate_count", column="a")
    assert (m.test, m.column) == ("dbt_expectations.expect_column_values_to_be_unique", "a")
    m = _soda(type="range", column="b", min=-10, max=10.5)
    assert m.arguments == {"min_value": -10, "max_value": 10.5}
    m = _soda(type="freshness", column="t", max_age_hours=1.5)
    assert (m.test, m.arguments) == (
        "dativo_dbt.recent_data",
        {"datepart": "minute", "interval": 90},
    )
    m = _soda(type="missing", column="a")
    assert m.test == "dbt_expectations.expect_column_values_to_not_be_null"
    m = _soda(type="accepted_values", column="s", values=["O'Brien", 3])
    assert m.arguments == {
        "value_set": [r"{{ dativo_dbt.sql_string('O\'Brien') }}", 3],
        "quote_values": False,
        "row_condition": "s is not null",
    }
    m = _soda(type="row_count", min=1)
    assert (m.test, m.column, m.arguments) == (
        "dbt_expectations.expect_table_row_count_to_be_between",
        None,
        {"min_value": 1},
    )
    for kind, test in [
        ("min", "min"),
        ("max", "max"),
        ("avg", "mean"),
        ("sum", "sum"),
        ("stddev", "stdev"),
    ]:
        m = _soda(type=kind, column="a", max=3)
        assert m.test == f"dbt_expectations.expect_column_{test}_to_be_between"
        assert m.arguments == {"max_value": 3}


def test_soda_types_all_have_a_test() -> None:
    assert set(SODA_TESTS) == {
        "regex", "uniqueness", "duplicate_count", "range", "freshness", "not_null", "missing",
        "accepted_values", "invalid", "row_count", "min", "max", "avg", "sum", "stddev",
    }  # fmt: skip


def test_ge_kwargs_map_to_arguments() -> None:
    m = map_expectation("expect_column_values_to_be_in_set", "c", {"value_set": ["USD", "it's"]})
    assert m.arguments == {
        "value_set": [
            "{{ dativo_dbt.sql_string('USD') }}",
            r"{{ dativo_dbt.sql_string('it\'s') }}",
        ],
        "quote_values": False,
    }
    m = map_expectation(
        "expect_column_max_to_be_between", "t", {"min_value": "2 hours ago", "max_value": "now"}
    )
    assert m.arguments == {
        "min_value": "{{ dbt.dateadd('hour', -2, dativo_dbt.now()) }}",
        "max_value": "{{ dativo_dbt.now() }}",
    }
    m = map_expectation(
        "expect_column_pair_values_A_to_be_greater_than_B", None, {"column_A": "a", "column_B": "b"}
    )
    assert (m.column, m.arguments) == (None, {"column_A": "a", "column_B": "b"})
    m = map_expectation(
        "expect_column_values_to_be_between",
        "x",
        {"min_value": 0, "strict_min": True, "strict_max": True},
    )
    assert m.arguments == {"min_value": 0, "strictly": True}
    m = map_expectation("expect_column_values_to_be_of_type", "x", {"type_": "varchar"})
    assert m.arguments == {"column_type": "varchar"}
    m = map_expectation(
        "expect_table_row_count_to_equal_other_table", None, {"compare_model": "orders"}
    )
    assert m.arguments == {"compare_model": "{{ ref('orders') }}"}


@pytest.mark.parametrize(
    ("name", "column", "kwargs", "message"),
    [
        (
            "expect_column_values_to_be_in_sett",
            "c",
            {},
            "did you mean `expect_column_values_to_be_in_set`",
        ),
        ("expect_column_values_to_be_in_set", "c", {}, "needs `value_set`"),
        ("expect_column_values_to_be_in_set", None, {"value_set": [1]}, "needs `column`"),
        ("expect_table_row_count_to_be_between", "c", {"min_value": 1}, "takes no `column`"),
        ("expect_table_row_count_to_be_between", None, {}, "at least one of min_value, max_value"),
        (
            "expect_column_values_to_be_between",
            "c",
            {"min_value": "abc"},
            "expected a number or a time",
        ),
        ("expect_column_values_to_be_between", "c", {"min_vale": 1}, "did you mean `min_value`"),
        (
            "expect_column_values_to_be_between",
            "c",
            {"min_value": 1, "mostly": 0.9},
            "`mostly` is not supported",
        ),
        (
            "expect_column_values_to_be_between",
            "c",
            {"min_value": 1, "row_condition": "1=1"},
            "raw SQL",
        ),
        (
            "expect_compound_columns_to_be_unique",
            None,
            {"column_list": ["a; drop"]},
            "expected a column name",
        ),
        ("expect_table_row_count_to_equal", None, {"value": 1.5}, "expected an integer"),
    ],
)
def test_ge_errors(name: str, column: str | None, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(MappingError, match=re.escape(message)):
        map_expectation(name, column, kwargs)


def test_default_dimensions_and_severity() -> None:
    assert check_dimension("soda", "regex") == "validity"
    assert check_dimension("soda", "freshness") == "timeliness"
    assert check_dimension("great_expectations", "expect_column_mean_to_be_between") == "accuracy"
    assert check_dimension("inline", "null_check") == "completeness"
    assert check_dimension("sla", "sla_completeness") == "completeness"
    assert check_dimension("custom", "anything") == "validity"
    assert dbt_severity("block", "critical") == "error"
    assert dbt_severity("block", "warning") == "warn"
    assert dbt_severity("warn", "critical") == "warn"
    assert dbt_severity("quarantine", "critical") == "warn"


def test_age() -> None:
    assert age(2) == {"datepart": "hour", "interval": 2}
    assert age(0.25) == {"datepart": "minute", "interval": 15}
    assert age(0.001) == {"datepart": "second", "interval": 4}
    assert source_age(0.001) == {
        "datepart": "minute",
        "interval": 1,
    }  # dbt freshness has no seconds
    assert source_age(36) == {"datepart": "hour", "interval": 36}


def test_raw_sql_expectation_is_refused() -> None:
    with pytest.raises(MappingError, match="raw SQL"):
        map_expectation("expect_table_aggregation_to_equal_other_table", None, {})


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_default_dimension_agrees_with_scoring(name: str) -> None:
    """A contract check and a plain dbt test of the same expectation count in the same dimension."""
    from dativo_dbt.core.vocabulary import default_dimension as scoring_dimension

    assert EXPECTATIONS[name].dimension == scoring_dimension(name)


def test_type_names_dbt_would_call_are_refused() -> None:
    # dbt wraps a test argument like `var(1)` in {{ }}: a type name must not look like a call
    with pytest.raises(MappingError, match="dbt call"):
        map_expectation("expect_column_values_to_be_of_type", "c", {"column_type": "var(1)"})
    m = map_expectation("expect_column_values_to_be_of_type", "c", {"column_type": "numeric(10,2)"})
    assert m.arguments == {"column_type": "numeric(10,2)"}
