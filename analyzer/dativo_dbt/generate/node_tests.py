"""The `data_tests:` entries of a generated node and its columns, for the passes that rewrite them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

TEST_KEYS = ("data_tests", "tests")

# (entries, the column they are attached to or None) -> the new entries
Rewrite = Callable[[list[Any], str | None], list[Any]]


def rewrite_tests(node: dict[str, Any], rewrite: Rewrite) -> None:
    """Replace the node's test lists, then each column's, by what `rewrite` makes of them."""
    for key in TEST_KEYS:
        if node.get(key):
            node[key] = rewrite(node[key], None)
    for column in node.get("columns") or []:
        for key in TEST_KEYS:
            if column.get(key):
                column[key] = rewrite(column[key], str(column["name"]))


def split_test(entry: Any) -> tuple[str, dict[str, Any]] | None:
    """(`test name`, body) of a `data_tests:` entry, or None for forms we leave alone."""
    if isinstance(entry, str):
        return entry, {}
    if isinstance(entry, Mapping) and len(entry) == 1:
        name, body = next(iter(entry.items()))
        if isinstance(body, Mapping):
            return str(name), dict(body)
    return None
