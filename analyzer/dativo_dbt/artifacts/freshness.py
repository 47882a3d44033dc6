"""Read and merge sources.json files (`dbt source freshness`, schema v3 in dbt 1.5-1.11)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from dativo_dbt.artifacts.decode import decode_artifact
from dativo_dbt.artifacts.merge import RunResultsFile
from dativo_dbt.artifacts.schema import SourceFreshnessResult, SourceFreshnessResults
from dativo_dbt.artifacts.timing import completed_at, timestamp


def read_sources(path: str | Path) -> SourceFreshnessResults:
    """Decode a sources.json (v3, `dbt source freshness` in dbt 1.5-1.11)."""
    return decode_artifact(Path(path), "sources", SourceFreshnessResults)


class FreshnessEntry(msgspec.Struct, gc=False):
    """The latest freshness result of one source across the merged sources.json files."""

    result: SourceFreshnessResult
    source: int  # index into `MergedFreshness.files`
    completed_at: str | None  # the execute step's end, else the file's generated_at


@dataclass
class MergedFreshness:
    """One latest-status view of several sources.json files, merged like run_results: per
    source, the result whose `execute` step completed last wins (else the file's `generated_at`,
    e.g. a runtime error has no timing); on a tie the file given later wins."""

    files: list[RunResultsFile] = field(default_factory=list)
    results: dict[str, FreshnessEntry] = field(default_factory=dict)

    def get(self, unique_id: str) -> FreshnessEntry | None:
        return self.results.get(unique_id)


def merge_sources(paths: Sequence[str | Path]) -> MergedFreshness:
    """Read and merge sources.json files (a file, or a directory holding `sources.json`)."""
    merged = MergedFreshness()
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            path = path / "sources.json"
        key = path.resolve()
        if key in seen:
            continue
        seen.add(key)
        doc = read_sources(path)
        idx = len(merged.files)
        merged.files.append(
            RunResultsFile(path=path, metadata=doc.metadata, count=len(doc.results))
        )
        for r in doc.results:
            at = completed_at(r) or doc.metadata.generated_at
            prev = merged.results.get(r.unique_id)
            if prev is None or timestamp(at) >= timestamp(prev.completed_at):
                merged.results[r.unique_id] = FreshnessEntry(r, idx, at)
    return merged
