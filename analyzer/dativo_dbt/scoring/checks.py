"""Turn manifest test nodes + the merged run results into `CheckResult`s (one per test).

From `meta.dativo` (config.meta or meta) when the test was generated from a contract; otherwise
the default dimension by test name (`scoring.defaults`) and the severity from dbt's severity
(`error` -> critical, `warn` -> warning). Status semantics (docs/INTERFACES.md section 2):
`pass` passes; `fail` and `warn` fail; `error` fails (reported as error); `skipped`, and tests
absent from every run_results file (`not_run`), are reported but not scored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from dativo_dbt.artifacts.reader import MergedRunResults
from dativo_dbt.artifacts.schema import AnyNode, Manifest, Node, SourceNode, TestNode
from dativo_dbt.errors import DativoError, DativoErrors
from dativo_dbt.scoring.defaults import (
    DBT_SEVERITY_TO_SEVERITY,
    DIMENSIONS,
    SEVERITIES,
    default_dimension,
)
from dativo_dbt.scoring.models import CheckResult

_SEV_LOWER = {"ERROR": "error", "error": "error", "WARN": "warn", "warn": "warn"}
SCORED_STATUSES = frozenset({"pass", "fail", "warn", "error"})
_TIMEOUT_RE = re.compile(
    r"time(d)?[ -]?out|statement timeout|canceling statement|query was cancel", re.I
)


def attached_node(
    test: TestNode, nodes: Mapping[str, AnyNode], sources: Mapping[str, SourceNode]
) -> str | None:
    """The node a test belongs to: dbt's `attached_node`, else its first model/seed/snapshot/source
    parent (singular tests and, before dbt 1.6, source tests)."""
    if test.attached_node:
        return test.attached_node
    deps = test.depends_on.nodes if test.depends_on is not None else []
    for dep in deps:
        if dep in sources or isinstance(nodes.get(dep), Node):
            return dep
    return None


def build_checks(
    manifest: Manifest,
    results: MergedRunResults,
    *,
    severity_weights: Mapping[str, float],
    dimension_weights: Mapping[str, float],
    timeout_seconds: float | None,
    manifest_path: str | Path | None = None,
) -> dict[str | None, list[CheckResult]]:
    """All test nodes as checks, grouped by the unique_id of the node they are attached to.

    Raises DativoErrors listing every test whose meta.dativo has an invalid dimension, severity or
    weight.
    """
    nodes = manifest.nodes
    sources = manifest.sources
    by_model: dict[str | None, list[CheckResult]] = {}
    errors: list[DativoError] = []
    get_result = results.results.get
    uniq_fold = "uniqueness" not in dimension_weights
    sev_map = DBT_SEVERITY_TO_SEVERITY
    for uid, node in nodes.items():
        if type(node) is not TestNode:
            continue
        tm = node.test_metadata
        test_name = tm.name if tm is not None and tm.name else None
        namespace = tm.namespace if tm is not None else None
        cfg = node.config
        if cfg is not None:
            sev_raw = cfg.severity
            dbt_sev = (_SEV_LOWER.get(sev_raw) or sev_raw.lower()) if sev_raw else "error"
            meta = cfg.meta.dativo if cfg.meta is not None else None
        else:
            dbt_sev = "error"
            meta = None
        if meta is None and node.meta is not None:
            meta = node.meta.dativo
        column = node.column_name
        if column is None and tm is not None and tm.kwargs is not None:
            column = tm.kwargs.column_name
        contract = contract_version = None
        origin = "dbt"
        check = node.name
        check_type = test_name or "singular"
        from_meta = False
        weight: float | None = None
        if meta is not None and (meta.check or meta.dimension or meta.contract):
            from_meta = True
            dimension = meta.dimension or default_dimension(test_name)
            severity = meta.severity or sev_map.get(dbt_sev, "critical")
            if severity == "error":
                severity = "critical"
            weight = meta.weight
            check = meta.check or check
            check_type = meta.check_type or check_type
            origin = meta.origin or "contract"
            contract = meta.contract
            cv = meta.contract_version
            contract_version = None if cv is None else str(cv)
            column = meta.column or column
            if dimension not in DIMENSIONS:
                errors.append(
                    DativoError(
                        f"test {uid}: meta.dativo.dimension {dimension!r} is not one of {', '.join(DIMENSIONS)}",
                        path=manifest_path,
                    )
                )
                continue
            if severity not in SEVERITIES:
                errors.append(
                    DativoError(
                        f"test {uid}: meta.dativo.severity {severity!r} is not one of critical, warning, info",
                        path=manifest_path,
                    )
                )
                continue
            if weight is not None and weight < 0:
                errors.append(
                    DativoError(f"test {uid}: meta.dativo.weight must be >= 0", path=manifest_path)
                )
                continue
        else:
            dimension = default_dimension(test_name)
            severity = sev_map.get(dbt_sev, "critical")
        if weight is None:
            weight = severity_weights[severity]
        entry = get_result(uid)
        if entry is None:
            status = "not_run"
            failures = message = exec_time = completed = relation = None
        else:
            r = entry.result
            status = r.status if r.status in SCORED_STATUSES else r.status.lower()
            failures = r.failures
            message = r.message
            exec_time = r.execution_time
            relation = r.relation_name or node.relation_name
            completed = entry.completed_at
            if completed is None:
                for t in r.timing:
                    if t.name == "execute":
                        completed = t.completed_at
        scored = status in SCORED_STATUSES
        timed_out = False
        if (status == "error" and message and _TIMEOUT_RE.search(message)) or (
            timeout_seconds is not None and exec_time is not None and exec_time > timeout_seconds
        ):
            timed_out = True
        model_uid = node.attached_node or attached_node(node, nodes, sources)
        sdim = "consistency" if (uniq_fold and dimension == "uniqueness") else dimension
        # positional (field order of CheckResult): ~2x faster than keywords for 100,000 checks
        cr = CheckResult(
            uid,
            node.name,
            check,
            check_type,
            test_name,
            namespace,
            model_uid,
            column,
            dimension,  # type: ignore[arg-type]
            sdim,  # type: ignore[arg-type]
            severity,  # type: ignore[arg-type]
            float(weight),
            status,  # type: ignore[arg-type]
            scored,
            (status == "pass") if scored else None,
            failures,
            message,
            exec_time,
            completed,
            relation,
            contract,
            contract_version,
            origin,
            dbt_sev,
            from_meta,
            timed_out,
            getattr(r, "compiled_code", None) if entry is not None else None,
        )
        lst = by_model.get(model_uid)
        if lst is None:
            by_model[model_uid] = [cr]
        else:
            lst.append(cr)
    if errors:
        raise DativoErrors(errors)
    return by_model
