"""Decode large run_results files in a forked child while the parent decodes the manifest.

On a big project the two decodes are independent and each is one CPU-bound msgspec call that holds
the GIL, so a thread cannot overlap them; a `fork()`ed child can. The child merges the run_results
files exactly like `merge_run_results`, also keeps the compiled SQL that later steps ask for (failing
tests: the history and report show it; batch tests: their per-check results live in it), and
hands everything back as one msgpack file. The parent's cost is decoding that file, a fraction
of decoding the JSON.

Used only where it pays and is safe: POSIX `fork`, no other thread running, and at least one file
of `PREFETCH_MIN_BYTES`. Any failure of the child other than a reported `DativoError` (killed,
crashed, unreadable payload) makes the parent decode the files itself, so the result never depends
on whether the prefetch ran.
"""

from __future__ import annotations

import os
import signal
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import cast

import msgspec

from dativo_dbt.artifacts.decode import check_head
from dativo_dbt.artifacts.interface import RESULTS_TAG
from dativo_dbt.artifacts.merge import (
    MergedRunResults,
    RunResultsFile,
    merge_into,
    merge_run_results,
    unique_run_results_paths,
)
from dativo_dbt.artifacts.schema import (
    ArtifactMetadata,
    ResultEntry,
    RunArgs,
    RunResultLean,
    RunResults,
)
from dativo_dbt.artifacts.timing import execute_completed_at
from dativo_dbt.core.errors import DativoError

#: below this size (all files together) the fork costs more than it saves
PREFETCH_MIN_BYTES = 64 * 1024 * 1024
#: failing statuses whose compiled SQL is kept (what a person needs to reproduce a failure)
FAILING = frozenset({"fail", "warn", "error"})
#: the batch test's results header (`artifacts.interface.RESULTS_MARK`), found without a decode
BATCH_MARK = RESULTS_TAG.encode()


class _ResultRawSql(RunResultLean):
    """A result whose compiled_code stays an undecoded slice of the file."""

    compiled_code: msgspec.Raw = msgspec.Raw(b"null")


class _RunResultsRawSql(msgspec.Struct, gc=False):
    metadata: ArtifactMetadata
    results: list[_ResultRawSql] = []
    elapsed_time: float | None = None
    args: RunArgs | None = None


class _File(msgspec.Struct, array_like=True, gc=False):
    path: str
    metadata: ArtifactMetadata
    count: int
    which: str | None = None


class _Payload(msgspec.Struct, gc=False):
    files: list[_File] = []
    results: dict[str, ResultEntry] = {}  # timing folded into completed_at
    sql: dict[str, dict[str, str | None]] = {}  # file path -> unique_id -> compiled_code
    error: str | None = None
    error_path: str | None = None


def _read_raw_sql(path: Path) -> _RunResultsRawSql | None:
    """One decode of a run_results file keeping each compiled_code as raw JSON, or None when it
    does not decode (the reader then names the problem). Unsupported versions raise."""
    data = path.read_bytes()
    check_head(path, "run-results", data)
    try:
        return msgspec.json.decode(data, type=_RunResultsRawSql)
    except msgspec.DecodeError:
        return None


def _wanted_sql(results: list[_ResultRawSql]) -> dict[str, str | None]:
    """compiled_code of the failing results and the batch results (header at the start)."""
    out: dict[str, str | None] = {}
    for r in results:
        raw = r.compiled_code
        if r.status.lower() in FAILING or BATCH_MARK in bytes(memoryview(raw)[:512]):
            out[r.unique_id] = msgspec.json.decode(raw, type=str | None)
    return out


def _child_payload(paths: Sequence[str | Path]) -> _Payload:
    try:
        merged = MergedRunResults()
        sql: dict[str, dict[str, str | None]] = {}
        for path in unique_run_results_paths(paths):
            rr = _read_raw_sql(path)
            if rr is None:
                merge_run_results(paths)  # raises the reader's message for this file
                return _Payload(error=f"cannot decode {path}", error_path=str(path))
            merge_into(merged, path, cast(RunResults, rr))
            sql[str(path)] = _wanted_sql(rr.results)
        files = [_File(str(f.path), f.metadata, f.count, f.which) for f in merged.files]
        results = {}
        for uid, e in merged.results.items():
            r = e.result
            completed = e.completed_at
            if completed is None:  # one file: what build_checks reads from the timing
                completed = execute_completed_at(r)
            lean = RunResultLean(
                uid, r.status, r.failures, r.message, r.execution_time, [], r.relation_name
            )
            results[uid] = ResultEntry(lean, e.source, completed)
        return _Payload(files, results, sql)
    except DativoError as exc:
        return _Payload(error=exc.message, error_path=exc.path)


class RunResultsPrefetch:
    """A forked child decoding run_results files; `result()` waits for it."""

    def __init__(self, pid: int, payload_path: Path, paths: Sequence[str | Path]) -> None:
        self._pid = pid
        self._payload_path = payload_path
        self._paths = list(paths)

    def abandon(self) -> None:
        """Stop the child (the parent failed first) and remove its payload."""
        try:
            os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
        except OSError:
            pass
        self._payload_path.unlink(missing_ok=True)

    def result(self) -> tuple[MergedRunResults, dict[Path, dict[str, str | None]]] | None:
        """(MergedRunResults, SQL by file) from the child, or None when it did not deliver (the
        caller then decodes the files itself). A DativoError of the child is raised here."""
        try:
            _, status = os.waitpid(self._pid, 0)
            if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
                return None
            data = self._payload_path.read_bytes()
            payload = msgspec.msgpack.decode(data, type=_Payload)
        except (OSError, msgspec.DecodeError):
            return None
        finally:
            self._payload_path.unlink(missing_ok=True)
        if payload.error is not None:
            raise DativoError(payload.error, path=payload.error_path)
        merged = MergedRunResults()
        merged.files = [
            RunResultsFile(Path(f.path), f.metadata, f.count, f.which) for f in payload.files
        ]
        merged.results = payload.results
        return merged, {Path(p): sql for p, sql in payload.sql.items()}


def _resolved(paths: Sequence[str | Path]) -> list[Path]:
    out = []
    for raw in paths:
        path = Path(raw)
        out.append(path / "run_results.json" if path.is_dir() else path)
    return out


def start(paths: Sequence[str | Path]) -> RunResultsPrefetch | None:
    """Fork a child decoding `paths` (see the module docstring), or None when it would not pay
    or is not safe here."""
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return None
    if os.environ.get("DATIVO_PREFETCH", "").strip().lower() in {"0", "off", "false", "no"}:
        return None
    files = _resolved(paths)
    try:
        total = sum(p.stat().st_size for p in files)
    except OSError:
        return None  # a missing file: the in-process reader names it
    if total < PREFETCH_MIN_BYTES:
        return None
    fd, name = tempfile.mkstemp(prefix="dativo-run-results-", suffix=".msgpack")
    os.close(fd)
    payload_path = Path(name)
    pid = os.fork()
    if pid == 0:  # the child: never returns, never runs the parent's exit handlers
        code = 1
        try:
            payload_path.write_bytes(msgspec.msgpack.encode(_child_payload(paths)))
            code = 0
        finally:
            os._exit(code)
    return RunResultsPrefetch(pid, payload_path, paths)
