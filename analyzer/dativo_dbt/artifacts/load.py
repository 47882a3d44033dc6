"""Read everything of a dbt target directory at once: manifest, run_results (merged), catalog and
sources.json."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dativo_dbt.artifacts import prefetch
from dativo_dbt.artifacts.commands import check_commands
from dativo_dbt.artifacts.decode import read_catalog
from dativo_dbt.artifacts.freshness import MergedFreshness, merge_sources
from dativo_dbt.artifacts.manifest import read_manifest
from dativo_dbt.artifacts.merge import MergedRunResults, merge_run_results
from dativo_dbt.artifacts.run_results import remember_compiled_code
from dativo_dbt.artifacts.schema import Catalog, Manifest
from dativo_dbt.core.errors import DativoError


@dataclass
class Artifacts:
    """Everything read from a target directory."""

    target_dir: Path
    manifest_path: Path
    manifest: Manifest
    run_results: MergedRunResults
    catalog_path: Path | None = None
    catalog: Catalog | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    freshness: MergedFreshness | None = None  # sources.json (`dbt source freshness`), if read


def _manifest_and_results(
    manifest_path: Path, rr_paths: list[str | Path], with_sql: bool
) -> tuple[Manifest, MergedRunResults]:
    """The manifest, and the run_results files merged; large run_results decode in a forked child
    meanwhile (artifacts/prefetch.py)."""
    pending = None if with_sql else prefetch.start(rr_paths)
    try:
        manifest = read_manifest(manifest_path)
    except BaseException:
        if pending is not None:
            pending.abandon()
        raise
    got = pending.result() if pending is not None else None
    if got is None:
        return manifest, merge_run_results(rr_paths, with_sql=with_sql)
    merged, sql = got
    for path, found in sql.items():
        remember_compiled_code(path, found)
    return manifest, merged


def _catalog_path(target: Path, catalog: bool | str | Path) -> Path | None:
    if catalog is True:
        return target / "catalog.json" if (target / "catalog.json").is_file() else None
    return Path(catalog) if catalog else None


def _sources_paths(
    target: Path, sources: bool | str | Path | Sequence[str | Path]
) -> list[str | Path]:
    if sources is True:
        return [target / "sources.json"] if (target / "sources.json").is_file() else []
    if isinstance(sources, (str, Path)):
        return [sources]
    return list(sources) if sources else []


def load_artifacts(
    target_dir: str | Path,
    *,
    run_results: Sequence[str | Path] | None = None,
    catalog: bool | str | Path = True,
    with_sql: bool = False,
    sources: bool | str | Path | Sequence[str | Path] = True,
) -> Artifacts:
    """Read manifest.json, run_results.json (or the given files, merged), catalog.json and
    sources.json.

    `catalog=True` reads `target_dir/catalog.json` when it exists; a path reads that file (which
    must exist); False skips it. `sources` likewise for `target_dir/sources.json`, except that
    it also takes several files (merged, latest result per source wins).
    """
    target = Path(target_dir)
    if not target.is_dir():
        raise DativoError(
            "target directory not found; run `dbt build` first or pass --target-dir", path=target
        )
    manifest_path = target / "manifest.json"
    rr_paths: list[str | Path] = list(run_results) if run_results else [target / "run_results.json"]
    manifest, merged = _manifest_and_results(manifest_path, rr_paths, with_sql)
    check_commands(merged.files)
    cat_path = _catalog_path(target, catalog)
    cat = read_catalog(cat_path) if cat_path is not None else None
    src_paths = _sources_paths(target, sources)
    freshness = merge_sources(src_paths) if src_paths else None
    return Artifacts(target, manifest_path, manifest, merged, cat_path, cat, freshness=freshness)
