"""Contracts are data (README "Security model"): hostile values in every contract field that reaches
SQL are compared literally by real dbt runs, on DuckDB and on PostgreSQL with
standard_conforming_strings on and off, in both execution modes, and the seed table `x` survives;
what cannot be data (SQL arguments, Jinja in source names, alias bombs, huge numbers) is refused
at `validate` with one line naming file, line and field."""

from __future__ import annotations

import shutil
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from dativo_dbt.artifacts.batches import expand_batched_artifacts

from tests.helpers.dbt import REPO_ROOT, DbtProject, profiles_yml

# The values of the seed's column `v`: quotes, backslashes (an escape on PostgreSQL with
# standard_conforming_strings off and on Spark), SQL and Jinja.
VALUES = [
    "O'Brien",
    "a\\b",
    "tail\\",
    "it\\'s",
    "'); drop table x; --",
    "\\'); drop table x; --",
    "{{ 'jinja' }}",
    "plain",
]
OWNER = "ops\\team's"
WITH_QUOTE = sum("'" in v for v in VALUES)
BACKSLASHED = [v for v in VALUES if "\\" in v]
WITH_BACKSLASH = len(BACKSLASHED)


def _yaml_list(values: list[str]) -> str:
    return (
        "["
        + ", ".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values)
        + "]"
    )


CONTRACT = f"""
data_contract:
  name: hostile
  version: "1"
  owner: "ops\\\\team's"
  quality_checks:
    soda:
      checks:
        - name: every_value_known
          type: accepted_values
          column: v
          values: {_yaml_list(VALUES)}
        - name: no_backslash_regex
          type: regex
          column: v
          pattern: "^[^\\\\\\\\]*$"
        - name: amount_range
          type: range
          column: amount
          min: -9007199254740991
          max: 9007199254740991
    great_expectations:
      checks:
        - name: expect_column_values_to_not_be_in_set
          column: v
          value_set: {_yaml_list(BACKSLASHED)}
        - name: expect_column_values_to_not_match_like_pattern
          column: v
          like_pattern: "%'%"
    custom:
      - name: amount_in_range
        test: amount_between
        column: amount
        arguments: {{low: -1, high: 100, label: "'); drop table x; --\\\\"}}
      - name: builtin_known
        test: accepted_values
        column: v
        arguments: {{values: {_yaml_list(VALUES)}}}
"""

EXPECTED = {
    "every_value_known": 0,  # each value equals its literal: nothing fails
    "no_backslash_regex": WITH_BACKSLASH,
    "amount_range": 0,
    "expect_column_values_to_not_be_in_set": WITH_BACKSLASH,
    "expect_column_values_to_not_match_like_pattern": WITH_QUOTE,
    "amount_in_range": 0,
    "builtin_known": 0,  # dbt's accepted_values, given our quoted literals (quote: false)
}

PROJECT = """
name: hostile
version: "1.0.0"
config-version: 2
profile: hostile
# the results hook inserts contract values (owner) and results with the adapter's literals
on-run-end: "{{ dativo_dbt.record_results(results) }}"
seeds:
  hostile:
    +column_types: {id: integer, v: varchar(64), amount: integer}
    x:
      +column_types: {id: integer, note: varchar(128)}
"""


CUSTOM_TEST = """
{% test amount_between(model, column_name, low, high, label) %}
select {{ column_name }} from {{ model }}
where {{ column_name }} < {{ low }} or {{ column_name }} > {{ high }} or {{ label }} is null
{% endtest %}
"""


def _seed_csv() -> str:
    rows = ["id,v,amount"]
    for i, value in enumerate(VALUES, 1):
        rows.append(f'{i},"{value.replace(chr(34), chr(34) * 2)}",{i}')
    return "\n".join(rows) + "\n"


def write_project(root: Path) -> Path:
    """A small dbt project: seeds `hostile` (the values) and `x`, the model `hostile_model`."""
    root.mkdir(parents=True)
    (root / "dbt_project.yml").write_text(textwrap.dedent(PROJECT).lstrip())
    (root / "profiles.yml").write_text(profiles_yml("hostile"))
    (root / "packages.yml").write_text(
        f"packages:\n  - local: {REPO_ROOT}\n  - local: {REPO_ROOT}/dbt_packages_src/dbt_expectations\n"
    )
    for folder in ("seeds", "models", "macros", "contracts"):
        (root / folder).mkdir()
    (root / "seeds" / "hostile.csv").write_text(_seed_csv())
    (root / "seeds" / "x.csv").write_text("id,note\n1,must survive\n")
    (root / "models" / "hostile_model.sql").write_text("select * from {{ ref('hostile') }}\n")
    (root / "macros" / "amount_between.sql").write_text(CUSTOM_TEST)
    contract = CONTRACT.replace("name: hostile\n", "name: hostile\n  model: hostile_model\n", 1)
    (root / "contracts" / "hostile.yml").write_text(textwrap.dedent(contract).lstrip())
    return root


def _failures(project: DbtProject) -> dict[str, Any]:
    manifest, results = expand_batched_artifacts(project.manifest(), project.run_results())
    out: dict[str, Any] = {}
    for result in results["results"]:
        node = manifest["nodes"][result["unique_id"]]
        meta = node["config"].get("meta", {}).get("dativo") or {}
        if node["resource_type"] == "test" and "check" in meta:
            assert result["status"] in ("pass", "warn", "fail"), (meta["check"], result)
            out[meta["check"]] = result["failures"]
    return out


def _build(root: Path, target: str, pg_schema: str | None, pgoptions: str | None) -> None:
    """generate + build in both execution modes; each check fails on exactly its rows."""
    extra = {"PGOPTIONS": pgoptions} if pgoptions else {}
    for mode in ("per-check", "batched"):
        path = write_project(root / mode)
        schema = f"{pg_schema}_{mode.replace('-', '_')}" if pg_schema else None
        project = DbtProject(path, target=target, pg_schema=schema)
        project.dativo("validate", extra_env=extra)
        project.dativo("generate", "--execution", mode, extra_env=extra)
        project.dbt("deps", extra_env=extra)
        project.dbt("build", expect_rc=None, extra_env=extra)
        assert _failures(project) == EXPECTED, mode
        shown = project.dbt("show", "--inline", "select note from {{ ref('x') }}", extra_env=extra)
        assert "must survive" in shown.stdout, mode  # no table was dropped
        owners = project.dbt(
            "show",
            "--inline",
            "select distinct model_owner from {{ target.schema }}_dativo.dativo_test_runs",
            extra_env=extra,
        )
        assert OWNER in owners.stdout, (mode, owners.stdout)


def test_hostile_values_compare_literally_on_duckdb(tmp_path: Path) -> None:
    _build(tmp_path, "duckdb", None, None)


@pytest.mark.postgres
@pytest.mark.parametrize("conforming", ["on", "off"])
def test_hostile_values_compare_literally_on_postgres(
    tmp_path: Path, pg_schema: str, conforming: str
) -> None:
    # libpq's PGOPTIONS sets the session's standard_conforming_strings for dbt's connections
    _build(tmp_path, "postgres", pg_schema, f"-c standard_conforming_strings={conforming}")


# --------------------------------------------------------------------------------------------
# refused at validate: exit 2, one line naming file, line and field


REFUSED = {
    "sql_argument": (
        """
        data_contract:
          name: c
          version: "1"
          quality_checks:
            custom:
              - name: drop_it
                test: dbt_expectations.expression_is_true
                arguments:
                  expression: "1=1; drop table x; --"
        """,
        7,
        "data_contract.quality_checks.custom[0].test:",
    ),
    "row_condition": (
        """
        data_contract:
          name: c
          version: "1"
          quality_checks:
            custom:
              - name: rc
                test: amount_between
                arguments:
                  row_condition: "1=1) or (select 1 from x) is not null or (1=1"
        """,
        9,
        "data_contract.quality_checks.custom[0].arguments.row_condition: `row_condition` is SQL",
    ),
    "source_jinja": (
        """
        data_contract:
          name: c
          version: "1"
          source:
            name: s
            table: t
            database: "{{ run_query('drop table x') }}"
        """,
        7,
        "data_contract.source.database:",
    ),
    "var_call": (
        """
        data_contract:
          name: c
          version: "1"
          quality_checks:
            soda:
              checks:
                - {name: p, type: regex, column: v, pattern: "var('a', run_query('drop table x'))"}
        """,
        7,
        "data_contract.quality_checks.soda.checks[0]",
    ),
    "huge_bound": (
        """
        data_contract:
          name: c
          version: "1"
          quality_checks:
            soda:
              checks:
                - {name: r, type: range, column: v, max: 1234567890123456789012345678901234567890}
        """,
        7,
        "invalid YAML: an integer of more than 30 digits",
    ),
    "retention": (
        """
        data_contract:
          name: c
          version: "1"
          violation_handling:
            quarantine: {enabled: true, retention_days: 99999999}
        """,
        5,
        "data_contract.violation_handling.quarantine.retention_days:",
    ),
    "check_name": (
        """
        data_contract:
          name: c
          version: "1"
          quality_checks:
            soda:
              checks:
                - {name: "../../etc/passwd", type: not_null, column: v}
        """,
        7,
        "data_contract.quality_checks.soda.checks[0].name:",
    ),
    "empty": ("", None, "the file is empty"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refused_at_validate(tmp_path: Path, case: str) -> None:
    text, line, expected = REFUSED[case]
    root = write_project(tmp_path / "p")
    shutil.rmtree(root / "contracts")
    (root / "contracts").mkdir()
    (root / "contracts" / "c.yml").write_text(textwrap.dedent(text).lstrip())
    project = DbtProject(root)
    proc = project.dativo("validate", expect_rc=2)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    where = "error: contracts/c.yml" + (f":{line}: " if line else ": ")
    assert lines[0].startswith(where), lines[0]
    assert expected in lines[0], lines[0]
    assert "Traceback" not in proc.stderr


def test_allow_listed_test_with_trusted_sql_argument_passes(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p")
    (root / "contracts" / "c.yml").write_text(
        textwrap.dedent(REFUSED["sql_argument"][0])
        .lstrip()
        .replace("name: c\n", "name: c\n  model: m\n")
    )
    (root / "models" / "m.sql").write_text("select 1 as id\n")
    project = DbtProject(root)
    project.dativo("validate", expect_rc=2)
    (root / "dativo.yml").write_text(
        "security:\n  allowed_tests: [dbt_expectations.expression_is_true]\n"
    )
    still = project.dativo("validate", expect_rc=2)  # allowed, but `expression` is not trusted
    assert "`expression` is SQL" in still.stderr
    (root / "dativo.yml").write_text(
        "security:\n  allowed_tests: [dbt_expectations.expression_is_true]\n"
        "  trusted_sql_arguments: {dbt_expectations.expression_is_true: [expression]}\n"
    )
    project.dativo("validate")


@pytest.mark.parametrize("where", ["contracts/c.yml", "dativo.yml"])
def test_alias_bomb_fails_fast(tmp_path: Path, where: str) -> None:
    root = write_project(tmp_path / "p")
    levels = ['a0: &a0 ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 9):
        levels.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    (root / where).write_text("\n".join(levels) + "\n")
    started = time.monotonic()
    proc = DbtProject(root).dativo("validate", expect_rc=2)
    assert time.monotonic() - started < 5  # a CLI start included; the check itself is ms
    assert "expands to more than" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
