"""Contract values -> safe SQL/Jinja text."""

from __future__ import annotations

import pytest
from dativo_dbt.checks import literals as L


def test_numbers_are_validated() -> None:
    assert L.number(3) == 3 and L.number(-1.5) == -1.5
    for bad in ("3", True, None, float("nan"), float("inf"), [1]):
        with pytest.raises(L.LiteralError):
            L.number(bad)
    with pytest.raises(L.LiteralError, match="expected an integer"):
        L.number(1.5, integer=True)


def test_strings_become_adapter_quoted_literals() -> None:
    # the dbt package quotes with the adapter's rules (macros/results/quoting.sql)
    assert L.sql_string("O'Brien") == r"{{ dativo_dbt.sql_string('O\'Brien') }}"
    assert L.sql_string("a\\'); drop table x; --") == (
        r"{{ dativo_dbt.sql_string('a\\\'); drop table x; --') }}"
    )
    assert L.sql_value(5) == 5 and L.sql_value("a") == "{{ dativo_dbt.sql_string('a') }}"
    with pytest.raises(L.LiteralError):
        L.sql_value(True)
    with pytest.raises(L.LiteralError):
        L.sql_string("a\x00b")


def test_jinja_is_neutralised() -> None:
    text = "{{ run_query('drop table x') }} {% set a = 1 %} {# c #}"
    escaped = L.jinja_escape(text)
    assert escaped == (
        "{{ '{{' }} run_query('drop table x') }} {{ '{%' }} set a = 1 %} {{ '{#' }} c #}"
    )
    from jinja2 import Environment

    assert Environment().from_string(escaped).render() == text


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("^[a-z]+@x\\.com$", "^[a-z]+@x\\.com$"),
        ("^O'Brien$", "^O(?:\\x27)Brien$"),  # \x27B would read as one hex escape in PostgreSQL
        ("it's", "it\\x27s"),
        ("x\\'y", "x\\x27y"),
        ("[a-z'0-9]+", "[a-z0-9\\x27]+"),
        ("[^']", "[^\\x27]"),
        ("[[:alpha:]']", "[[:alpha:]\\x27]"),
        ("'); drop table x; --", "\\x27); drop table x; --"),
        ("a{{2}", "a{{ '{{' }}2}"),
    ],
)
def test_regexes_never_carry_a_quote(pattern: str, expected: str) -> None:
    out = L.regex(pattern)
    assert out == expected
    assert "'" not in out.replace("{{ '{{' }}", "")


def test_regex_quote_in_range_is_refused() -> None:
    with pytest.raises(L.LiteralError, match="range"):
        L.regex("[a-']")


def test_like_patterns_are_quoted_once_by_the_test() -> None:
    # dbt_expectations.quote_string quotes the pattern: doubling here too escaped it twice
    assert L.in_quotes("O'B%") == "O'B%"
    assert L.in_quotes("{{ x }}%") == "{{ '{{' }} x }}%"


def test_values_dbt_would_call_are_refused() -> None:
    for text in ("var('x')", " env_var('SECRET') ", "ref('a', run_query('drop table x'))"):
        with pytest.raises(L.LiteralError, match="dbt call"):
            L.in_quotes(text)
        with pytest.raises(L.LiteralError, match="dbt call"):
            L.regex(text)
    with pytest.raises(L.LiteralError, match="between"):
        L.number(10**40)
    assert L.number(1e40) == 1e40


@pytest.mark.parametrize(
    ("text", "sql"),
    [
        ("now", "{{ dativo_dbt.now() }}"),
        ("2 hours ago", "{{ dbt.dateadd('hour', -2, dativo_dbt.now()) }}"),
        ("30 minutes ago", "{{ dbt.dateadd('minute', -30, dativo_dbt.now()) }}"),
        ("1 day ago", "{{ dbt.dateadd('day', -1, dativo_dbt.now()) }}"),
        ("0 days ago", "{{ dativo_dbt.now() }}"),
        ("2025-01-31", "cast('2025-01-31' as {{ dbt.type_timestamp() }})"),
        ("2025-01-31T10:00:00", "cast('2025-01-31 10:00:00' as {{ dbt.type_timestamp() }})"),
    ],
)
def test_relative_times(text: str, sql: str) -> None:
    assert L.relative_time(text) == sql


@pytest.mark.parametrize(
    "text", ["yesterday", "2 fortnights ago", "two hours ago", "2025-13-45", "now'); drop"]
)
def test_unparseable_times(text: str) -> None:
    with pytest.raises(L.LiteralError):
        L.relative_time(text)


def test_bounds() -> None:
    assert L.bound(0.5) == 0.5
    assert L.bound("now") == "{{ dativo_dbt.now() }}"
    with pytest.raises(L.LiteralError, match="expected a number or a time"):
        L.bound("ten")


@pytest.mark.parametrize(
    "value", ["it's", "a\\b", "tail\\", "\\'); drop table x; --", "{{ x }} {% y %} }}", "é\n\t"]
)
def test_jinja_string_renders_back_to_the_value(value: str) -> None:
    import jinja2

    env = jinja2.Environment()
    assert env.from_string("{{ " + L.jinja_string(value) + " }}").render() == value
