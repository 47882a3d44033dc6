"""The local history store: one embedded DuckDB file, appended to by every `dativo-dbt score`.

`HistoryStore` is a connection to it: opening with a bounded wait for DuckDB's file lock,
recording runs (`writing.py`) and reading them back (`queries.py`) in the tables of `tables.py`.
`store_run` is how a scored run is written (or set aside while the store is busy), `settle` what a
reader does first.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import msgspec

from dativo_dbt.core.errors import DativoError
from dativo_dbt.history import queries, spool
from dativo_dbt.history.detached import log_failure, wait_for_writers
from dativo_dbt.history.interrupt import deferred_sigint
from dativo_dbt.history.queries import RunSummary, TrendPoint
from dativo_dbt.history.rows import RunRows
from dativo_dbt.history.snapshot import RunSnapshot, rows_from_snapshot, snapshot_from_rows
from dativo_dbt.history.tables import create_tables
from dativo_dbt.history.timestamps import parse_timestamp
from dativo_dbt.history.writing import write_run

# How long a writer waits for DuckDB's file lock (held by another writer or a reader) before it
# sets its run aside as a pending file (history/spool.py); how long a reader waits for detached
# writers of finished runs and for the lock to merge pending runs before it reads.
LOCK_WAIT_SECONDS = 15.0
READER_WAIT_SECONDS = 60.0


class StoreBusy(DativoError):
    """DuckDB's lock on the store stayed held by another process for the whole wait."""


class HistoryStore:
    """A connection to the history DuckDB file (created with its tables on first write).

    Writers never wait for each other beyond `lock_wait` (DuckDB's own file lock, then StoreBusy).
    A reader first settles the store: it waits, bounded, for detached writers of finished runs and
    merges pending runs (`settle`), so it sees every run that finished before it started.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        read_only: bool = False,
        lock_wait: float | None = None,
        give_up: Callable[[], bool] | None = None,
    ) -> None:
        self.path = Path(path)
        self.read_only = read_only
        if read_only and str(self.path) != ":memory:":
            settle(self.path)
        wait = LOCK_WAIT_SECONDS if lock_wait is None else lock_wait
        self._conn = self._connect(wait, give_up)
        if not read_only:
            create_tables(self._conn)

    def _connect(
        self, lock_wait: float, give_up: Callable[[], bool] | None
    ) -> duckdb.DuckDBPyConnection:
        if str(self.path) == ":memory:":
            return duckdb.connect(":memory:")
        if self.read_only and not self.path.exists():
            raise DativoError(
                "no history yet: run `dativo-dbt score` (it records every run here)",
                path=self.path,
            )
        if not self.read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        # Another dativo-dbt process may hold DuckDB's file lock: wait, bounded (and no longer
        # once `give_up()` says so, e.g. after Ctrl-C).
        deadline = time.monotonic() + lock_wait
        delay = 0.02
        while True:
            try:
                return duckdb.connect(str(self.path), read_only=self.read_only)
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower():
                    raise DativoError(
                        f"cannot open the history store: {exc}", path=self.path
                    ) from exc
                if time.monotonic() >= deadline or (give_up is not None and give_up()):
                    raise StoreBusy(
                        f"the history store is locked by another process: {exc}", path=self.path
                    ) from exc
            except duckdb.Error as exc:
                raise DativoError(
                    f"not a readable DuckDB history store: {exc}", path=self.path
                ) from exc
            time.sleep(delay)
            delay = min(delay * 2, 0.25)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- writing -------------------------------------------------------------------------

    def merge_pending(self, stop: Callable[[], bool] | None = None) -> int:
        """Record the runs set aside in pending files (oldest first), deleting each file once its
        run is committed; returns how many were merged. `stop()` true: leave the rest. An
        unreadable file is renamed `*.bad` and logged to `<store>.log`, never blocking others."""
        merged = 0
        for path in spool.pending_runs(self.path):
            if stop is not None and stop():
                break
            try:
                item = spool.load_pending(path)
            except FileNotFoundError:
                continue
            except (OSError, msgspec.DecodeError) as exc:
                bad = path.with_suffix(".bad")
                path.replace(bad)
                log_failure(self.path, DativoError(f"unreadable pending run: {exc}", path=bad))
                continue
            self.record(item.rows, recorded_at=parse_timestamp(item.recorded_at))
            path.unlink(missing_ok=True)
            merged += 1
        return merged

    def record(self, run: RunSnapshot | RunRows, *, recorded_at: datetime | None = None) -> bool:
        """Store `run`, replacing an earlier record of the same invocation. True when replaced."""
        if self.read_only:
            raise DativoError("the history store is open read-only", path=self.path)
        rows = rows_from_snapshot(run) if isinstance(run, RunSnapshot) else run
        return write_run(self._conn, rows, recorded_at or datetime.now(timezone.utc))

    # ---- reading -------------------------------------------------------------------------

    def runs(self, last: int | None = None) -> list[RunSummary]:
        """Recorded runs, oldest first (only the `last` N when given)."""
        return queries.run_summaries(self._conn, last)

    def load_run(self, invocation_id: str) -> RunSnapshot | None:
        """The full record of one run, or None when it was never recorded."""
        rows = queries.run_rows(self._conn, invocation_id)
        return None if rows is None else snapshot_from_rows(rows)

    def latest_run(self) -> RunSnapshot | None:
        runs = self.runs(last=1)
        return self.load_run(runs[0].invocation_id) if runs else None

    def check_statuses(self, last: int | None = None) -> dict[str, dict[str, str]]:
        """Per check (test unique_id): its status in each of the last N runs, by invocation_id."""
        runs = self.runs(last)
        return queries.check_statuses(self._conn, runs) if runs else {}

    def project_trend(self, last: int | None = None) -> list[TrendPoint]:
        """The project's overall score per run, oldest first."""
        return [
            TrendPoint(r.invocation_id, r.generated_at, r.overall_score, gate_passed=r.gate_passed)
            for r in self.runs(last)
        ]

    def model_trends(
        self, model: str | None = None, last: int | None = None
    ) -> dict[str, list[TrendPoint]]:
        """Per model name: its score and dimension scores in each of the last N runs, oldest first.

        `model` matches a model's name or unique_id. Runs in which a model was not scored are
        absent from its series.
        """
        runs = self.runs(last)
        return queries.model_trends(self._conn, runs, model) if runs else {}


def settle(path: Path, timeout: float = READER_WAIT_SECONDS) -> None:
    """Before reading `path`: wait (bounded) for detached writers still recording finished runs,
    then merge pending runs. If the lock stays held, the reader goes on without them and says so."""
    deadline = time.monotonic() + timeout
    wait_for_writers(path, timeout=timeout)
    waiting = spool.pending_runs(path)
    if not waiting:
        return
    try:
        with HistoryStore(path, lock_wait=max(1.0, deadline - time.monotonic())) as store:
            store.merge_pending()
    except DativoError as exc:
        print(
            f"warning: {len(waiting)} finished run(s) not merged into the history yet: "
            f"{exc.render()}",
            file=sys.stderr,
        )


def store_run(path: Path, rows: RunSnapshot | RunRows, recorded_at: datetime | None = None) -> bool:
    """Write one run: merge pending runs, then record it, under DuckDB's lock; when the lock stays
    held (or Ctrl-C comes while waiting), set the run aside as a pending file instead. Ctrl-C
    never tears the write: it is raised as KeyboardInterrupt once the store is consistent.
    True when recorded now, False when set aside."""
    recorded = recorded_at or datetime.now(timezone.utc)
    with deferred_sigint() as interrupted:
        try:
            store = HistoryStore(path, give_up=interrupted.is_set)
        except StoreBusy:
            run = rows_from_snapshot(rows) if isinstance(rows, RunSnapshot) else rows
            spool.spool(path, run, recorded)
            return False
        with store:
            store.merge_pending(stop=interrupted.is_set)
            store.record(rows, recorded_at=recorded)
    return True


@contextmanager
def open_store(path: str | Path, *, read_only: bool = False) -> Iterator[HistoryStore]:
    store = HistoryStore(path, read_only=read_only)
    try:
        yield store
    finally:
        store.close()
