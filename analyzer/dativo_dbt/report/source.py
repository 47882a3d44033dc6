"""Where the report and `history` get their data: the scoring API, the history store, a baseline."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from dativo_dbt.core.errors import DativoError
from dativo_dbt.history import resolve_history_path
from dativo_dbt.history.adapt import (
    ManifestExtras,
    failing_test_ids,
    read_manifest_extras,
    to_snapshot,
)
from dativo_dbt.history.queries import RunSummary, TrendPoint
from dativo_dbt.history.snapshot import RunSnapshot
from dativo_dbt.history.store import HistoryStore, settle
from dativo_dbt.scoring.scored import score_or_load


def current_run(
    project_dir: Path,
    target_dir: Path,
    scores: Path | None = None,
    config_paths: Sequence[Path] = (),
) -> tuple[RunSnapshot, ManifestExtras | None]:
    """The run to report on: scored from `target_dir`'s artifacts (or a scores JSON file)."""
    project_score = score_or_load(project_dir, target_dir, scores=scores, config_paths=config_paths)
    manifest = target_dir / "manifest.json"
    extras = (
        read_manifest_extras(manifest, failing_test_ids(project_score))
        if manifest.is_file()
        else None
    )
    return to_snapshot(project_score, extras), extras


def baseline_run(
    project_dir: Path, baseline: Path, config_paths: Sequence[Path] = ()
) -> RunSnapshot:
    """A baseline run from a directory of artifacts (a dbt target dir, or a project with target/)."""
    if not baseline.is_dir():
        raise DativoError(
            "baseline must be a directory with manifest.json and run_results.json", path=baseline
        )
    target = baseline
    if (
        not (baseline / "manifest.json").is_file()
        and (baseline / "target" / "manifest.json").is_file()
    ):
        target = baseline / "target"
    return current_run(project_dir, target, config_paths=config_paths)[0]


def local_history(
    project_dir: Path, history_path: Path | None, last: int | None
) -> tuple[list[RunSummary], dict[str, list[TrendPoint]], Path, HistoryStore | None]:
    """The recorded runs and model trends of the local store ([] when it does not exist yet)."""
    path = resolve_history_path(project_dir, history_path)
    settle(path)  # a detached writer of the last `score` may still be creating the store
    if not path.exists():
        return [], {}, path, None
    store = HistoryStore(path, read_only=True)
    return store.runs(last), store.model_trends(last=last), path, store
