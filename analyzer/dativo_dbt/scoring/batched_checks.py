"""Batch tests (`dativo_dbt.batched_checks`) as `CheckResult`s: one per check of each batch, from
the per-check records of `artifacts.batches.expand_batch` (README "Execution modes and
performance"): the same test type, status, failures, reproduce SQL and stored failing rows as its
per-check test."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from dativo_dbt.artifacts.batches import BatchedCheck, batch_entries, expand_batch
from dativo_dbt.artifacts.merge import MergedRunResults
from dativo_dbt.artifacts.run_results import read_compiled_code
from dativo_dbt.artifacts.schema import ResultEntry, TestNode
from dativo_dbt.artifacts.timing import execute_completed_at
from dativo_dbt.core.errors import DativoError
from dativo_dbt.core.vocabulary import default_dimension
from dativo_dbt.scoring import check_rules as rules
from dativo_dbt.scoring.models import CheckResult


def _batch_sql(
    batches: list[tuple[str, TestNode]], results: MergedRunResults
) -> dict[str, str | None]:
    """compiled_code of the batch results: kept by the with_sql reader, else read for these only."""
    sql: dict[str, str | None] = {}
    wanted: dict[int, set[str]] = {}
    for uid, _ in batches:
        entry = results.get(uid)
        if entry is None:
            continue
        code = getattr(entry.result, "compiled_code", None)
        if code is not None:
            sql[uid] = code
        else:
            wanted.setdefault(entry.source, set()).add(uid)
    for source, uids in wanted.items():
        sql.update(read_compiled_code(results.files[source].path, uids))
    return sql


class _Batch:
    """What every check of one batch shares: its node, its run result, the time split."""

    def __init__(
        self, uid: str, entry: ResultEntry | None, model_uid: str | None, count: int
    ) -> None:
        self.uid = uid
        self.model_uid = model_uid
        r = entry.result if entry is not None else None
        self.ran = r is not None
        self.time = r.execution_time if r is not None else None
        self.message = r.message if r is not None else None
        self.completed = None
        if entry is not None and r is not None:
            self.completed = entry.completed_at or execute_completed_at(r)
        self.share = None if self.time is None else float(self.time) / max(count, 1)


def _check_result(
    bc: BatchedCheck,
    batch: _Batch,
    severity_weights: Mapping[str, float],
    uniq_fold: bool,
    timeout_seconds: float | None,
) -> CheckResult | str:
    """The CheckResult of one batched check, or why its meta.dativo is invalid."""
    meta = bc.meta
    dimension = meta.dimension or default_dimension(bc.test_name)
    severity = rules.check_severity(meta.severity, bc.dbt_severity)
    problem = rules.meta_problem(dimension, severity, meta.weight)
    if problem is not None:
        return problem
    # a batch absent from every run_results file: its checks were not run (as per-check)
    status = bc.status if batch.ran else "not_run"
    scored = status in rules.SCORED_STATUSES
    message = None if status == "pass" else batch.message
    if status in ("fail", "warn"):
        message = f"Got {bc.failures} results (batched in {batch.uid})"
    return CheckResult(
        unique_id=bc.unique_id,
        name=bc.name,
        check=bc.check,
        check_type=meta.check_type or bc.test_name or "batched_check",
        test_name=bc.test_name,
        test_namespace=bc.test_namespace,
        model_unique_id=batch.model_uid,
        column=bc.column,
        dimension=dimension,  # type: ignore[arg-type]
        scored_dimension=rules.scored_dimension(dimension, uniq_fold),  # type: ignore[arg-type]
        severity=severity,  # type: ignore[arg-type]
        weight=float(severity_weights[severity] if meta.weight is None else meta.weight),
        status=status,  # type: ignore[arg-type]
        scored=scored,
        passed=(status == "pass") if scored else None,
        failures=0 if status == "pass" else bc.failures,
        message=message,
        execution_time=batch.share,
        completed_at=batch.completed,
        relation_name=bc.quarantine_relation,
        contract=meta.contract,
        contract_version=meta.version_text,
        origin=meta.origin or "contract",
        dbt_severity=bc.dbt_severity,
        from_meta=True,
        timed_out=rules.timed_out(status, message, batch.time or 0, timeout_seconds),
        compiled_code=bc.failing_sql,
    )


def batched_checks(
    batches: list[tuple[str, TestNode, str | None]],
    results: MergedRunResults,
    errors: list[DativoError],
    *,
    severity_weights: Mapping[str, float],
    uniq_fold: bool,
    timeout_seconds: float | None,
    manifest_path: str | Path | None,
) -> list[tuple[str | None, CheckResult]]:
    """One CheckResult per check of each (batch id, batch node, attached node); an invalid
    meta.dativo is added to `errors` instead."""
    sql = _batch_sql([(uid, node) for uid, node, _ in batches], results)
    out: list[tuple[str | None, CheckResult]] = []
    for uid, node, model_uid in batches:
        cfg = node.config
        entry = results.get(uid)
        r = entry.result if entry is not None else None
        checks = expand_batch(
            uid,
            batch_entries(node.dativo_raw()),
            status=r.status.lower() if r is not None else None,
            compiled_code=sql.get(uid),
            node_severity=rules.dbt_severity(cfg.severity if cfg is not None else None),
        )
        batch = _Batch(uid, entry, model_uid, len(checks))
        for bc in checks:
            got = _check_result(bc, batch, severity_weights, uniq_fold, timeout_seconds)
            if isinstance(got, str):
                errors.append(DativoError(f"test {bc.unique_id}: {got}", path=manifest_path))
            else:
                out.append((model_uid, got))
    return out
