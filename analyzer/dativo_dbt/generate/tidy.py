"""Final touches on a generated properties document before it is written."""

from __future__ import annotations

from typing import Any

from dativo_dbt.generate.node_tests import TEST_KEYS


def drop_empty_tests(doc: dict[str, Any]) -> dict[str, Any]:
    """Remove `data_tests: []` left on nodes and columns whose tests went into a batch."""
    nodes: list[dict[str, Any]] = list(doc.get("models") or [])
    for source in doc.get("sources") or []:
        nodes.extend(source.get("tables") or [])
    for node in nodes:
        for owner in [node, *(node.get("columns") or [])]:
            for key in TEST_KEYS:
                if key in owner and not owner[key]:
                    del owner[key]
    return doc
