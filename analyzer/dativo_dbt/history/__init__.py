"""Score history: every `dativo-dbt score` run appended to a local DuckDB file (or read from the
warehouse tables the dbt package's on-run-end hook writes).

Where the local store lives, first match wins:

1. an explicit path (`--history-path`),
2. the environment variable `DATIVO_HISTORY_PATH`,
3. `history: {path: ...}` in the project's `dativo.yml` (relative to the project directory),
4. `<project-dir>/.dativo/history.duckdb`.

Recording is switched off by `DATIVO_HISTORY=off` or `history: {enabled: false}` in `dativo.yml`.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from dativo_dbt.errors import DativoError
from dativo_dbt.history.snapshot import (
    CheckSnapshot,
    GateSnapshot,
    ModelSnapshot,
    RunSnapshot,
)
from dativo_dbt.history.store import HistoryStore, RunSummary, TrendPoint, open_store

__all__ = [
    "DEFAULT_RELATIVE_PATH",
    "CheckSnapshot",
    "GateSnapshot",
    "HistoryStore",
    "ModelSnapshot",
    "RunSnapshot",
    "RunSummary",
    "TrendPoint",
    "history_enabled",
    "open_store",
    "record",
    "record_or_warn",
    "resolve_history_path",
]

DEFAULT_RELATIVE_PATH = Path(".dativo") / "history.duckdb"
ENV_PATH = "DATIVO_HISTORY_PATH"
ENV_ENABLED = "DATIVO_HISTORY"


def _history_config(project_dir: Path) -> dict[str, Any]:
    """The `history:` mapping of `<project_dir>/dativo.yml` ({} when absent)."""
    path = project_dir / "dativo.yml"
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DativoError(
            f"invalid YAML: {exc}", path=path, line=(mark.line + 1) if mark else None
        ) from exc
    section = data.get("history") if isinstance(data, dict) else None
    if section is None:
        return {}
    if not isinstance(section, dict):
        raise DativoError("`history` must be a mapping with `path` and/or `enabled`", path=path)
    return section


def resolve_history_path(project_dir: str | Path = ".", explicit: str | Path | None = None) -> Path:
    """Where the local history store of `project_dir` lives (see the module docstring)."""
    project = Path(project_dir)
    if explicit:
        return Path(explicit)
    if os.environ.get(ENV_PATH):
        return Path(os.environ[ENV_PATH])
    configured = _history_config(project).get("path")
    if configured:
        candidate = Path(str(configured)).expanduser()
        return candidate if candidate.is_absolute() else project / candidate
    return project / DEFAULT_RELATIVE_PATH


def history_enabled(project_dir: str | Path = ".") -> bool:
    if os.environ.get(ENV_ENABLED, "").strip().lower() in {"0", "off", "false", "no"}:
        return False
    enabled = _history_config(Path(project_dir)).get("enabled", True)
    return enabled is not False


def record(
    project_score: Any,
    *,
    project_dir: str | Path = ".",
    path: str | Path | None = None,
    recorded_at: datetime | None = None,
) -> Path | None:
    """Append one scored run to the local history store; returns the store's path.

    `project_score` is the scoring API's `ProjectScore` (or an already built `RunSnapshot`).
    Idempotent per dbt invocation_id: recording the same run again replaces it. Returns None
    (and writes nothing) when history is switched off and no explicit path is given.
    """
    if path is None and not history_enabled(project_dir):
        return None
    from dativo_dbt.history.adapt import to_snapshot

    run = to_snapshot(project_score)
    target = resolve_history_path(project_dir, path)
    with open_store(target) as store:
        store.record(run, recorded_at=recorded_at)
    return target


def record_or_warn(
    project_score: Any, *, project_dir: str | Path = ".", path: str | Path | None = None
) -> Path | None:
    """`record`, but a history problem (locked or unreadable store, bad `history:` config) is
    printed as a warning on stderr instead of failing the command that scored the run."""
    import sys

    import duckdb

    try:
        return record(project_score, project_dir=project_dir, path=path)
    except (DativoError, duckdb.Error, OSError) as exc:
        text = exc.render() if isinstance(exc, DativoError) else str(exc)
        print(f"warning: score history not recorded: {text}", file=sys.stderr)
        return None
