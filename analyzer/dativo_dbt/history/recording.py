"""Recording a scored run into the local history store: now, on a thread, or in a detached writer.

`record` writes and returns; `record_in_background` + `finish_recording` let `score` print its
output meanwhile (a big run goes to a detached child process, `history/detached.py`); history
problems are warnings, never the scoring command's failure.
"""

from __future__ import annotations

import sys
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from dativo_dbt.core.errors import DativoError
from dativo_dbt.history import detached
from dativo_dbt.history.adapt import rows_from_score
from dativo_dbt.history.interrupt import INTERRUPTED, deferred_sigint
from dativo_dbt.history.location import history_enabled, resolve_history_path
from dativo_dbt.history.snapshot import RunSnapshot


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
    pending = PendingRecord.start(project_score, project_dir=project_dir, path=path)
    if pending is None:
        return None
    pending.write(recorded_at)
    return pending.path


class PendingRecord:
    """A run's history rows, built; `write` (or a background thread: `in_background`) stores
    them. The DuckDB insert releases the GIL, so the caller can print its output meanwhile."""

    def __init__(self, rows: Any, path: Path, *, detach: Any = None) -> None:
        self.rows = rows
        self.path = path
        # a ProjectScore that a detached child records at `wait()` (history/detached.py): forked
        # after the caller's output, so printing it does not copy the pages the child shares
        self.detach = detach
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    @classmethod
    def start(
        cls, project_score: Any, *, project_dir: str | Path = ".", path: str | Path | None = None
    ) -> PendingRecord | None:
        """The rows to record, or None when history is switched off and no path is given."""
        if path is None and not history_enabled(project_dir):
            return None
        return cls(_rows(project_score), resolve_history_path(project_dir, path))

    def write(self, recorded_at: datetime | None = None) -> None:
        """Record the run now (or set it aside as a pending run while the store is locked by
        another process: `history/spool.py`); Ctrl-C waits for a consistent store."""
        # imported here: the store imports DuckDB, which `score` with history off, or recording
        # detached, should not load
        from dativo_dbt.history.store import store_run

        store_run(self.path, self.rows, recorded_at)

    def in_background(self) -> PendingRecord:
        def work() -> None:
            try:
                self.write()
            except BaseException as exc:  # reported by wait()
                self._error = exc

        self._thread = threading.Thread(target=work, name="dativo-history", daemon=False)
        self._thread.start()
        return self

    def wait(self) -> BaseException | None:
        """Join the background write; its exception, if any. A run to record detached is
        handed to its writer process here, which is not waited for (readers of the store wait
        for it); if a thread started meanwhile makes forking unsafe, it is written now."""
        if self.detach is not None:
            score, self.detach = self.detach, None
            try:
                if threading.active_count() == 1:
                    detached.start(score, self.path, after_parent_exit=True)
                else:
                    self.rows = _rows(score)
                    self.write()
            except Exception as exc:  # e.g. no fork possible: reported like a failed write
                return exc
            return None
        if self._thread is not None:
            # Ctrl-C now: the thread stops waiting for a lock (its run goes to a pending file)
            # or finishes its transaction; KeyboardInterrupt comes after.
            with deferred_sigint():
                self._thread.join()
            self._thread = None
        return self._error


def _rows(project_score: Any) -> Any:
    """The rows to store: a RunSnapshot as is (the store converts it), else built from the score."""
    if isinstance(project_score, RunSnapshot):
        return project_score
    return rows_from_score(project_score)


def _warn(exc: BaseException) -> None:
    text = exc.render() if isinstance(exc, DativoError) else str(exc)
    print(f"warning: score history not recorded: {text}", file=sys.stderr)


def _recoverable(exc: BaseException) -> bool:
    import duckdb  # here: loaded only once a history write failed (see PendingRecord.write)

    return isinstance(exc, (DativoError, duckdb.Error, OSError))


def record_in_background(
    project_score: Any, *, project_dir: str | Path = ".", path: str | Path | None = None
) -> PendingRecord | None:
    """Record without holding up the caller: a big run in a detached child process
    (`history/detached.py`), else rows built now and written on a thread. Call
    `finish_recording` on the result before exiting. A bad `history:` config is printed as a
    warning (None returned)."""
    INTERRUPTED.clear()  # a Ctrl-C noted for an earlier recording in this process is not ours
    try:
        if path is None and not history_enabled(project_dir):
            return None
        store = resolve_history_path(project_dir, path)
        if not isinstance(project_score, RunSnapshot) and detached.wanted(project_score):
            return PendingRecord(None, store, detach=project_score)
        rows = _rows(project_score)
    except (DativoError, OSError) as exc:
        _warn(exc)
        return None
    return PendingRecord(rows, store).in_background()


def finish_recording(pending: PendingRecord | None) -> Path | None:
    """Wait for a background record; a history problem (locked or unreadable store) is printed
    as a warning on stderr instead of failing the command that scored the run."""
    if pending is None:
        return None
    error = pending.wait()
    if error is None:
        return pending.path
    if not _recoverable(error):
        raise error
    _warn(error)
    return None


def record_or_warn(
    project_score: Any, *, project_dir: str | Path = ".", path: str | Path | None = None
) -> Path | None:
    """`record`, but a history problem (locked or unreadable store, bad `history:` config) is
    printed as a warning on stderr instead of failing the command that scored the run."""
    try:
        return record(project_score, project_dir=project_dir, path=path)
    except Exception as exc:
        if not _recoverable(exc):
            raise
        _warn(exc)
        return None
