"""`score_project`: the one entry point other parts of dativo-dbt use to score a dbt run."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from dativo_dbt.artifacts.interface import ModelMeta
from dativo_dbt.artifacts.load import Artifacts, load_artifacts
from dativo_dbt.artifacts.merge import MergedRunResults
from dativo_dbt.artifacts.schema import ArtifactMetadata, Catalog, Manifest, Node
from dativo_dbt.config.loader import LoadedConfig
from dativo_dbt.config.model import DativoConfig
from dativo_dbt.scoring.baseline import compare
from dativo_dbt.scoring.build_state import (
    BuildFailure,
    fail_unbuilt_checks,
    find_build_failures,
)
from dativo_dbt.scoring.check_rules import CheckOptions
from dativo_dbt.scoring.checks import build_checks
from dativo_dbt.scoring.formula import FORMULA_VERSION, Tally, overall_score
from dativo_dbt.scoring.freshness_checks import build_freshness_checks
from dativo_dbt.scoring.gates import evaluate_gate, resolve_tier
from dativo_dbt.scoring.models import (
    SCHEMA_VERSION,
    ArtifactInfo,
    CheckResult,
    ModelScore,
    ProjectScore,
)
from dativo_dbt.scoring.rollup import summarize

ChecksByNode = dict[str | None, list[CheckResult]]  # key None: checks attached to no node
Unbuilt = dict[str, BuildFailure]


def _root_package(manifest: Manifest) -> str | None:
    """The root project: the manifest's project_name, else the package with the most models."""
    if manifest.metadata.project_name:
        return manifest.metadata.project_name
    counts = Counter(n.package_name for n in manifest.nodes.values() if type(n) is Node)
    return counts.most_common(1)[0][0] if counts else None


def _owner_of(node: Node, dativo: ModelMeta | None) -> str | None:
    """The node's owner: meta.dativo.owner (written from the contract), else dbt's meta.owner."""
    if dativo is not None and dativo.owner:
        return str(dativo.owner)
    for meta in (node.config.meta if node.config is not None else None, node.meta):
        if meta is not None and isinstance(meta.owner, str) and meta.owner:
            return meta.owner
    return None


def _contract_of(meta: ModelMeta | None, checks: list[CheckResult]) -> str | None:
    """The node's contract: meta.dativo.contract, else the first check's."""
    if meta is not None and meta.contract:
        return meta.contract
    for c in checks:
        if c.contract:
            return c.contract
    return None


def _effective_config(
    config: DativoConfig | LoadedConfig | None,
) -> tuple[DativoConfig, list[str]]:
    """The configuration to score with and the layer files it came from."""
    if isinstance(config, LoadedConfig):
        return config.config, [str(p) for p in config.sources]
    return config or DativoConfig(), []


def _collect_checks(artifacts: Artifacts, cfg: DativoConfig) -> ChecksByNode:
    """Every check (dbt tests, then `dbt source freshness` results), by the node it is on."""
    options = CheckOptions(
        severity_weights=cfg.scoring.severity_weights,
        dimension_weights=cfg.scoring.dimension_weights,
        timeout_seconds=cfg.check_timeout_seconds,
        manifest_path=artifacts.manifest_path,
    )
    by_model = build_checks(artifacts.manifest, artifacts.run_results, options)
    if artifacts.freshness is not None:  # `dbt source freshness` results: one check per source
        fresh = build_freshness_checks(artifacts.manifest, artifacts.freshness, options)
        for uid, fchecks in fresh.items():
            by_model.setdefault(uid, []).extend(fchecks)
    return by_model


def _fail_unbuilt(manifest: Manifest, results: MergedRunResults, by_model: ChecksByNode) -> Unbuilt:
    """Fail closed: a model that did not build gets its not-run checks as errors (DQ108)."""
    not_built = find_build_failures(manifest, results, by_model)
    fail_unbuilt_checks(by_model, not_built, {u: manifest.nodes[u].name for u in not_built})
    return not_built


def _catalog_columns(catalog: Catalog | None) -> dict[str, list[str]]:
    """The columns of each node and source in catalog.json, by unique_id."""
    columns: dict[str, list[str]] = {}
    if catalog is not None:
        for section in (catalog.nodes, catalog.sources):
            for uid, cn in section.items():
                columns[cn.unique_id or uid] = list(cn.columns)
    return columns


def _scored_nodes(
    manifest: Manifest, root: str | None, by_model: ChecksByNode
) -> list[tuple[str, Node]]:
    """Which nodes are scored: every model/seed/snapshot of the root project, plus any node (also
    a source or a package's model) that has at least one test attached."""
    candidates: list[tuple[str, Node]] = []
    for uid, any_node in manifest.nodes.items():
        if isinstance(any_node, Node) and (
            (type(any_node) is Node and any_node.package_name == root) or uid in by_model
        ):
            candidates.append((uid, any_node))
    for uid, src in manifest.sources.items():
        if uid in by_model:
            candidates.append((uid, src))
    return candidates


def _node_score(
    uid: str,
    node: Node,
    checks: list[CheckResult],
    *,
    cfg: DativoConfig,
    columns: list[str] | None,
    build_failure: BuildFailure | None,
) -> ModelScore:
    """One node's score, dimension scores, tier and gate."""
    sp = cfg.scoring
    tally = Tally(checks, sp.dimension_weights)
    dims = tally.dimension_scores(sp.empty_dimensions)
    score, raw = overall_score(
        dims,
        sp.dimension_weights,
        baseline_score=sp.baseline_score,
        max_positive_influence=sp.max_positive_influence,
        max_negative_influence=sp.max_negative_influence,
    )
    if build_failure is not None and tally.scored == 0:
        score = raw = None  # nothing was built nor tested: not scored, and the gate fails
    meta = node.dativo_meta()
    contract = _contract_of(meta, checks)
    tier, tier_source = resolve_tier(node, meta, cfg, contract)
    gate = evaluate_gate(
        checks=checks,
        score=score,
        tier=tier,
        columns=columns or list(node.columns),
        config=cfg,
        failed=tally.scored - tally.passed,
        errored_count=tally.error,
        timed_out_count=tally.timed_out,
        not_built=build_failure.describe() if build_failure is not None else None,
    )
    return ModelScore(
        unique_id=uid,
        name=node.name,
        resource_type=node.resource_type,
        package_name=node.package_name,
        original_file_path=node.original_file_path,
        score=score,
        raw_score=raw,
        dimension_scores=dims,
        tier=tier,  # type: ignore[arg-type]
        tier_source=tier_source,
        contract=contract,
        gate=gate,
        checks=checks,
        owner=_owner_of(node, meta),
        checks_total=len(checks),
        checks_scored=tally.scored,
        checks_passed=tally.passed,
        checks_failed=tally.scored - tally.passed,
        checks_error=tally.error,
        checks_skipped=tally.skipped,
        weight_total=tally.weight_total,
        build_status=build_failure.status if build_failure is not None else None,
    )


def _artifact_info(path: Path, meta: ArtifactMetadata) -> ArtifactInfo:
    return ArtifactInfo(
        path=str(path),
        dbt_schema_version=meta.dbt_schema_version,
        dbt_version=meta.dbt_version,
        generated_at=meta.generated_at,
        invocation_id=meta.invocation_id,
    )


def _artifact_infos(artifacts: Artifacts) -> list[ArtifactInfo]:
    """The metadata of every artifact read: manifest, run_results, sources.json, catalog."""
    infos = [_artifact_info(artifacts.manifest_path, artifacts.manifest.metadata)]
    infos += [_artifact_info(f.path, f.metadata) for f in artifacts.run_results.files]
    if artifacts.freshness is not None:
        infos += [_artifact_info(f.path, f.metadata) for f in artifacts.freshness.files]
    if artifacts.catalog is not None and artifacts.catalog_path is not None:
        infos.append(_artifact_info(artifacts.catalog_path, artifacts.catalog.metadata))
    return infos


def _utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def score_artifacts(
    artifacts: Artifacts,
    config: DativoConfig | LoadedConfig | None = None,
    *,
    fail_under: float | None = None,
) -> ProjectScore:
    """Score already-loaded artifacts (see `score_project`)."""
    cfg, sources_list = _effective_config(config)
    manifest = artifacts.manifest
    by_model = _collect_checks(artifacts, cfg)
    not_built = _fail_unbuilt(manifest, artifacts.run_results, by_model)
    root = _root_package(manifest)
    catalog_cols = _catalog_columns(artifacts.catalog)
    models = [
        _node_score(
            uid,
            node,
            by_model.get(uid, []),
            cfg=cfg,
            columns=catalog_cols.get(uid),
            build_failure=not_built.get(uid),
        )
        for uid, node in _scored_nodes(manifest, root, by_model)
    ]
    models.sort(key=lambda m: m.unique_id)
    summary = summarize(
        models, cfg.rollup, fail_under=fail_under, orphan_checks=by_model.get(None, [])
    )
    meta = manifest.metadata
    return ProjectScore(
        schema_version=SCHEMA_VERSION,
        formula_version=FORMULA_VERSION,
        generated_at=_utc_now(),
        project_name=root,
        invocation_id=meta.invocation_id,
        dbt_version=meta.dbt_version,
        artifacts=_artifact_infos(artifacts),
        config=cfg.to_dict(),
        config_sources=sources_list,
        models=models,
        summary=summary,
        adapter_type=meta.adapter_type,
    )


def score_project(
    target_dir: str | Path,
    config: DativoConfig | LoadedConfig | None = None,
    *,
    run_results: Sequence[str | Path] | None = None,
    catalog: bool | str | Path = True,
    baseline: str | Path | None = None,
    baseline_run_results: Sequence[str | Path] | None = None,
    fail_under: float | None = None,
    with_sql: bool = False,
    sources: bool | str | Path | Sequence[str | Path] = True,
) -> ProjectScore:
    """Score every model of a dbt run and evaluate its quality gates.

    Args:
        target_dir: dbt's target directory with `manifest.json` and `run_results.json`
            (and `catalog.json`, used for columns when present).
        config: the effective configuration: a `DativoConfig`, a `LoadedConfig` from
            `dativo_dbt.config.load_config(...)` (its layer files are recorded in the result), or
            None for the defaults of docs/INTERFACES.md section 2.
        run_results: run_results files (or directories holding one) to merge into one latest-status
            view instead of `target_dir/run_results.json`; e.g. a full build then a `--select` run.
        catalog: True: use `target_dir/catalog.json` if present; a path: that file; False: ignore.
        baseline: a previous run's target directory (e.g. from main): fills `ProjectScore.baseline`
            with per-model deltas, newly failing checks and tier drops.
        baseline_run_results: like `run_results`, for the baseline.
        fail_under: the project roll-up score must be >= this, else `summary.gate_passed` is False.
        with_sql: also read each test's compiled SQL from run_results into
            `CheckResult.compiled_code` (off by default to keep memory flat on big projects).
        sources: `dbt source freshness` results: True: `target_dir/sources.json` if present
            (and the baseline's); a path or paths: those sources.json files, merged (latest
            result per source wins); False: ignore. Each result is a check on its source.

    Returns:
        ProjectScore: `models` (one ModelScore per scored node, sorted by unique_id, each with its
        `checks` and `gate`), `summary` (roll-up, counts, `gate_passed`), the effective `config`,
        `formula_version` and artifact metadata. `ProjectScore.to_dict()` is the JSON document.

    Raises:
        DativoError: missing target dir/artifact, corrupt or unsupported artifact, invalid
            meta.dativo in a test (exit code 2 on the CLI).
    """
    artifacts = load_artifacts(
        target_dir, run_results=run_results, catalog=catalog, with_sql=with_sql, sources=sources
    )
    result = score_artifacts(artifacts, config, fail_under=fail_under)
    if baseline is not None:
        base_artifacts = load_artifacts(
            baseline,
            run_results=baseline_run_results,
            catalog=catalog is not False,
            sources=sources is not False,
        )
        base = score_artifacts(base_artifacts, config)
        result.baseline = compare(result, base, str(baseline))
    return result
