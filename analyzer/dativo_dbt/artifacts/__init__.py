"""Readers for dbt artifacts: manifest v9-v12 and run_results v4-v6 (dbt 1.5-1.11), catalog v1,
sources v3 (`dbt source freshness`)."""

from dativo_dbt.artifacts.decode import read_catalog
from dativo_dbt.artifacts.freshness import (
    FreshnessEntry,
    MergedFreshness,
    merge_sources,
    read_sources,
)
from dativo_dbt.artifacts.load import Artifacts, load_artifacts
from dativo_dbt.artifacts.manifest import read_manifest
from dativo_dbt.artifacts.merge import MergedRunResults, merge_run_results
from dativo_dbt.artifacts.run_results import read_run_results
from dativo_dbt.artifacts.schema import ResultEntry

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
