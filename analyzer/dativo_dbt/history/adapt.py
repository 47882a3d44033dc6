"""Build a `RunSnapshot` from the scoring API's `ProjectScore` (plus a few manifest fields).

`ProjectScore` carries scores, gates and check results; the manifest adds what a person needs to
act on a failure: the model's owner and each failing test's compiled SQL. The manifest is decoded
with msgspec, reading only those fields.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

import msgspec

from dativo_dbt.artifacts.run_results import read_compiled_code
from dativo_dbt.errors import DativoError
from dativo_dbt.history.snapshot import (
    FAILING_STATUSES,
    CheckSnapshot,
    GateSnapshot,
    ModelSnapshot,
    RunSnapshot,
)

_NULL = msgspec.Raw(b"null")


class _Config(msgspec.Struct, frozen=True):
    meta: msgspec.Raw = _NULL


class _Node(msgspec.Struct, frozen=True):
    # Raw: the JSON text is only sliced, not decoded (100,000 tests' SQL and meta cost nothing
    # until a value is needed).
    compiled_code: msgspec.Raw = _NULL
    meta: msgspec.Raw = _NULL
    config: _Config = msgspec.field(default_factory=_Config)


class _Metadata(msgspec.Struct, frozen=True):
    adapter_type: str | None = None


class _Manifest(msgspec.Struct, frozen=True):
    nodes: dict[str, _Node] = msgspec.field(default_factory=dict)
    sources: dict[str, _Node] = msgspec.field(default_factory=dict)
    metadata: _Metadata = msgspec.field(default_factory=_Metadata)


class ManifestExtras(msgspec.Struct):
    """Fields of manifest.json the scoring objects do not carry."""

    owners: dict[str, str]
    compiled_sql: dict[str, str]
    adapter_type: str | None = None


def _owner(node: _Node) -> str | None:
    """meta.dativo.owner (config.meta first, then meta), else meta.owner."""
    metas = []
    for raw in (node.config.meta, node.meta):
        value = msgspec.json.decode(raw)
        if isinstance(value, dict):
            metas.append(value)
    for meta in metas:
        dativo = meta.get("dativo")
        if isinstance(dativo, dict) and isinstance(dativo.get("owner"), str) and dativo["owner"]:
            return str(dativo["owner"])
    for meta in metas:
        if isinstance(meta.get("owner"), str) and meta["owner"]:
            return str(meta["owner"])
    return None


def read_manifest_extras(path: str | Path, tests: Collection[str] | None = None) -> ManifestExtras:
    """Owners of models/sources and the compiled SQL of `tests` (default: every test)."""
    path = Path(path)
    try:
        manifest = msgspec.json.decode(path.read_bytes(), type=_Manifest)
    except FileNotFoundError as exc:
        raise DativoError("manifest.json not found (run dbt first)", path=path) from exc
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise DativoError(f"not a dbt manifest: {exc}", path=path) from exc
    owners: dict[str, str] = {}
    compiled: dict[str, str] = {}
    for unique_id, node in {**manifest.sources, **manifest.nodes}.items():
        if unique_id.startswith("test."):
            if tests is None or unique_id in tests:
                code = msgspec.json.decode(node.compiled_code)
                if isinstance(code, str) and code:
                    compiled[unique_id] = code
            continue
        owner = _owner(node)
        if owner:
            owners[unique_id] = owner
    return ManifestExtras(owners, compiled, manifest.metadata.adapter_type)


def failing_test_ids(project_score: Any) -> set[str]:
    """unique_ids of the checks of a ProjectScore that failed, warned or errored."""
    return {
        c.unique_id for m in project_score.models for c in m.checks if c.status in FAILING_STATUSES
    }


def _run_results_newest_first(project_score: Any) -> list[Any]:
    """The run_results artifacts the score read, newest first (ties keep their read order)."""
    infos = [
        info
        for info in getattr(project_score, "artifacts", None) or []
        if "run_results" in f"{info.path} {info.dbt_schema_version}"
        or "run-results" in f"{info.path} {info.dbt_schema_version}"
    ]
    return sorted(infos, key=lambda info: info.generated_at or "", reverse=True)


def _run_results_info(project_score: Any) -> tuple[str | None, str | None]:
    """(invocation_id, generated_at) of the newest run_results artifact the score read."""
    infos = _run_results_newest_first(project_score)
    if not infos:
        return None, None
    return infos[0].invocation_id, infos[0].generated_at


def run_identity(project_score: Any) -> tuple[str, str]:
    """(invocation_id, generated_at) a scored run is stored under: the newest run_results
    file's, else the manifest's invocation and the scoring time; artifacts without any dbt
    invocation id (hand-made ones) get a stable id derived from the content."""
    from dativo_dbt.history.rows import content_invocation_id

    rr_invocation, rr_generated = _run_results_info(project_score)
    invocation_id = rr_invocation or project_score.invocation_id
    if not invocation_id:
        invocation_id = content_invocation_id(project_score)
    return invocation_id, rr_generated or project_score.generated_at


def extras_from_score(project_score: Any) -> ManifestExtras:
    """Owners and failing checks' SQL without decoding the manifest a second time: owners and the
    adapter come with the score; SQL the score did not keep is read from run_results, for the
    failing checks only (newest file first)."""
    owners = {m.unique_id: m.owner for m in project_score.models if getattr(m, "owner", None)}
    compiled: dict[str, str] = {}
    missing: set[str] = set()
    for m in project_score.models:
        for c in m.checks:
            if c.status in FAILING_STATUSES:
                if getattr(c, "compiled_code", None):
                    compiled[c.unique_id] = c.compiled_code
                else:
                    missing.add(c.unique_id)
    for info in _run_results_newest_first(project_score):
        if not missing or not Path(info.path).is_file():
            continue
        found = read_compiled_code(info.path, missing)
        for unique_id, code in found.items():
            if code:
                compiled[unique_id] = code
        missing -= found.keys()
    return ManifestExtras(owners, compiled, getattr(project_score, "adapter_type", None))


def manifest_path_of(project_score: Any) -> Path | None:
    for info in getattr(project_score, "artifacts", None) or []:
        if Path(info.path).name == "manifest.json" or "manifest" in info.dbt_schema_version:
            return Path(info.path)
    return None


def to_snapshot(project_score: Any, extras: ManifestExtras | None = None) -> RunSnapshot:
    """A `RunSnapshot` of a `ProjectScore` (a `RunSnapshot` is returned as is).

    `extras` defaults to the manifest the score was computed from, when that file still exists.
    Compiled SQL is kept for failing checks only (what a person needs to reproduce a failure).
    """
    if isinstance(project_score, RunSnapshot):
        return project_score
    ps = project_score
    if extras is None:
        extras = extras_from_score(ps)
    invocation_id, generated_at = run_identity(ps)
    models: list[ModelSnapshot] = []
    for m in ps.models:
        checks = []
        for c in m.checks:
            status = "skipped" if c.status == "not_run" else c.status
            checks.append(
                CheckSnapshot(
                    unique_id=c.unique_id,
                    name=c.name,
                    status=status,
                    failures=c.failures,
                    severity=c.severity,
                    dimension=c.dimension,
                    contract=c.contract,
                    check=c.check if c.from_meta else None,
                    check_type=c.check_type,
                    column=c.column,
                    message=c.message,
                    # the manifest's SQL, else the check's own (a batched check's failing rows)
                    compiled_sql=(
                        extras.compiled_sql.get(c.unique_id) or getattr(c, "compiled_code", None)
                    )
                    if status in FAILING_STATUSES
                    else None,
                    relation_name=c.relation_name,
                    weight=c.weight,
                )
            )
        reasons = [f"{v.code}: {v.message}" for v in m.gate.violations if v.level == "error"]
        warnings = [f"{v.code}: {v.message}" for v in m.gate.violations if v.level == "warning"]
        models.append(
            ModelSnapshot(
                unique_id=m.unique_id,
                name=m.name,
                score=m.score,
                dimensions=dict(m.dimension_scores),
                tier=m.tier,
                contract=m.contract,
                owner=getattr(m, "owner", None) or extras.owners.get(m.unique_id),
                gate=GateSnapshot(
                    passed=m.gate.passed,
                    reasons=reasons,
                    min_score=m.gate.min_score,
                    warnings=warnings,
                ),
                checks=checks,
            )
        )
    return RunSnapshot(
        invocation_id=invocation_id,
        generated_at=generated_at,
        models=models,
        overall_score=ps.summary.score,
        gate_passed=ps.summary.gate_passed,
        project=ps.project_name,
        target=extras.adapter_type,
        dbt_version=ps.dbt_version,
        formula_version=ps.formula_version,
    )
