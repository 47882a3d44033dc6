"""Contract values -> text that dbt renders (Jinja) and then pastes into SQL, safely.

dbt renders every test argument as a Jinja template, and dbt-expectations pastes most arguments
into SQL as written. So a contract value passes two gates here:

* SQL: numbers are validated as finite numbers within MAX_INTEGER and written as numbers; strings
  become `{{ dativo_dbt.sql_string('...') }}`: the dbt package quotes them at run time with the
  adapter's rules (PostgreSQL with or without standard_conforming_strings, DuckDB, Spark's
  backslash escapes, ...), passed with `quote_values: false`. Text a test quotes itself (LIKE
  patterns, regexes: dbt_expectations.quote_string, dispatched the same way) is passed as it is;
  regexes also get every single quote rewritten as the regex escape `\\x27`.
* Jinja: `{{`, `{%` and `{#` in a value are rewritten as `{{ '{{' }}` ... so dbt renders them back
  to the literal characters instead of evaluating them; a value dbt would call as a function
  (`var(...)`, `ref(...)`, `env_var(...)`: dbt wraps such test arguments in `{{ }}`) is refused.

Relative times (`now`, `2 hours ago`) become `dbt.dateadd(...)` over `dativo_dbt.now()` (which
honours the var `dativo_dbt_now`), and ISO dates become `cast('...' as timestamp)`.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Any

from dativo_dbt.core.vocabulary import describe

_JINJA_OPEN = re.compile(r"\{[{%#]")
_RELATIVE = re.compile(
    r"^\s*(\d+)\s+(second|minute|hour|day|week|month|year)s?\s+ago\s*$", re.IGNORECASE
)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)?$")
DATEPARTS = ("second", "minute", "hour", "day", "week", "month", "year")


#: The largest integer a contract may write (exact in a double; fits every warehouse's bigint).
MAX_INTEGER = 2**53 - 1
#: dbt wraps a test argument that looks like one of these calls in `{{ }}` and evaluates it
#: (dbt.clients.jinja.add_rendered_test_kwargs); refused in contract values (DOTALL: stricter).
_DBT_CALL = re.compile(r"^\s*(env_var|ref|var|source|doc)\s*\(.+\)\s*$", re.DOTALL)


class LiteralError(ValueError):
    """A contract value that cannot become a safe SQL literal (message says what is expected)."""


def jinja_escape(text: str) -> str:
    """Make `text` render to itself under Jinja (dbt renders test arguments); a text dbt would
    evaluate as a call (`var('x')`, see `_DBT_CALL`) is refused."""
    if _DBT_CALL.match(text):
        raise LiteralError(
            f"{text[:60]!r} looks like a dbt call (ref/source/var/env_var/doc), which dbt would "
            "evaluate; contracts carry data only"
        )
    return _JINJA_OPEN.sub(lambda m: "{{ '" + m.group(0) + "' }}", text)


def has_jinja(text: str) -> bool:
    """Whether dbt would evaluate `text` as Jinja (`{{`, `{%` or `{#` anywhere)."""
    return _JINJA_OPEN.search(text) is not None


_ESCAPED = re.compile(r"\{\{ '(\{[{%#])' \}\}")


def jinja_unescape(text: str) -> str | None:
    """What `text` renders to under Jinja when its only Jinja is `jinja_escape`'s escapes, else
    None (it holds an expression: only dbt can render it)."""
    parts = _ESCAPED.split(text)
    # split() alternates plain text and the escaped delimiters
    if any(_JINJA_OPEN.search(plain) for plain in parts[::2]):
        return None
    return "".join(parts)


def number(value: Any, *, integer: bool = False) -> int | float:
    """A finite number (bools and numeric-looking strings are rejected)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        kind = "an integer" if integer else "a number"
        raise LiteralError(f"expected {kind}, got {describe(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise LiteralError(f"expected a finite number, got {value!r}")
    if integer and not isinstance(value, int):
        raise LiteralError(f"expected an integer, got {value!r}")
    if isinstance(value, int) and abs(value) > MAX_INTEGER:
        raise LiteralError(f"expected an integer between -{MAX_INTEGER} and {MAX_INTEGER}")
    checked: int | float = value
    return checked


def sql_string(value: str) -> str:
    """An SQL string literal quoted by the dbt package with the adapter's rules:
    `O'Brien` -> `{{ dativo_dbt.sql_string('O\\'Brien') }}` (renders `'O''Brien'` on DuckDB)."""
    if not isinstance(value, str):
        raise LiteralError(f"expected a string, got {describe(value)}")
    if "\x00" in value:
        raise LiteralError("a NUL character cannot be part of an SQL literal")
    return "{{ dativo_dbt.sql_string(" + jinja_string(value) + ") }}"


sql_literal = sql_string


def jinja_string(text: str) -> str:
    """`text` as a Jinja string literal (renders back to exactly `text`)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def sql_value(value: Any) -> str | int | float:
    """A member of a value set: numbers as numbers, strings as quoted literals."""
    if isinstance(value, str):
        return sql_string(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise LiteralError(f"expected a string or a number, got {describe(value)}")
    return number(value)


def in_quotes(value: str) -> str:
    """Text a test quotes itself (a LIKE pattern: dbt_expectations.quote_string, dispatched per
    adapter): passed as it is, Jinja-escaped. Quoting it here too would escape it twice."""
    if not isinstance(value, str):
        raise LiteralError(f"expected a string, got {describe(value)}")
    if "\x00" in value:
        raise LiteralError("a NUL character cannot be part of an SQL literal")
    return jinja_escape(value)


def regex(pattern: str) -> str:
    """A regex for a macro that puts it inside single quotes: no quote survives.

    Outside a character class a quote becomes `\\x27` (or `(?:\\x27)` before a hex digit, since
    PostgreSQL reads as many hex digits as follow `\\x`); inside a class it moves to the class's
    end as `\\x27`. An escaped quote (`\\'`) is treated the same; every other escape is kept.
    RE2 (DuckDB, BigQuery), PostgreSQL, Snowflake and Spark all read these escapes.
    """
    if not isinstance(pattern, str):
        raise LiteralError(f"expected a string (a regular expression), got {describe(pattern)}")
    if "\x00" in pattern:
        raise LiteralError("a NUL character cannot be part of a regular expression")
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        char = pattern[i]
        if char == "\\" and i + 1 < n:
            if pattern[i + 1] == "'":
                out.append(_quote_escape(pattern, i + 2))
            else:
                out.append(pattern[i : i + 2])
            i += 2
        elif char == "[":
            text, i = _char_class(pattern, i)
            out.append(text)
        elif char == "'":
            out.append(_quote_escape(pattern, i + 1))
            i += 1
        else:
            out.append(char)
            i += 1
    return jinja_escape("".join(out))


_HEX = set("0123456789abcdefABCDEF")


def _quote_escape(pattern: str, next_index: int) -> str:
    following = pattern[next_index] if next_index < len(pattern) else ""
    return "(?:\\x27)" if following in _HEX and following else "\\x27"


def _char_class(pattern: str, start: int) -> tuple[str, int]:
    """Rewrite the bracket expression at `start`; returns (text, index after it)."""
    i, n = start + 1, len(pattern)
    head = "["
    if i < n and pattern[i] == "^":
        head += "^"
        i += 1
    members: list[str] = []
    if i < n and pattern[i] == "]":
        members.append("]")
        i += 1
    quote = False
    while i < n and pattern[i] != "]":
        char = pattern[i]
        if char == "\\" and i + 1 < n:
            if pattern[i + 1] == "'":
                quote = True
            else:
                members.append(pattern[i : i + 2])
            i += 2
        elif char == "[" and i + 1 < n and pattern[i + 1] in ":.=":
            end = pattern.find(pattern[i + 1] + "]", i + 2)
            end = n if end < 0 else end + 2
            members.append(pattern[i:end])
            i = end
        elif char == "'":
            before = "".join(members)
            after = pattern[i + 1] if i + 1 < n else ""
            if (before.endswith("-") and len(before) > 1) or (
                after == "-" and pattern[i + 2 : i + 3] not in ("]", "")
            ):
                raise LiteralError(
                    "a quote as the end of a character range ([a-']) is not supported; list it alone"
                )
            quote = True
            i += 1
        else:
            members.append(char)
            i += 1
    if i >= n:  # no closing bracket: leave it to the regex engine to report
        return head + "".join(members) + ("\\x27" if quote else ""), n
    return head + "".join(members) + ("\\x27" if quote else "") + "]", i + 1


def relative_time(value: str) -> str:
    """`now`, `N <unit>s ago` or an ISO date/time -> a portable SQL timestamp expression (Jinja)."""
    if not isinstance(value, str):
        raise LiteralError(f"expected a time, got {describe(value)}")
    text = value.strip()
    if text.lower() == "now":
        return "{{ dativo_dbt.now() }}"
    match = _RELATIVE.match(text)
    if match:
        amount, unit = int(match.group(1)), match.group(2).lower()
        if amount == 0:
            return "{{ dativo_dbt.now() }}"
        return f"{{{{ dbt.dateadd('{unit}', -{amount}, dativo_dbt.now()) }}}}"
    if _ISO_DATE.match(text):
        try:
            parsed = datetime.fromisoformat(text) if len(text) > 10 else date.fromisoformat(text)
        except ValueError as exc:
            raise LiteralError(f"invalid date {value!r}: {exc}") from exc
        iso = parsed.isoformat(sep=" ") if isinstance(parsed, datetime) else parsed.isoformat()
        return f"cast('{iso}' as {{{{ dbt.type_timestamp() }}}})"
    raise LiteralError(
        f"cannot read the time {value!r}: expected 'now', '<N> <unit>s ago' "
        f"(unit: {', '.join(DATEPARTS)}) or an ISO date like '2025-01-31'"
    )


def bound(value: Any) -> str | int | float:
    """A `min_value`/`max_value`: a number, or a time (see `relative_time`)."""
    if isinstance(value, str):
        try:
            return relative_time(value)
        except LiteralError as exc:
            raise LiteralError(
                f"expected a number or a time ('now', '2 hours ago', '2025-01-31'), got {value!r}"
            ) from exc
    return number(value)
