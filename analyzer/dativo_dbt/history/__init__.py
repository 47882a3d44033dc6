"""Score history: every `dativo-dbt score` run appended to a local DuckDB file (or read from the
warehouse tables the dbt package's on-run-end hook writes).

`location` (where the store lives, whether to record), `recording` (writing a run: now, on a
thread, or by the `detached` writer), `rows` (the rows of a run: the one shape, built by `adapt`
from a `ProjectScore`), `snapshot` (the nested view of those rows the report reads), `store` (the
DuckDB file: `tables`, `writing`, `queries`), `warehouse` (runs from the hook's tables),
`run` (the `history` command: the trends to show) and `display` (its tables and JSON).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from dativo_dbt.history.location import (
    DEFAULT_RELATIVE_PATH,
    ENV_ENABLED,
    ENV_PATH,
    history_enabled,
    resolve_history_path,
)
from dativo_dbt.history.recording import (
    PendingRecord,
    finish_recording,
    record,
    record_in_background,
    record_or_warn,
)
from dativo_dbt.history.snapshot import (
    CheckSnapshot,
    GateSnapshot,
    ModelSnapshot,
    RunSnapshot,
)

if TYPE_CHECKING:
    from dativo_dbt.history.queries import RunSummary, TrendPoint
    from dativo_dbt.history.store import HistoryStore, open_store

# name -> its module, imported on first use
_LAZY = {
    "HistoryStore": "store",
    "open_store": "store",
    "RunSummary": "queries",
    "TrendPoint": "queries",
}


def __getattr__(name: str) -> Any:
    """The store's names, imported on first use (the store imports DuckDB, which a `score`
    with history off, or recording on a thread, should not wait for)."""
    if name in _LAZY:
        return getattr(importlib.import_module(f"dativo_dbt.history.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_RELATIVE_PATH",
    "ENV_ENABLED",
    "ENV_PATH",
    "CheckSnapshot",
    "GateSnapshot",
    "HistoryStore",
    "ModelSnapshot",
    "PendingRecord",
    "RunSnapshot",
    "RunSummary",
    "TrendPoint",
    "finish_recording",
    "history_enabled",
    "open_store",
    "record",
    "record_in_background",
    "record_or_warn",
    "resolve_history_path",
]
