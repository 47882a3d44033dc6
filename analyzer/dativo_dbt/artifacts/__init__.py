"""Readers for dbt artifacts: manifest v9-v12 and run_results v4-v6 (dbt 1.5-1.11), catalog v1."""

from dativo_dbt.artifacts.reader import (
    Artifacts,
    MergedRunResults,
    ResultEntry,
    load_artifacts,
    merge_run_results,
    read_catalog,
    read_manifest,
    read_run_results,
)

__all__ = [
    "Artifacts",
    "MergedRunResults",
    "ResultEntry",
    "load_artifacts",
    "merge_run_results",
    "read_catalog",
    "read_manifest",
    "read_run_results",
]
