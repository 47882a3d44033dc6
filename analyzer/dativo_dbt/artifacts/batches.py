"""The one place batch tests become per-check results (README "Execution modes and performance").

A batch test (`dativo_dbt.batched_checks`, written by `dativo-dbt generate --execution batched`)
runs many checks of one model in one query and one dbt node. Its `meta.dativo.batch` lists the
checks (test name, generic test, dbt severity, the check's own meta.dativo); its run result's
compiled SQL is headed by ``/* dativo_batched_results {json} */``: every check's failure count, the
rendered failing-rows SQL of each failing check, and the relation each quarantined check's failing
rows were stored in. :func:`expand_batch` turns both into one :class:`BatchedCheck` per check, as
its per-check test would have reported it; scoring (and through it gates, quarantine, report,
lineage, history and notifications) sees only these per-check records. The dbt hook does the same
in SQL (`macros/batched/batched_results.sql`).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import msgspec

from dativo_dbt.artifacts.interface import (
    BATCH_NAMESPACE,
    BATCH_TEST_NAME,
    MIXED_ERROR_IF,
    BatchEntry,
    TestMeta,
    read_batch,
    read_batch_results,
)


class BatchedCheck(msgspec.Struct, frozen=True, gc=False):
    """One check of a batch test, as its per-check test would have reported it."""

    unique_id: str  # test.<package>.<test name>.batched
    batch_id: str  # unique_id of the batch test node
    name: str  # the per-check test's name
    check: str  # meta.dativo.check
    test_name: str | None  # generic test without package (unique, expect_column_values_to_...)
    test_namespace: str | None  # its package (dbt_expectations, dativo_dbt) or None for dbt's
    column: str | None
    meta: TestMeta  # the check's own meta.dativo
    dbt_severity: str  # error | warn
    status: str  # pass | fail | warn | error | skipped (as the batch's, when it did not count)
    failures: int | None
    failing_sql: str | None = None  # the rows this check fails (reproduce SQL)
    quarantine_relation: str | None = None  # where its failing rows were stored (quarantine)


def is_batch_test(name: str | None, namespace: str | None) -> bool:
    """Whether a test's test_metadata (name, namespace) is a batch test's."""
    return name == BATCH_TEST_NAME and namespace == BATCH_NAMESPACE


def batch_entries(meta: Mapping[str, Any] | None) -> list[BatchEntry]:
    """The checks a batch's meta.dativo (as written) lists in `batch`, in order."""
    return read_batch((meta or {}).get("batch"))


def _status(batch_status: str | None, failures: int | None, severity: str) -> str:
    """A check's status: pass/fail/warn by its own count and dbt severity; without a count, the
    batch's error/skipped, or error (a run batch that recorded none never passes)."""
    if batch_status is None:
        return "not_run"
    if batch_status in ("error", "skipped"):
        return batch_status
    if failures is None:
        return "error"
    return "pass" if failures == 0 else ("fail" if severity == "error" else "warn")


def expand_batch(
    batch_id: str,
    entries: list[BatchEntry],
    *,
    status: str | None,
    compiled_code: str | None,
    node_severity: str = "error",
) -> list[BatchedCheck]:
    """One BatchedCheck per entry of a batch test. `status`: the batch's run status (None: not
    run). A check's status is pass/fail/warn by its own count and dbt severity; without a count
    (the batch errored, was skipped, or recorded none) it takes the batch's error/skipped."""
    package = batch_id.split(".")[1] if batch_id.count(".") >= 2 else ""
    payload = read_batch_results(compiled_code) if status is not None else None
    counted = status is not None and status not in ("error", "skipped") and payload is not None
    out = []
    for entry in entries:
        key = entry.test_name
        severity = (entry.dbt_severity or node_severity).lower()
        meta = entry.meta
        failures = payload.failures.get(key) if counted and payload is not None else None
        test_name, namespace = entry.test_name_and_namespace
        out.append(
            BatchedCheck(
                unique_id=f"test.{package}.{key}.batched",
                batch_id=batch_id,
                name=key,
                check=meta.check or key,
                test_name=test_name,
                test_namespace=namespace,
                column=meta.column or entry.column_name,
                meta=meta,
                dbt_severity=severity,
                status=_status(status, failures, severity),
                failures=failures,
                failing_sql=payload.sql.get(key) if payload is not None else None,
                quarantine_relation=payload.relations.get(key) if payload is not None else None,
            )
        )
    return out


def is_batch_node(node: Mapping[str, Any]) -> bool:
    """Whether a manifest node (a dict) is a batch test."""
    tm = node.get("test_metadata") or {}
    return node.get("resource_type") == "test" and is_batch_test(
        tm.get("name"), tm.get("namespace")
    )


def _node_dativo(node: Mapping[str, Any]) -> Mapping[str, Any]:
    config = node.get("config") or {}
    return (config.get("meta") or {}).get("dativo") or (node.get("meta") or {}).get("dativo") or {}


def _check_node(node: Mapping[str, Any], check: BatchedCheck) -> dict[str, Any]:
    """The manifest node the check's per-check test would have had (dict form)."""
    config = copy.deepcopy(dict(node.get("config") or {}))
    meta = check.meta.to_dict()
    config["meta"] = {**(config.get("meta") or {}), "dativo": meta}
    if str(config.get("severity", "error")).lower() != check.dbt_severity:
        config["severity"] = check.dbt_severity
    if config.get("error_if") == MIXED_ERROR_IF:
        del config["error_if"]
    return {
        **copy.deepcopy(dict(node)),
        "unique_id": check.unique_id,
        "name": check.name,
        "alias": check.name,
        "column_name": check.column,
        "config": config,
        "meta": {**(node.get("meta") or {}), "dativo": meta},
        "relation_name": check.quarantine_relation,
        "test_metadata": {
            "name": check.test_name or check.meta.check_type or "batched_check",
            "namespace": check.test_namespace,
            "kwargs": {"column_name": check.column, "batch": check.batch_id},
        },
    }


def _check_result(result: Mapping[str, Any], check: BatchedCheck, share: float) -> dict[str, Any]:
    status = check.status
    return {
        **copy.deepcopy(dict(result)),
        "unique_id": check.unique_id,
        "status": status,
        "failures": check.failures
        if status in ("fail", "warn")
        else (0 if status == "pass" else None),
        "execution_time": share,
        "compiled_code": check.failing_sql,
        "relation_name": check.quarantine_relation,
        "message": None
        if status == "pass"
        else (
            f"Got {check.failures} results (batched in {check.batch_id})"
            if status in ("fail", "warn")
            else result.get("message")
        ),
    }


def expand_batched_artifacts(
    manifest: Mapping[str, Any], run_results: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Copies of manifest.json and run_results.json (dicts) in which each batch test is replaced
    by one test node and one result per check (see :func:`expand_batch`), so code reading
    per-check artifacts sees batched runs like per-check runs. Execution time is shared equally."""
    nodes = dict(manifest.get("nodes") or {})
    results = list(run_results.get("results") or [])
    by_id = {r.get("unique_id"): r for r in results}
    new_results: list[dict[str, Any]] = []
    replaced: set[str] = set()
    for uid, node in list(nodes.items()):
        if not is_batch_node(node):
            continue
        result = by_id.get(uid)
        checks = expand_batch(
            uid,
            batch_entries(_node_dativo(node)),
            status=str(result.get("status")) if result is not None else None,
            compiled_code=result.get("compiled_code") if result is not None else None,
            node_severity=str((node.get("config") or {}).get("severity", "error")).lower(),
        )
        del nodes[uid]
        replaced.add(uid)
        share = float((result or {}).get("execution_time") or 0.0) / max(len(checks), 1)
        for check in checks:
            nodes[check.unique_id] = _check_node(node, check)
            if result is not None:
                new_results.append(_check_result(result, check, share))
    out_results = [r for r in results if r.get("unique_id") not in replaced] + new_results
    return {**dict(manifest), "nodes": nodes}, {**dict(run_results), "results": out_results}
