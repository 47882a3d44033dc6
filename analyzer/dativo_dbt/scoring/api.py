"""`score_project`: the one entry point other parts of dativo-dbt use to score a dbt run."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dativo_dbt.artifacts.load import Artifacts, load_artifacts
from dativo_dbt.artifacts.schema import Manifest, Node
from dativo_dbt.config.model import DativoConfig
from dativo_dbt.scoring.build_state import fail_unbuilt_checks, find_build_failures
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
    Summary,
)

if TYPE_CHECKING:
    from dativo_dbt.config.loader import LoadedConfig


def _root_package(manifest: Manifest) -> str | None:
    if manifest.metadata.project_name:
        return manifest.metadata.project_name
    counts = Counter(n.package_name for n in manifest.nodes.values() if type(n) is Node)
    return counts.most_common(1)[0][0] if counts else None


def _owner_of(node: Any) -> str | None:
    """The node's owner: meta.dativo.owner (written from the contract), else dbt's meta.owner."""
    dativo = node.dativo_meta()
    if dativo is not None and dativo.owner:
        return str(dativo.owner)
    for meta in (node.config.meta if node.config is not None else None, node.meta):
        if meta is not None and isinstance(meta.owner, str) and meta.owner:
            return meta.owner
    return None


def _contract_of(node: Node, checks: list[CheckResult]) -> str | None:
    meta = node.dativo_meta()
    if meta is not None and meta.contract:
        return meta.contract
    for c in checks:
        if c.contract:
            return c.contract
    return None


def score_artifacts(
    artifacts: Artifacts,
    config: DativoConfig | LoadedConfig | None = None,
    *,
    fail_under: float | None = None,
) -> ProjectScore:
    """Score already-loaded artifacts (see `score_project`)."""
    from dativo_dbt.config.loader import LoadedConfig

    sources_list: list[str] = []
    if isinstance(config, LoadedConfig):
        sources_list = [str(p) for p in config.sources]
        cfg = config.config
    else:
        cfg = config or DativoConfig()
    sp = cfg.scoring
    manifest = artifacts.manifest
    by_model = build_checks(
        manifest,
        artifacts.run_results,
        severity_weights=sp.severity_weights,
        dimension_weights=sp.dimension_weights,
        timeout_seconds=cfg.check_timeout_seconds,
        manifest_path=artifacts.manifest_path,
    )
    if artifacts.freshness is not None:  # `dbt source freshness` results: one check per source
        fresh = build_freshness_checks(
            manifest,
            artifacts.freshness,
            severity_weights=sp.severity_weights,
            dimension_weights=sp.dimension_weights,
            timeout_seconds=cfg.check_timeout_seconds,
            manifest_path=artifacts.manifest_path,
        )
        for uid, fchecks in fresh.items():
            by_model.setdefault(uid, []).extend(fchecks)
    # fail closed: a model that did not build gets its not-run checks as errors and fails (DQ108)
    not_built = find_build_failures(manifest, artifacts.run_results, by_model)
    fail_unbuilt_checks(by_model, not_built, {u: manifest.nodes[u].name for u in not_built})
    root = _root_package(manifest)
    catalog_cols: dict[str, list[str]] = {}
    if artifacts.catalog is not None:
        for section in (artifacts.catalog.nodes, artifacts.catalog.sources):
            for uid, cn in section.items():
                catalog_cols[cn.unique_id or uid] = list(cn.columns)

    # Which nodes are scored: every model/seed/snapshot of the root project, plus any node (also a
    # source or a package's model) that has at least one test attached.
    candidates: list[tuple[str, Node]] = []
    for uid, any_node in manifest.nodes.items():
        if isinstance(any_node, Node) and (
            (type(any_node) is Node and any_node.package_name == root) or uid in by_model
        ):
            candidates.append((uid, any_node))
    for uid, src in manifest.sources.items():
        if uid in by_model:
            candidates.append((uid, src))

    models: list[ModelScore] = []
    for uid, node in candidates:
        checks = by_model.get(uid, [])
        tally = Tally(checks, sp.dimension_weights)
        dims = tally.dimension_scores(sp.empty_dimensions)
        score, raw = overall_score(
            dims,
            sp.dimension_weights,
            baseline_score=sp.baseline_score,
            max_positive_influence=sp.max_positive_influence,
            max_negative_influence=sp.max_negative_influence,
        )
        build_failure = not_built.get(uid)
        if build_failure is not None and tally.scored == 0:
            score = raw = None  # nothing was built nor tested: not scored, and the gate fails
        contract = _contract_of(node, checks)
        tier, tier_source = resolve_tier(node, cfg, contract)
        columns = catalog_cols.get(uid) or list(node.columns)
        gate = evaluate_gate(
            checks=checks,
            score=score,
            tier=tier,
            columns=columns,
            config=cfg,
            failed=tally.scored - tally.passed,
            errored_count=tally.error,
            timed_out_count=tally.timed_out,
            not_built=build_failure.describe() if build_failure is not None else None,
        )
        models.append(
            ModelScore(
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
                owner=_owner_of(node),
                checks_total=len(checks),
                checks_scored=tally.scored,
                checks_passed=tally.passed,
                checks_failed=tally.scored - tally.passed,
                checks_error=tally.error,
                checks_skipped=tally.skipped,
                weight_total=tally.weight_total,
                build_status=build_failure.status if build_failure is not None else None,
            )
        )
    models.sort(key=lambda m: m.unique_id)
    summary = summarize(
        models, cfg.rollup, fail_under=fail_under, orphan_checks=by_model.get(None, [])
    )
    meta = manifest.metadata
    infos = [
        ArtifactInfo(
            path=str(artifacts.manifest_path),
            dbt_schema_version=meta.dbt_schema_version,
            dbt_version=meta.dbt_version,
            generated_at=meta.generated_at,
            invocation_id=meta.invocation_id,
        )
    ]
    for f in artifacts.run_results.files:
        infos.append(
            ArtifactInfo(
                path=str(f.path),
                dbt_schema_version=f.metadata.dbt_schema_version,
                dbt_version=f.metadata.dbt_version,
                generated_at=f.metadata.generated_at,
                invocation_id=f.metadata.invocation_id,
            )
        )
    for f in artifacts.freshness.files if artifacts.freshness is not None else ():
        infos.append(
            ArtifactInfo(
                path=str(f.path),
                dbt_schema_version=f.metadata.dbt_schema_version,
                dbt_version=f.metadata.dbt_version,
                generated_at=f.metadata.generated_at,
                invocation_id=f.metadata.invocation_id,
            )
        )
    if artifacts.catalog is not None and artifacts.catalog_path is not None:
        cm = artifacts.catalog.metadata
        infos.append(
            ArtifactInfo(
                path=str(artifacts.catalog_path),
                dbt_schema_version=cm.dbt_schema_version,
                dbt_version=cm.dbt_version,
                generated_at=cm.generated_at,
                invocation_id=cm.invocation_id,
            )
        )
    return ProjectScore(
        schema_version=SCHEMA_VERSION,
        formula_version=FORMULA_VERSION,
        generated_at=datetime.now(timezone.utc)
        .isoformat(timespec="seconds")
        .replace("+00:00", "Z"),
        project_name=root,
        invocation_id=meta.invocation_id,
        dbt_version=meta.dbt_version,
        artifacts=infos,
        config=cfg.to_dict(),
        config_sources=sources_list,
        models=models,
        summary=summary,
        adapter_type=meta.adapter_type,
    )


def summarize(
    models: list[ModelScore],
    rollup: str,
    *,
    fail_under: float | None = None,
    orphan_checks: Sequence[CheckResult] = (),
) -> Summary:
    """Project roll-up over the models that have at least one scored check.

    `mean`: the plain mean of their scores (every model counts the same).
    `check_weighted`: the mean weighted by each model's total check weight (sum of the weights of
    its scored checks), so a model with many critical checks counts more.
    Models without scored checks (score 100 by assumption under count_as_100) are left out of the
    roll-up; `score` is None when no model has a scored check.
    """
    scored = [m for m in models if m.checks_scored > 0 and m.score is not None]
    if not scored:
        score: float | None = None
    elif rollup == "check_weighted":
        tw = sum(m.weight_total for m in scored)
        score = sum((m.score or 0.0) * m.weight_total for m in scored) / tw if tw > 0 else None
    else:
        score = sum(m.score or 0.0 for m in scored) / len(scored)
    all_checks = [c for m in models for c in m.checks] + list(orphan_checks)
    statuses: Counter[str] = Counter(c.status for c in all_checks)
    passed_models = sum(1 for m in models if m.gate.passed)
    gate_passed = passed_models == len(models)
    if fail_under is not None and (score is None or score < fail_under):
        gate_passed = False
    n_scored = sum(statuses[s] for s in ("pass", "fail", "warn", "error"))
    return Summary(
        score=score,
        rollup=rollup,
        models_total=len(models),
        models_scored=len(scored),
        models_passed=passed_models,
        models_failed=len(models) - passed_models,
        checks_total=len(all_checks),
        checks_scored=n_scored,
        checks_passed=statuses["pass"],
        checks_failed=n_scored - statuses["pass"],
        checks_error=statuses["error"],
        checks_skipped=statuses["skipped"],
        checks_not_run=statuses["not_run"],
        gate_passed=gate_passed,
        fail_under=fail_under,
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
        from dativo_dbt.scoring.baseline import compare

        base_artifacts = load_artifacts(
            baseline,
            run_results=baseline_run_results,
            catalog=catalog is not False,
            sources=sources is not False,
        )
        base = score_artifacts(base_artifacts, config)
        result.baseline = compare(result, base, str(baseline))
    return result
