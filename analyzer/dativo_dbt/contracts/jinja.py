"""Refuse Jinja (`{{`, `{%`, `{#`) in contract strings that reach the generated YAML as written."""

from __future__ import annotations

import re
from typing import Any

from dativo_dbt.contracts.docref import is_description, only_doc_refs
from dativo_dbt.contracts.models import LOCATION_RE
from dativo_dbt.core.errors import DativoError
from dativo_dbt.core.yaml_lines import dotted, line_of

_JINJA_RE = re.compile(r"\{[{%#]")
# keys of a check that land in dbt metadata or names (not escaped values)
_CHECK_META_KEYS = frozenset(
    {"name", "description", "test", "column", "type", "expectation", "dimension", "severity"}
)


def refuses_jinja(text: str) -> bool:
    """Whether a contract string that reaches the generated YAML as written (names, descriptions,
    meta, tags, source names...) must be refused: dbt would evaluate its Jinja. The one place to
    allow a narrow, safe form (e.g. a `{{ doc('name') }}` reference)."""
    return _JINJA_RE.search(text) is not None


def _jinja_allowed(path: tuple[Any, ...], text: str) -> bool:
    """Check values: the generator escapes them (literals.jinja_escape / jinja_string); a source's
    schema/database may start with exactly `{{ target.schema }}` / `{{ target.database }}`."""
    if path[:2] == ("data_contract", "source") and path[2:] in (("schema",), ("database",)):
        return re.fullmatch(LOCATION_RE, text) is not None
    if path[:2] != ("data_contract", "quality_checks") or len(path) < 4:
        return False
    if path[2] == "custom":
        return len(path) > 4 and path[4] == "arguments"
    return len(path) > 5 and path[3] == "checks" and path[5] not in _CHECK_META_KEYS


def jinja_errors(raw: Any, display: str) -> list[DativoError]:
    """`{{`, `{%`, `{#` in names and metadata: dbt would evaluate them as Jinja (check values are
    escaped by the generator instead, so they may hold anything)."""
    errors: list[DativoError] = []

    def visit(node: Any, path: tuple[Any, ...]) -> None:
        if isinstance(node, str):
            if (
                refuses_jinja(node)
                and not _jinja_allowed(path, node)
                and not (is_description(path) and only_doc_refs(node))  # {{ doc("name") }}
            ):
                errors.append(
                    DativoError(
                        f"{dotted(path)}: `{{{{`, `{{%` and `{{#` are not allowed here (dbt would "
                        "evaluate them as Jinja)",
                        path=display,
                        line=line_of(raw, path),
                    )
                )
        elif isinstance(node, dict):
            for key, value in node.items():
                visit(value, (*path, key))
        elif isinstance(node, list):
            for i, item in enumerate(node):
                visit(item, (*path, i))

    visit(raw, ())
    return errors
