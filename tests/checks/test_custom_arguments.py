"""Custom checks (README "Security model"): which tests a contract may name, and every argument as
typed data; SQL arguments only when dativo.yml trusts the test and the argument."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from dativo_dbt.checks.custom_tests import (
    CustomArgumentError,
    CustomPolicy,
    custom_arguments,
    project_policy,
)
from dativo_dbt.checks.validate import load_contracts
from dativo_dbt.core.errors import DativoErrors

PROJECT = CustomPolicy(project_tests=frozenset({"my_rule"}))


def test_typed_arguments() -> None:
    args = custom_arguments(
        "my_rule",
        {
            "low": -1,
            "ratio": 0.5,
            "strict": True,
            "nothing": None,
            "label": "it's",
            "column_name": "amount",
            "other_column": "id",
            "columns": ["a", "b"],
            "to": "ref('customers')",
            "from_source": " source( 'shop' , 'orders' ) ",
            "pick": {"column": "c"},
            "period": {"keyword": "day"},
            "mixed": [1, "x"],
        },
        PROJECT,
    )
    assert args == {
        "low": -1,
        "ratio": 0.5,
        "strict": True,
        "nothing": None,
        "label": r"{{ dativo_dbt.sql_string('it\'s') }}",
        "column_name": "amount",
        "other_column": "id",
        "columns": ["a", "b"],
        "to": "ref('customers')",
        "from_source": "source('shop', 'orders')",
        "pick": "c",
        "period": "day",
        "mixed": [1, "{{ dativo_dbt.sql_string('x') }}"],
    }


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"expression": "1=1; drop table x"}, "`expression` is SQL"),
        ({"row_condition": "true"}, "`row_condition` is SQL"),
        ({"where": "1=1"}, "`where` is SQL"),
        ({"column_name": "a; drop table x"}, "expected a column name"),
        ({"x": {"sql": "select 1"}}, "{column: name}"),
        ({"model": "other"}, "set by dbt"),
        ({"config": {"severity": "warn"}}, "set by dbt"),
        ({"n": 10**30}, "between"),
        ({"n": float("nan")}, "finite"),
    ],
)
def test_refused_arguments(arguments: dict[str, object], message: str) -> None:
    with pytest.raises(CustomArgumentError, match=message.replace("{", r"\{").replace("(", r"\(")):
        custom_arguments("my_rule", arguments, PROJECT)


def test_strings_dbt_would_call_become_literals() -> None:
    # only the exact ref/source forms are relations; anything else is a quoted literal
    args = custom_arguments(
        "my_rule", {"to": "ref('a') or run_query('drop table x')", "x": "var('secret')"}, PROJECT
    )
    assert args == {
        "to": r"{{ dativo_dbt.sql_string('ref(\'a\') or run_query(\'drop table x\')') }}",
        "x": r"{{ dativo_dbt.sql_string('var(\'secret\')') }}",
    }


def test_which_tests_may_be_named() -> None:
    for test in ("my_rule", "unique", "not_null", "accepted_values", "relationships"):
        custom_arguments(test, {}, PROJECT)
    for test in ("expression_is_true", "dbt_expectations.expression_is_true", "dbt_utils.x"):
        with pytest.raises(CustomArgumentError, match="may not be named"):
            custom_arguments(test, {}, PROJECT)
    allowed = CustomPolicy(
        project_tests=frozenset(),
        allowed=frozenset({"dbt_expectations.expression_is_true"}),
        trusted={"dbt_expectations.expression_is_true": frozenset({"expression"})},
    )
    assert custom_arguments(
        "dbt_expectations.expression_is_true", {"expression": "a > {{ b }}"}, allowed
    ) == {"expression": "a > {{ '{{' }} b }}"}
    with pytest.raises(CustomArgumentError, match="`row_condition` is SQL"):
        custom_arguments("dbt_expectations.expression_is_true", {"row_condition": "x"}, allowed)


def test_project_policy_reads_the_project_and_dativo_yml(tmp_path: Path) -> None:
    (tmp_path / "dbt_project.yml").write_text("name: p\nversion: '1'\nprofile: p\n")
    (tmp_path / "macros").mkdir()
    (tmp_path / "macros" / "t.sql").write_text("{% test mine(model) %}select 1{% endtest %}\n")
    (tmp_path / "dativo.yml").write_text(
        "security:\n  allowed_tests: [pkg.t]\n  trusted_sql_arguments: {pkg.t: [where]}\n"
    )
    policy = project_policy(tmp_path)
    assert policy.project_tests == frozenset({"mine"})
    assert policy.allowed == frozenset({"pkg.t"})
    assert policy.trusted == {"pkg.t": frozenset({"where"})}


def test_custom_argument_columns_are_checked_against_the_asset(tmp_path: Path) -> None:
    contracts = tmp_path / "contracts"
    contracts.mkdir()
    (contracts / "c.yml").write_text(
        textwrap.dedent(
            """
            data_contract:
              name: c
              version: "1"
              quality_checks:
                custom:
                  - name: k
                    test: my_rule
                    arguments: {other_column: idd, pick: {column: nope}}
            asset:
              name: c
              schema:
                - {name: id, type: integer}
            """
        ).lstrip()
    )
    with pytest.raises(DativoErrors) as exc:
        load_contracts(contracts, display_root=tmp_path, policy=PROJECT)
    lines = str(exc.value).splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith(
        "contracts/c.yml:8: [DATIVO-DQ105] data_contract.quality_checks.custom[0].arguments"
        ".other_column: column 'idd' is not in the asset schema"
    )
    assert ".arguments.pick.column: column 'nope'" in lines[1]


def test_builtin_accepted_values_gets_our_quoted_literals() -> None:
    args = custom_arguments("accepted_values", {"values": ["a", 1]}, PROJECT)
    assert args == {"values": ["{{ dativo_dbt.sql_string('a') }}", 1], "quote": False}
    with pytest.raises(CustomArgumentError, match="quoted by dativo-dbt"):
        custom_arguments("accepted_values", {"values": ["a"], "quote": True}, PROJECT)
