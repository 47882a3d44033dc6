"""`dbt source freshness` results (sources.json) as `CheckResult`s: one check per source.

Dimension: meta.dativo.dimension on the source, else `timeliness`. Severity: meta.dativo's, else
from dbt (`error_after` configured -> critical, only `warn_after` -> warning). Status: pass ->
pass, warn -> warn, error (stale beyond error_after) -> fail, runtime error -> error.
"""

from __future__ import annotations

from collections.abc import Mapping

from dativo_dbt.artifacts.freshness import MergedFreshness
from dativo_dbt.artifacts.interface import TestMeta
from dativo_dbt.artifacts.schema import (
    FreshnessCriteria,
    FreshnessThreshold,
    Manifest,
    SourceFreshnessResult,
    SourceNode,
)
from dativo_dbt.artifacts.timing import execute_completed_at
from dativo_dbt.core.errors import DativoError, DativoErrors
from dativo_dbt.core.vocabulary import DBT_SEVERITY_TO_SEVERITY
from dativo_dbt.scoring.check_rules import (
    SCORED_STATUSES,
    CheckOptions,
    check_severity,
    meta_problem,
    scored_dimension,
    timed_out,
)
from dativo_dbt.scoring.models import CheckResult

#: sources.json status -> check status (a stale source *fails*; only a runtime error errors)
FRESHNESS_STATUS = {"pass": "pass", "warn": "warn", "error": "fail", "runtime error": "error"}
_NO_RESULT = (
    "no result in sources.json (not selected by `dbt source freshness`, or a runtime error)"
)


def _threshold(t: FreshnessThreshold | None) -> str | None:
    if t is None or t.count is None:
        return None
    return f"{t.count:g} {t.period or ''}".strip()


def _age(seconds: float) -> str:
    if seconds < 0:  # max_loaded_at in the future (clock skew, time zones)
        return "-" + _age(-seconds)
    s = int(seconds)
    d, s = divmod(s, 86400)
    h, s = divmod(s, 3600)
    m, s = divmod(s, 60)
    if d:
        return f"{d}d {h}h {m}m"
    if h:
        return f"{h}h {m}m"
    return f"{m}m {s}s"


def freshness_message(
    status: str,
    max_loaded_at: str | None,
    age_seconds: float | None,
    criteria: FreshnessCriteria | None,
    error: str | None,
) -> str:
    """e.g. `stale (warn): max_loaded_at 2020-01-02T00:00:00+00:00, age 2516d 6h 28m; warn_after 24 hour`."""
    if status == "runtime error":
        return f"source freshness runtime error: {(error or '').strip()}"
    head = {"pass": "fresh", "warn": "stale (warn)", "error": "stale (error)"}.get(status, status)
    parts = [f"max_loaded_at {max_loaded_at or 'unknown (no rows?)'}"]
    if age_seconds is not None:
        parts.append(f"age {_age(age_seconds)}")
    msg = f"{head}: {', '.join(parts)}"
    if criteria is not None:
        limits = [
            f"{name} {v}"
            for name, v in (
                ("warn_after", _threshold(criteria.warn_after)),
                ("error_after", _threshold(criteria.error_after)),
            )
            if v
        ]
        if limits:
            msg += "; " + ", ".join(limits)
    return msg


def _configured(src: SourceNode) -> FreshnessCriteria | None:
    """The source's freshness config (top-level, else `config.freshness`)."""
    if src.freshness is not None:
        return src.freshness
    return src.config.freshness if src.config is not None else None


def _to_check(
    manifest: Manifest, freshness: MergedFreshness
) -> list[tuple[str, SourceFreshnessResult | None]]:
    """(source, its latest result) to score: every result, then every source with freshness
    configured (`warn_after` / `error_after`) but no result (None)."""
    todo: list[tuple[str, SourceFreshnessResult | None]] = [
        (uid, e.result) for uid, e in freshness.results.items()
    ]
    for uid, source_node in manifest.sources.items():
        fc = _configured(source_node)
        if uid not in freshness.results and fc is not None:
            warn_after = fc.warn_after is not None and fc.warn_after.count is not None
            if warn_after or fc.has_error_after():
                todo.append((uid, None))
    return todo


def _describe(
    meta: TestMeta | None, dbt_sev: str
) -> tuple[str, str, float | None, str | None, str | None] | str:
    """(dimension, severity, explicit weight, contract, contract_version) of a source's freshness
    check from its meta.dativo (timeliness and the dbt severity without one), or why that
    meta.dativo is invalid."""
    if meta is None:
        return "timeliness", DBT_SEVERITY_TO_SEVERITY[dbt_sev], None, None, None
    dimension = meta.dimension or "timeliness"
    severity = check_severity(meta.severity, dbt_sev)
    bad = meta_problem(dimension, severity, meta.weight)
    if bad is not None:
        return bad
    return dimension, severity, meta.weight, meta.contract, meta.version_text


def _source_check(
    uid: str,
    src: SourceNode,
    r: SourceFreshnessResult | None,
    severity_weights: Mapping[str, float],
    uniq_fold: bool,
    timeout_seconds: float | None,
) -> CheckResult | str:
    """The check of one source, or why its meta.dativo is invalid."""
    raw_status = r.status.lower() if r is not None else "not_run"
    status = FRESHNESS_STATUS.get(raw_status, raw_status)
    # a runtime error has no criteria: the manifest's
    criteria = (r.criteria if r is not None else None) or _configured(src)
    dbt_sev = "error" if criteria is not None and criteria.has_error_after() else "warn"
    meta = src.check_meta()
    described = _describe(meta, dbt_sev)
    if isinstance(described, str):
        return described
    dimension, severity, weight, contract, contract_version = described
    governed = meta is not None and bool(meta.contract)
    error = r.error if r is not None else None
    exec_time = r.execution_time if r is not None else None
    max_loaded_at = r.max_loaded_at if r is not None else None
    age_s = r.max_loaded_at_time_ago_in_s if r is not None else None
    check = "sla_freshness" if governed else "source_freshness"
    table = f"{src.source_name}.{src.name}" if src.source_name else src.name
    scored = status in SCORED_STATUSES
    return CheckResult(
        unique_id="source_freshness." + uid.split(".", 1)[-1],
        name=f"source_freshness_{table.replace('.', '_')}",
        check=check,
        check_type=check,
        test_name="source_freshness",
        test_namespace=None,
        model_unique_id=uid,
        column=None,
        dimension=dimension,  # type: ignore[arg-type]
        scored_dimension=scored_dimension(dimension, uniq_fold),  # type: ignore[arg-type]
        severity=severity,  # type: ignore[arg-type]
        weight=float(severity_weights[severity] if weight is None else weight),
        status=status,  # type: ignore[arg-type]
        scored=scored,
        passed=(status == "pass") if scored else None,
        failures=None,
        message=freshness_message(raw_status, max_loaded_at, age_s, criteria, error)
        if r is not None
        else _NO_RESULT,
        execution_time=exec_time,
        completed_at=execute_completed_at(r) if r is not None else None,
        relation_name=src.relation_name,
        contract=contract,
        contract_version=contract_version,
        origin="sla" if governed else "dbt",
        dbt_severity=dbt_sev,
        from_meta=meta is not None,
        timed_out=timed_out(status, error, exec_time, timeout_seconds),
        kind="source_freshness",
        max_loaded_at=max_loaded_at,
        age_seconds=age_s,
    )


def build_freshness_checks(
    manifest: Manifest,
    freshness: MergedFreshness,
    options: CheckOptions,
) -> dict[str | None, list[CheckResult]]:
    """One check per source with a `dbt source freshness` result, keyed by the source's unique_id
    (see the module docstring).

    A source with freshness configured (`warn_after`/`error_after`) but no result in any
    sources.json (not selected, or a runtime error dbt >= 1.10 leaves out of sources.json) gets a
    `not_run` check (reported, not scored). Results of sources absent from the manifest (removed
    since) are ignored.
    Raises DativoErrors for an invalid meta.dativo dimension/severity/weight, like tests.
    """
    out: dict[str | None, list[CheckResult]] = {}
    errors: list[DativoError] = []
    for uid, r in _to_check(manifest, freshness):
        src = manifest.sources.get(uid)
        if src is None:
            continue
        got = _source_check(
            uid, src, r, options.severity_weights, options.uniq_fold, options.timeout_seconds
        )
        if isinstance(got, str):
            errors.append(DativoError(f"source {uid}: {got}", path=options.manifest_path))
        else:
            out[uid] = [got]
    if errors:
        raise DativoErrors(errors)
    return out
