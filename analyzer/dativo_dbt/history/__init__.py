"""Score history: every `dativo-dbt score` run appended to a local DuckDB file (or read from the
warehouse tables the dbt package's on-run-end hook writes).

`location` (where the store lives, whether to record), `recording` (writing a run: now, on a
thread, or by the `detached` writer), `rows` (the rows of a run), `store` (the DuckDB tables),
`snapshot` / `adapt` (a run as the report reads it), `warehouse` (runs from the hook's tables).
"""

from __future__ import annotations

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
    from dativo_dbt.history.store import HistoryStore, RunSummary, TrendPoint, open_store

_STORE_NAMES = {"HistoryStore", "RunSummary", "TrendPoint", "open_store"}


def __getattr__(name: str) -> Any:
    """The store's names, imported on first use (the store imports DuckDB, which a `score`
    with history off, or recording on a thread, should not wait for)."""
    if name in _STORE_NAMES:
        from dativo_dbt.history import store

        return getattr(store, name)
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
