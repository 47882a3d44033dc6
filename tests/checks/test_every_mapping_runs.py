"""Every entry of the mapping table, generated from a contract, parses (no deprecations) and runs
on DuckDB with the offline dbt_expectations: no test ends in `error` (bad arguments, bad SQL)."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
import yaml
from dativo_dbt.checks.expectations import EXPECTATIONS
from dativo_dbt.checks.mapping import SODA_TESTS

from tests.helpers.dbt import REPO_ROOT, DbtProject

WIDE = """
select 1 as id, cast(1.0 as double) as a, cast(0.5 as double) as b, 'x' as s,
       cast('2026-01-15 10:00:00' as timestamp) as ts, cast('2026-01-15' as date) as d
union all
select 2, 2.0, 1.0, 'y', cast('2026-01-14 10:00:00' as timestamp), cast('2026-01-14' as date)
union all
select 3, 4.0, 1.5, 'z', cast('2026-01-13 10:00:00' as timestamp), cast('2026-01-13' as date)
"""

# expectation -> (column or None, kwargs): minimal valid arguments for each dbt-expectations test
GE: dict[str, tuple[str | None, dict[str, Any]]] = {
    "expect_table_row_count_to_equal": (None, {"value": 3}),
    "expect_table_row_count_to_be_between": (None, {"min_value": 1, "max_value": 10}),
    "expect_table_row_count_to_equal_other_table": (None, {"compare_model": "other"}),
    "expect_table_row_count_to_equal_other_table_times_factor": (None, {"compare_model": "other", "factor": 1}),
    "expect_row_values_to_have_recent_data": ("ts", {"datepart": "day", "interval": 1}),
    "expect_grouped_row_values_to_have_recent_data": (None, {"group_by": ["s"], "timestamp_column": "ts", "datepart": "day", "interval": 1}),
    "expect_column_to_exist": ("id", {}),
    "expect_table_column_count_to_equal": (None, {"value": 6}),
    "expect_table_column_count_to_be_between": (None, {"min_value": 1, "max_value": 10}),
    "expect_table_column_count_to_equal_other_table": (None, {"compare_model": "other"}),
    "expect_table_columns_to_contain_set": (None, {"column_list": ["id", "a"]}),
    "expect_table_columns_to_not_contain_set": (None, {"column_list": ["zz"]}),
    "expect_table_columns_to_match_set": (None, {"column_list": ["id", "a", "b", "s", "ts", "d"]}),
    "expect_table_columns_to_match_ordered_list": (None, {"column_list": ["id", "a", "b", "s", "ts", "d"]}),
    "expect_column_values_to_be_of_type": ("id", {"column_type": "integer"}),
    "expect_column_values_to_be_in_type_list": ("id", {"column_type_list": ["integer", "bigint"]}),
    "expect_column_values_to_be_null": ("a", {}),
    "expect_column_values_to_not_be_null": ("id", {}),
    "expect_column_values_to_be_unique": ("id", {}),
    "expect_column_values_to_have_consistent_casing": ("s", {}),
    "expect_column_values_to_be_in_set": ("s", {"value_set": ["x", "y", "z", "O'Brien"]}),
    "expect_column_values_to_not_be_in_set": ("s", {"value_set": ["zz"]}),
    "expect_column_values_to_be_between": ("a", {"min_value": 0, "max_value": 10, "strict_min": True, "strict_max": True}),
    "expect_column_values_to_be_increasing": ("id", {}),
    "expect_column_values_to_be_decreasing": ("id", {"sort_column": "a", "strictly": False}),
    "expect_column_value_lengths_to_be_between": ("s", {"min_value": 1}),
    "expect_column_value_lengths_to_equal": ("s", {"value": 1}),
    "expect_column_values_to_match_like_pattern": ("s", {"like_pattern": "%"}),
    "expect_column_values_to_not_match_like_pattern": ("s", {"like_pattern": "O'%"}),
    "expect_column_values_to_match_like_pattern_list": ("s", {"like_pattern_list": ["%x%", "%y%"], "match_on": "any"}),
    "expect_column_values_to_not_match_like_pattern_list": ("s", {"like_pattern_list": ["zz%"]}),
    "expect_column_values_to_match_regex": ("s", {"regex": "^[a-z']$"}),
    "expect_column_values_to_not_match_regex": ("s", {"regex": "\\d'"}),
    "expect_column_values_to_match_regex_list": ("s", {"regex_list": ["x", "y", "z"]}),
    "expect_column_values_to_not_match_regex_list": ("s", {"regex_list": ["q", "'"], "match_on": "all"}),
    "expect_column_distinct_count_to_equal": ("id", {"value": 3}),
    "expect_column_distinct_count_to_be_greater_than": ("id", {"value": 1}),
    "expect_column_distinct_count_to_be_less_than": ("id", {"value": 10}),
    "expect_column_distinct_count_to_equal_other_table": ("id", {"compare_model": "other", "compare_column_name": "id"}),
    "expect_column_distinct_values_to_be_in_set": ("s", {"value_set": ["x", "y", "z"]}),
    "expect_column_distinct_values_to_contain_set": ("s", {"value_set": ["x"]}),
    "expect_column_distinct_values_to_equal_set": ("s", {"value_set": ["x", "y", "z"]}),
    "expect_column_min_to_be_between": ("a", {"min_value": 0, "max_value": 100}),
    "expect_column_max_to_be_between": ("ts", {"min_value": "2 days ago", "max_value": "now"}),
    "expect_column_mean_to_be_between": ("a", {"min_value": 0, "max_value": 100}),
    "expect_column_sum_to_be_between": ("a", {"min_value": 0, "max_value": 100}),
    "expect_column_stdev_to_be_between": ("a", {"min_value": 0, "max_value": 100}),
    "expect_column_median_to_be_between": ("a", {"min_value": 0, "max_value": 100}),
    "expect_column_quantile_values_to_be_between": ("a", {"quantile": 0.5, "min_value": 0, "max_value": 100}),
    "expect_column_unique_value_count_to_be_between": ("id", {"min_value": 1}),
    "expect_column_proportion_of_unique_values_to_be_between": ("id", {"min_value": 0.5}),
    "expect_column_most_common_value_to_be_in_set": ("s", {"value_set": ["x", "y", "z"], "top_n": 1}),
    "expect_column_pair_values_A_to_be_greater_than_B": (None, {"column_A": "a", "column_B": "b"}),
    "expect_column_pair_values_to_be_equal": (None, {"column_A": "a", "column_B": "a"}),
    "expect_column_pair_values_to_be_in_set": (None, {"column_A": "s", "column_B": "id", "value_pairs_set": [["x", 1], ["y", 2]]}),
    "expect_compound_columns_to_be_unique": (None, {"column_list": ["id", "s"], "ignore_row_if": "any_value_is_missing"}),
    "expect_select_column_values_to_be_unique_within_record": (None, {"column_list": ["a", "b"]}),
    "expect_multicolumn_sum_to_equal": (None, {"column_list": ["a", "b"], "sum_total": 10}),
    "expect_column_values_to_be_within_n_stdevs": ("a", {"sigma_threshold": 3}),
    "expect_column_values_to_be_within_n_moving_stdevs": ("a", {"date_column_name": "ts"}),
    "expect_row_values_to_have_data_for_every_n_datepart": (None, {"date_col": "d", "date_part": "day"}),
}  # fmt: skip

SODA: list[dict[str, Any]] = [
    {"type": "regex", "column": "s", "pattern": "^[xyz']$"},
    {"type": "uniqueness", "columns": ["id", "s"]},
    {"type": "duplicate_count", "column": "id"},
    {"type": "range", "column": "a", "min": 0, "max": 5},
    {"type": "freshness", "column": "ts", "max_age_hours": 1.5},
    {"type": "not_null", "column": "id"},
    {"type": "missing", "column": "s"},
    {"type": "accepted_values", "column": "s", "values": ["x", "y", "z"]},
    {"type": "invalid", "column": "id", "values": [1, 2, 3]},
    {"type": "row_count", "min": 1, "max": 5},
    {"type": "min", "column": "a", "min": 0},
    {"type": "max", "column": "a", "max": 10},
    {"type": "avg", "column": "a", "min": 0, "max": 10},
    {"type": "sum", "column": "a", "max": 100},
    {"type": "stddev", "column": "a", "max": 100},
]


def test_samples_cover_the_whole_table() -> None:
    assert set(GE) == set(EXPECTATIONS)
    assert {s["type"] for s in SODA} == set(SODA_TESTS)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    root = tmp_path_factory.mktemp("every_mapping") / "p"
    (root / "models").mkdir(parents=True)
    (root / "contracts").mkdir()
    (root / "models" / "wide.sql").write_text(textwrap.dedent(WIDE))
    (root / "models" / "other.sql").write_text("select * from {{ ref('wide') }}\n")
    (root / "dbt_project.yml").write_text(
        "name: every_mapping\nversion: '1.0.0'\nconfig-version: 2\nprofile: dativo_integration_tests\n"
        "vars: {dativo_dbt_now: '2026-01-15T12:00:00'}\nmodels: {every_mapping: {+materialized: table}}\n"
    )
    for name in ("packages.yml", "profiles.yml"):
        (root / name).write_text((REPO_ROOT / "integration_tests" / name).read_text())
    ge = [
        {"name": f"ge_{name}", "expectation": name, **({"column": col} if col else {}), **kwargs}
        for name, (col, kwargs) in GE.items()
    ]
    soda = [{"name": f"soda_{i}_{s['type']}", **s} for i, s in enumerate(SODA)]
    contract = {
        "data_contract": {
            "name": "wide",
            "version": "1",
            "sla": {"freshness": {"max_age_hours": 3, "column": "ts"}, "completeness": {"min_records_per_day": 1, "column": "ts", "lookback_days": 2}},
            "quality_checks": {
                "soda": {"checks": soda},
                "great_expectations": {"checks": ge},
            },
        }
    }  # fmt: skip
    (root / "contracts" / "wide.yml").write_text(yaml.safe_dump(contract, sort_keys=False))
    project = DbtProject(root)
    project.dativo("generate", "--execution", "per-check")  # one dbt test per mapping entry
    project.dbt("deps")
    return project


def test_every_generated_test_parses_and_runs(project: DbtProject) -> None:
    proc = project.dbt("build", expect_rc=None)
    assert "eprecat" not in proc.stdout, proc.stdout[-3000:]
    by_check = project.results_by_check()
    assert len(by_check) == len(GE) + len(SODA) + 2
    errored = {k: v for k, v in by_check.items() if v not in ("pass", "fail", "warn")}
    assert not errored, proc.stdout[-6000:]
    # spot checks of meaning, not just of running
    assert by_check["wide:ge_expect_column_values_to_be_in_set"] == "pass"
    assert by_check["wide:ge_expect_column_values_to_be_null"] == "warn"
    assert by_check["wide:ge_expect_column_max_to_be_between"] == "pass"
    assert by_check["wide:soda_4_freshness"] == "warn"  # newest ts 10:00 is 2 h old > 1.5 h
    assert by_check["wide:sla_freshness"] == "pass"  # ... but < 3 h
    assert by_check["wide:sla_completeness"] == "pass"
