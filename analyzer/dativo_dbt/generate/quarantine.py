"""Quarantine handling in per-check execution: row-level checks store the model's failing rows.

A check under `quarantine` handling carries `store_failures` (builder.test_entry), so dbt stores
what its test returns. dbt-expectations row tests return only `expression` (often a boolean), which
identifies no row. Each such test whose check flags rows (not null, regex, range, value set) becomes
`dativo_dbt.quarantine_rows`: the same name and config (severity, tags, meta.dativo, store_failures,
schema), and as argument the failing-row query of batched execution (`batch_sql.render_failing_rows`):
`select * from <model> where <the per-check test's failing-row predicate>`, as many rows as the test
it replaces, each with the model's key, which `dativo_dbt.valid_rows` then excludes.

Table-level, multi-row and group checks (row counts, aggregates, freshness, uniqueness,
accepted_values' one row per value) keep their own test, and so do checks without quarantine.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from dativo_dbt.generate.batch_specs import to_check
from dativo_dbt.generate.batch_sql import ROW_KINDS, Unbatchable, relation_of, render_failing_rows
from dativo_dbt.generate.node_tests import rewrite_tests, split_test

QUARANTINE_TEST = "dativo_dbt.quarantine_rows"


def quarantine_entry(entry: Any, column: str | None, relation: str) -> Any:
    """The `quarantine_rows` form of one `data_tests:` entry, or the entry itself. `relation`:
    the Jinja reading the governed node (`ref(...)` / `source(...)`)."""
    split = split_test(entry)
    if split is None:
        return entry
    test, body = split
    if not (body.get("config") or {}).get("store_failures"):
        return entry
    check = to_check(test, column, body)
    if check is None or check.spec.get("kind") not in ROW_KINDS:
        return entry
    try:
        rows_sql = render_failing_rows(check.spec, relation)
    except Unbatchable:
        return entry
    new: dict[str, Any] = {"name": body["name"]}
    if body.get("description"):
        new["description"] = body["description"]
    new["arguments"] = {"rows_sql": rows_sql}
    new["config"] = copy.deepcopy(body["config"])
    # the test it stands for: scoring, lineage and the results hook report that test's name
    new["config"]["meta"]["dativo"]["replaces"] = test
    return {QUARANTINE_TEST: new}


def _rewrite_node(node: dict[str, Any], relation: str) -> None:
    rewrite_tests(
        node, lambda tests, column: [quarantine_entry(e, column, relation) for e in tests]
    )


def quarantine_rows(properties: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a per-check properties dict whose row-level quarantine tests store full rows."""
    out = copy.deepcopy(dict(properties))
    for model in out.get("models") or []:
        _rewrite_node(model, relation_of(model))
    for source in out.get("sources") or []:
        for table in source.get("tables") or []:
            _rewrite_node(table, relation_of(table, str(source["name"])))
    return out
