"""What one dbt test for a check is (`Mapped`), why a check cannot become one (`MappingError`),
and the argument kinds: contract value -> test argument, validated through `checks.literals`."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dativo_dbt.checks import literals
from dativo_dbt.core.vocabulary import describe

DE = "dbt_expectations"


class MappingError(ValueError):
    """A check that cannot become a dbt test; the message names the key and what is expected."""

    def __init__(self, message: str, *, key: str | None = None) -> None:
        self.key = key
        super().__init__(message)


@dataclass(frozen=True)
class Mapped:
    """One dbt test for a check: the test, the column it attaches to, its arguments."""

    test: str
    column: str | None
    arguments: dict[str, Any]


# --------------------------------------------------------------------------------------------
# Argument kinds: contract value -> test argument (safe)

IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
TYPE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_ ]*(\(\s*\d+\s*(,\s*\d+\s*)?\))?$")
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _identifier(value: Any) -> str:
    if not isinstance(value, str) or not IDENT.match(value):
        raise literals.LiteralError(
            f"expected a column name (letters, digits, _), got {describe(value)}"
        )
    return value


def _list(value: Any, item: Callable[[Any], Any], *, min_len: int = 1) -> list[Any]:
    if not isinstance(value, list):
        raise literals.LiteralError(f"expected a list, got {describe(value)}")
    if len(value) < min_len:
        raise literals.LiteralError(f"expected at least {min_len} item(s)")
    return [item(v) for v in value]


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise literals.LiteralError(f"expected true or false, got {describe(value)}")
    return value


def _choice(*choices: str) -> Callable[[Any], str]:
    def convert(value: Any) -> str:
        if value not in choices:
            raise literals.LiteralError(
                f"expected one of {', '.join(choices)}, got {describe(value)}"
            )
        return str(value)

    return convert


def _type_name(value: Any) -> str:
    if not isinstance(value, str) or not TYPE_NAME.match(value):
        raise literals.LiteralError(
            f"expected a type name like `varchar` or `decimal(10,2)`, got {describe(value)}"
        )
    return literals.jinja_escape(value)  # refuses `var(1)`-like names dbt would call


def _day(value: Any) -> str:
    if not isinstance(value, str) or not ISO_DAY.match(value):
        raise literals.LiteralError(f"expected a date like '2025-01-31', got {describe(value)}")
    return value


def _model_ref(value: Any) -> str:
    return "{{ ref('" + _identifier(value) + "') }}"


def _pair(value: Any) -> list[Any]:
    if not isinstance(value, list) or len(value) != 2:
        raise literals.LiteralError("expected pairs like [a, b]")
    return [literals.sql_value(v) for v in value]


def _flags(value: Any) -> str:
    if not isinstance(value, str) or not re.match(r"^[a-z]*$", value):
        raise literals.LiteralError(f"expected regex flags like 'i', got {describe(value)}")
    return value


KINDS: dict[str, Callable[[Any], Any]] = {
    "number": literals.number,
    "int": lambda v: literals.number(v, integer=True),
    "bound": literals.bound,
    "bool": _bool,
    "column": _identifier,
    "columns": lambda v: _list(v, _identifier),
    # a number, or a column (the published package sums it: an expression there, a name here)
    "number_or_column": lambda v: _identifier(v) if isinstance(v, str) else literals.number(v),
    "values": lambda v: _list(v, literals.sql_value),
    "regex": literals.regex,
    "regexes": lambda v: _list(v, literals.regex),
    "like": literals.in_quotes,
    "likes": lambda v: _list(v, literals.in_quotes),
    "datepart": _choice(*literals.DATEPARTS),
    "match_on": _choice("any", "all"),
    "ignore_row_if": _choice("all_values_are_missing", "any_value_is_missing"),
    "transform": _choice("upper", "lower"),
    "model": _model_ref,
    "type": _type_name,
    "types": lambda v: _list(v, _type_name),
    "day": _day,
    "pairs": lambda v: _list(v, _pair),
    "flags": _flags,
}
