"""Pending runs: a run whose writer could not get the store's DuckDB lock in time (another process
holds it) or was interrupted while waiting is set aside as one file in `<store>.pending/`
(written to a temp file and renamed, so it is whole or absent). The next process that opens the
store for writing, or a reader before it reads, merges the pending runs and deletes their files,
so no writer waits on another indefinitely and no finished run is lost.
"""

from __future__ import annotations

import os
import uuid
from datetime import datetime
from pathlib import Path

import msgspec

from dativo_dbt.core import fileio
from dativo_dbt.history.rows import RunRows


class PendingRun(msgspec.Struct):
    recorded_at: str  # ISO-8601, when the run was scored
    rows: RunRows


def spool_dir(store: Path) -> Path:
    return store.parent / f"{store.name}.pending"


def spool(store: Path, rows: RunRows, recorded_at: datetime) -> Path:
    """Set one run aside for a later merge; returns its file."""
    folder = spool_dir(store)
    folder.mkdir(parents=True, exist_ok=True)
    data = msgspec.msgpack.encode(PendingRun(recorded_at.isoformat(), rows))
    target = folder / f"{uuid.uuid4().hex}-{os.getpid()}.run"
    fileio.write_atomic(target, data, fsync=True)
    return target


def pending_runs(store: Path) -> list[Path]:
    """The pending run files, oldest first."""
    try:
        files = [p for p in spool_dir(store).iterdir() if p.suffix == ".run"]
    except OSError:
        return []
    return sorted(files, key=lambda p: (_mtime(p), p.name))


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def load_pending(path: Path) -> PendingRun:
    return msgspec.msgpack.decode(path.read_bytes(), type=PendingRun)
