"""The offline dbt_expectations package (dbt_packages_src/dbt_expectations), run with real dbt.

The package's integration project has, for every generic test of the published package, cases that
must pass and cases that must fail; each test node's name ends in ``__pass`` or ``__fail`` (that
naming is the machine-readable list of expected statuses). It is built once on DuckDB and once on
PostgreSQL, and every node's status is asserted from run_results.json.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers.dbt import REPO_ROOT, DbtProject, copy_project

PACKAGE = REPO_ROOT / "dbt_packages_src" / "dbt_expectations"
INTEGRATION = PACKAGE / "integration_tests"
LEGACY = Path(__file__).parent / "legacy_project"

# The published package's generic tests (metaplane/dbt-expectations 0.10.x): 62 expect_* + 3.
CATALOGUE = [
    # table shape
    "expect_table_row_count_to_equal",
    "expect_table_row_count_to_be_between",
    "expect_table_row_count_to_equal_other_table",
    "expect_table_row_count_to_equal_other_table_times_factor",
    "expect_table_aggregation_to_equal_other_table",
    "expect_row_values_to_have_recent_data",
    "expect_grouped_row_values_to_have_recent_data",
    # schema
    "expect_column_to_exist",
    "expect_table_column_count_to_equal",
    "expect_table_column_count_to_be_between",
    "expect_table_column_count_to_equal_other_table",
    "expect_table_columns_to_contain_set",
    "expect_table_columns_to_not_contain_set",
    "expect_table_columns_to_match_set",
    "expect_table_columns_to_match_ordered_list",
    "expect_column_values_to_be_of_type",
    "expect_column_values_to_be_in_type_list",
    # missing values / uniqueness
    "expect_column_values_to_be_null",
    "expect_column_values_to_not_be_null",
    "expect_column_values_to_be_unique",
    "expect_column_values_to_have_consistent_casing",
    # sets and ranges
    "expect_column_values_to_be_in_set",
    "expect_column_values_to_not_be_in_set",
    "expect_column_values_to_be_between",
    "expect_column_values_to_be_increasing",
    "expect_column_values_to_be_decreasing",
    # string matching
    "expect_column_value_lengths_to_be_between",
    "expect_column_value_lengths_to_equal",
    "expect_column_values_to_match_like_pattern",
    "expect_column_values_to_not_match_like_pattern",
    "expect_column_values_to_match_like_pattern_list",
    "expect_column_values_to_not_match_like_pattern_list",
    "expect_column_values_to_match_regex",
    "expect_column_values_to_not_match_regex",
    "expect_column_values_to_match_regex_list",
    "expect_column_values_to_not_match_regex_list",
    # aggregate functions
    "expect_column_distinct_count_to_equal",
    "expect_column_distinct_count_to_be_greater_than",
    "expect_column_distinct_count_to_be_less_than",
    "expect_column_distinct_count_to_equal_other_table",
    "expect_column_distinct_values_to_be_in_set",
    "expect_column_distinct_values_to_contain_set",
    "expect_column_distinct_values_to_equal_set",
    "expect_column_min_to_be_between",
    "expect_column_max_to_be_between",
    "expect_column_mean_to_be_between",
    "expect_column_sum_to_be_between",
    "expect_column_stdev_to_be_between",
    "expect_column_median_to_be_between",
    "expect_column_quantile_values_to_be_between",
    "expect_column_unique_value_count_to_be_between",
    "expect_column_proportion_of_unique_values_to_be_between",
    "expect_column_most_common_value_to_be_in_set",
    # multi-column
    "expect_column_pair_values_A_to_be_greater_than_B",
    "expect_column_pair_values_to_be_equal",
    "expect_column_pair_values_to_be_in_set",
    "expect_compound_columns_to_be_unique",
    "expect_select_column_values_to_be_unique_within_record",
    "expect_multicolumn_sum_to_equal",
    # distributional
    "expect_column_values_to_be_within_n_stdevs",
    "expect_column_values_to_be_within_n_moving_stdevs",
    "expect_row_values_to_have_data_for_every_n_datepart",
    # generalized
    "expression_is_true",
    "expression_between",
    "equal_expression",
]

HELPER_MACROS = [
    "type_timestamp",
    "type_datetime",
    "rand",
    "log_natural",
    "median",
    "percentile_cont",
    "regexp_instr",
    "group_by",
    "md5",
    "ignore_row_if_expression",
    "truth_expression",
    "get_select",
    "_get_column_list",
    "_list_intersect",
    "_get_like_pattern_expression",
    "_get_metric_expression",
    "_validate_flags",
    "_validate_re2_flags",
    "quote_string",
]


def _expected_statuses() -> dict[str, tuple[str, str]]:
    """Test name -> (generic test name, expected status) from the integration project's YAML."""
    out: dict[str, tuple[str, str]] = {}
    for path in sorted([*INTEGRATION.glob("models/*.yml"), *INTEGRATION.glob("seeds/*.yml")]):
        doc = yaml.safe_load(path.read_text())
        for kind in ("models", "seeds"):
            for node in doc.get(kind) or []:
                entries = [node, *(node.get("columns") or [])]
                for entry in entries:
                    for test in entry.get("data_tests") or []:
                        ((qualified, spec),) = test.items()
                        name = spec["name"]
                        assert name not in out, f"duplicate test name {name}"
                        status = name.rsplit("__", 1)[-1]
                        assert status in {"pass", "fail"}, f"{name}: name must end in __pass/__fail"
                        out[name] = (qualified.split(".", 1)[-1], status)
    return out


EXPECTED = _expected_statuses()


def _statuses(project: DbtProject) -> dict[str, dict[str, Any]]:
    """unique_id -> {name, resource_type, status, message} of the last run."""
    manifest = project.manifest()
    out = {}
    for result in project.run_results()["results"]:
        node = manifest["nodes"][result["unique_id"]]
        out[result["unique_id"]] = {
            "name": node["name"],
            "resource_type": node["resource_type"],
            "status": result["status"],
            "message": result.get("message"),
            "failures": result.get("failures"),
            "meta": (node.get("config") or {}).get("meta") or {},
        }
    return out


def _build_and_check(project: DbtProject) -> dict[str, dict[str, Any]]:
    """Build the integration project once and assert the status of every node in run_results.json.

    One pytest item per adapter on purpose: with pytest-xdist the build is not repeated per worker.
    """
    project.dbt("deps")
    # Some tests must fail, so `dbt build` exits 1.
    proc = project.dbt("build", expect_rc=1)
    statuses = _statuses(project)
    tests = {r["name"]: r for r in statuses.values() if r["resource_type"] == "test"}
    missing = sorted(set(EXPECTED) - set(tests))
    unexpected_nodes = sorted(set(tests) - set(EXPECTED))
    wrong = {
        name: f"expected {EXPECTED[name][1]}, got {r['status']}: {r['message']}"
        for name, r in sorted(tests.items())
        if name in EXPECTED and r["status"] != EXPECTED[name][1]
    }
    assert not missing and not unexpected_nodes and not wrong, (missing, unexpected_nodes, wrong)
    # every test in the catalogue ran, and both a pass and a fail case came out as expected
    ran = defaultdict(set)
    for name, r in tests.items():
        ran[EXPECTED[name][0]].add(r["status"])
    assert {k for k, v in ran.items() if v == {"pass", "fail"}} == set(CATALOGUE)
    others = {r["name"]: r["status"] for r in statuses.values() if r["resource_type"] != "test"}
    assert others and set(others.values()) == {"success"}, others
    # The `arguments:` style is the dbt >= 1.10 one: no deprecation warnings.
    assert "deprecat" not in proc.stdout.lower(), proc.stdout[-3000:]
    return tests


# --- static checks (no dbt) ------------------------------------------------------------------


def test_catalogue_has_65_tests() -> None:
    assert len(CATALOGUE) == len(set(CATALOGUE)) == 65
    assert sum(name.startswith("expect_") for name in CATALOGUE) == 62


@pytest.mark.parametrize("test_name", CATALOGUE)
def test_every_test_defined_once_in_its_own_file(test_name: str) -> None:
    files = list((PACKAGE / "macros" / "schema_tests").rglob(f"{test_name}.sql"))
    assert len(files) == 1, files
    definitions = [
        p
        for p in (PACKAGE / "macros").rglob("*.sql")
        if re.search(rf"{{%-?\s*test\s+{test_name}\s*\(", p.read_text())
    ]
    assert definitions == files


@pytest.mark.parametrize("test_name", CATALOGUE)
def test_every_test_has_a_pass_and_a_fail_case(test_name: str) -> None:
    statuses = {status for generic, status in EXPECTED.values() if generic == test_name}
    assert statuses == {"pass", "fail"}


@pytest.mark.parametrize("macro", HELPER_MACROS)
def test_public_helper_macros_exist(macro: str) -> None:
    pattern = re.compile(rf"{{%-?\s*macro\s+{re.escape(macro)}\s*\(")
    assert any(pattern.search(p.read_text()) for p in (PACKAGE / "macros").rglob("*.sql"))


def test_no_dependency_on_dbt_utils_or_dbt_date() -> None:
    call = re.compile(r"\bdbt_(utils|date)\.\w+\s*\(")
    for path in PACKAGE.rglob("*"):
        if path.suffix in {".sql", ".yml"} and not {"target", "dbt_packages"} & set(path.parts):
            assert not call.search(path.read_text()), path
    assert not (PACKAGE / "packages.yml").exists()


def test_package_declares_name_and_dbt_version() -> None:
    project = yaml.safe_load((PACKAGE / "dbt_project.yml").read_text())
    assert project["name"] == "dbt_expectations"
    assert project["require-dbt-version"]


# --- the integration project on both adapters -------------------------------------------------


def test_integration_project_on_duckdb(tmp_path: Path) -> None:
    project = DbtProject(copy_project(INTEGRATION, tmp_path / "integration_tests"), target="duckdb")
    tests = _build_and_check(project)
    # Failing-row counts of a few tests (the unit differs by test, as in the published package).
    failures = {name: r["failures"] for name, r in tests.items()}
    assert failures["not_null__fail"] == 1  # the one null email
    assert failures["in_set_nulls__fail"] == 1  # nulls are not in the set
    assert failures["between_strict__fail"] == 2  # ids 1 and 5 sit on the bounds
    assert failures["unique__fail"] == 1  # one row per duplicated value (US)
    assert failures["not_match_regex_list_any__fail"] == 3  # rows matching EVERY pattern
    assert failures["most_common_rank2__fail"] == 1
    assert failures["unique_within_record__fail"] == 2  # rows 2 and 4
    assert failures["every_n_datepart__fail"] == 1  # 2024-01-05


@pytest.mark.postgres
def test_integration_project_on_postgres(tmp_path: Path, pg_schema: str) -> None:
    project = DbtProject(
        copy_project(INTEGRATION, tmp_path / "integration_tests"),
        target="postgres",
        pg_schema=pg_schema,
    )
    _build_and_check(project)


# --- a project in the old style (top-level arguments under `tests:`) --------------------------


def test_legacy_top_level_argument_style_parses_and_runs(tmp_path: Path) -> None:
    project = DbtProject(copy_project(LEGACY, tmp_path / "legacy_project"), target="duckdb")
    project.dbt("deps")
    project.dbt("build", expect_rc=1)
    statuses = _statuses(project)
    tests = [r for r in statuses.values() if r["resource_type"] == "test"]
    assert len(tests) == 18
    wrong = {
        r["name"]: (r["status"], r["meta"].get("expect"))
        for r in tests
        if r["status"] != r["meta"].get("expect")
    }
    assert not wrong, wrong
    assert {r["status"] for r in statuses.values() if r["resource_type"] != "test"} == {"success"}


# --- compile-time argument errors, as in the published package ---------------------------------


@pytest.mark.parametrize(
    ("test_yaml", "message"),
    [
        (
            "dbt_expectations.expression_between: {name: no_bounds, arguments: {expression: amount}}",
            "You have to provide either a min_value, max_value or both.",
        ),
    ],
)
def test_bad_arguments_are_compile_errors(tmp_path: Path, test_yaml: str, message: str) -> None:
    project = DbtProject(copy_project(LEGACY, tmp_path / "legacy_project"), target="duckdb")
    (project.path / "models" / "schema.yml").write_text(
        "version: 2\nmodels:\n  - name: legacy_orders_model\n"
        f"    data_tests:\n      - {test_yaml}\n"
    )
    project.dbt("deps")
    proc = project.dbt("parse", expect_rc=2)
    assert message in proc.stdout
