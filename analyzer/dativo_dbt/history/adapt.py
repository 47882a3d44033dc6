"""A scored run's history rows from the scoring API's `ProjectScore` (plus a few manifest fields).

`rows_from_score` is the one converter from the scoring objects: the store records its `RunRows`
and the report's `RunSnapshot` is derived from them (`to_snapshot`). `ProjectScore` carries
scores, gates and check results; the manifest adds what a person needs to act on a failure: the
model's owner and each failing test's compiled SQL. The manifest is decoded with msgspec, reading
only those fields.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from pathlib import Path
from typing import Any

import msgspec

from dativo_dbt.artifacts.interface import read_model_meta
from dativo_dbt.artifacts.run_results import read_compiled_code
from dativo_dbt.core.errors import DativoError
from dativo_dbt.history.rows import CheckRow, DimensionRow, ModelRow, RunRow, RunRows
from dativo_dbt.history.snapshot import FAILING_STATUSES, RunSnapshot, snapshot_from_rows

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
    """meta.dativo.owner (`artifacts.interface.ModelMeta`; config.meta first, then meta), else
    dbt's own meta.owner."""
    metas = []
    for raw in (node.config.meta, node.meta):
        value = msgspec.json.decode(raw)
        if isinstance(value, dict):
            metas.append(value)
    for meta in metas:
        dativo = read_model_meta(meta.get("dativo"))
        if dativo is not None and dativo.owner:
            return dativo.owner
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


def content_invocation_id(project_score: Any) -> str:
    """A stable id for artifacts without a dbt invocation_id (hand-made ones)."""
    digest = hashlib.sha256(msgspec.json.encode(project_score.to_dict())).hexdigest()
    return f"sha256-{digest[:32]}"


def run_identity(project_score: Any) -> tuple[str, str]:
    """(invocation_id, generated_at) a scored run is stored under: the newest run_results
    file's, else the manifest's invocation and the scoring time; artifacts without any dbt
    invocation id (hand-made ones) get a stable id derived from the content."""
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


def rows_from_score(project_score: Any, extras: ManifestExtras | None = None) -> RunRows:
    """The history rows of a scoring `ProjectScore`: statuses `not_run` stored as `skipped`,
    compiled SQL for failing checks only (`extras`' SQL, else the check's own: a batched check's
    failing rows), the contract's check name only for checks generated from a contract, a check
    listed twice under one model stored once.

    `extras` defaults to what the score itself carries (`extras_from_score`).
    """
    ps = project_score
    if extras is None:
        extras = extras_from_score(ps)
    models: list[ModelRow] = []
    dimensions: list[DimensionRow] = []
    checks: list[CheckRow] = []
    for model_position, m in enumerate(ps.models):
        uid = m.unique_id
        gate = m.gate
        models.append(
            ModelRow(
                uid,
                m.name,
                m.score,
                m.tier,
                m.contract,
                getattr(m, "owner", None) or extras.owners.get(uid),
                gate.passed,
                [f"{v.code}: {v.message}" for v in gate.violations if v.level == "error"],
                gate.min_score,
                model_position,
                [f"{v.code}: {v.message}" for v in gate.violations if v.level == "warning"],
            )
        )
        dimensions.extend(DimensionRow(uid, d, s) for d, s in m.dimension_scores.items())
        _add_check_rows(checks, uid, m.checks, extras.compiled_sql)
    invocation_id, generated_at = run_identity(ps)
    head = RunRow(
        invocation_id,
        generated_at,
        ps.project_name,
        extras.adapter_type,
        ps.dbt_version,
        ps.formula_version,
        ps.summary.score,
        ps.summary.gate_passed,
        "local",
    )
    return RunRows(head, models, dimensions, checks)


def _add_check_rows(
    out: list[CheckRow], model_id: str, model_checks: Any, sql: dict[str, str]
) -> None:
    """Append the rows of one model's checks (`CheckResult`s) to `out` (positional structs and
    local names: this runs once per check, 100,000 times on a big project)."""
    add = out.append
    failing = FAILING_STATUSES
    seen: set[str] = set()
    for position, c in enumerate(model_checks):
        cid = c.unique_id
        if cid in seen:
            continue
        seen.add(cid)
        status = c.status
        if status == "not_run":
            status = "skipped"
        add(
            CheckRow(
                model_id,
                cid,
                position,
                c.name,
                status,
                c.failures,
                c.severity,
                c.dimension,
                c.contract,
                c.check if c.from_meta else None,
                c.check_type,
                c.column,
                c.message,
                (sql.get(cid) or getattr(c, "compiled_code", None) or None)
                if status in failing
                else None,
                c.relation_name,
                c.weight,
            )
        )


def to_snapshot(project_score: Any, extras: ManifestExtras | None = None) -> RunSnapshot:
    """The `RunSnapshot` of a `ProjectScore`: the nested view of its history rows (a
    `RunSnapshot` is returned as is). `extras` as for `rows_from_score`."""
    if isinstance(project_score, RunSnapshot):
        return project_score
    return snapshot_from_rows(rows_from_score(project_score, extras))
