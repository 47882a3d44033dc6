"""Merge several run_results files into one latest-status view (e.g. a full `dbt build`, then a
`--select` re-run)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dativo_dbt.artifacts.commands import check_command, check_statuses
from dativo_dbt.artifacts.run_results import read_run_results
from dativo_dbt.artifacts.schema import ArtifactMetadata, ResultEntry, RunResults, RunResultsWithSql
from dativo_dbt.artifacts.timing import completed_at, timestamp


@dataclass
class RunResultsFile:
    path: Path
    metadata: ArtifactMetadata
    count: int
    which: str | None = None  # args.which: the dbt command that wrote the file


@dataclass
class MergedRunResults:
    """One latest-status view of several run_results files.

    For each unique_id the result with the latest completion time wins (the `execute` timing's
    `completed_at`, else the file's `metadata.generated_at`); on a tie the file given later wins.
    A node absent from every file has no entry (its tests count as `not_run`).
    """

    files: list[RunResultsFile] = field(default_factory=list)
    results: dict[str, ResultEntry] = field(default_factory=dict)

    def get(self, unique_id: str) -> ResultEntry | None:
        return self.results.get(unique_id)


def merge_run_results(paths: Sequence[str | Path], *, with_sql: bool = False) -> MergedRunResults:
    """Read and merge run_results files (e.g. a full `dbt build` then a `--select` re-run)."""
    merged = MergedRunResults()
    for path in unique_run_results_paths(paths):
        merge_into(merged, path, read_run_results(path, with_sql=with_sql))
    return merged


def unique_run_results_paths(paths: Sequence[str | Path]) -> list[Path]:
    """The run_results files of `paths` (a directory means its run_results.json), each once."""
    out: list[Path] = []
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            path = path / "run_results.json"
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            out.append(path)
    return out


def merge_into(merged: MergedRunResults, path: Path, rr: RunResults | RunResultsWithSql) -> None:
    """Add one decoded run_results file to `merged` (the latest result per node wins).
    A status dbt does not write is a DativoError naming the file."""
    which = rr.args.which if rr.args is not None else None
    check_command(path, which)
    check_statuses(path, rr.results)
    idx = len(merged.files)
    merged.files.append(
        RunResultsFile(path=path, metadata=rr.metadata, count=len(rr.results), which=which)
    )
    file_ts = rr.metadata.generated_at
    results = merged.results
    single = idx == 0
    for r in rr.results:
        if single:
            results[r.unique_id] = ResultEntry(r, idx, None)
            continue
        prev = results.get(r.unique_id)
        new_at = completed_at(r) or file_ts
        if prev is None:
            results[r.unique_id] = ResultEntry(r, idx, new_at)
            continue
        prev_at = (
            prev.completed_at
            or completed_at(prev.result)
            or merged.files[prev.source].metadata.generated_at
        )
        if timestamp(new_at) >= timestamp(prev_at):
            results[r.unique_id] = ResultEntry(r, idx, new_at)
