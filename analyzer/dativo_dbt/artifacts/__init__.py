"""Readers for dbt artifacts: manifest v9-v12 and run_results v4-v6 (dbt 1.5-1.11), catalog v1,
sources v3 (`dbt source freshness`)."""

from dativo_dbt.artifacts.reader import (
    Artifacts,
    FreshnessEntry,
    MergedFreshness,
    MergedRunResults,
    ResultEntry,
    load_artifacts,
    merge_run_results,
    merge_sources,
    read_catalog,
    read_manifest,
    read_run_results,
    read_sources,
)

__all__ = [
    "Artifacts",
    "FreshnessEntry",
    "MergedFreshness",
    "MergedRunResults",
    "ResultEntry",
    "load_artifacts",
    "merge_run_results",
    "merge_sources",
    "read_catalog",
    "read_manifest",
    "read_run_results",
    "read_sources",
]
