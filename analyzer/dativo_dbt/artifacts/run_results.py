"""Read run_results.json (v4-v6, dbt 1.5-1.11): whole, in slices when large, or only the
compiled SQL of a few results."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import msgspec

from dativo_dbt.artifacts.decode import decode_artifact
from dativo_dbt.artifacts.schema import (
    ArtifactMetadata,
    RunArgs,
    RunResult,
    RunResultLean,
    RunResults,
    RunResultsWithSql,
)
from dativo_dbt.artifacts.sliced import CHUNK_BYTES, CHUNKED_MIN, Container, read_sliced
from dativo_dbt.core.errors import DativoError

#: the `results` array; between two results: `}, {"status": ` (dbt writes `status` first in v4-v6)
RESULTS = Container(
    key=re.compile(rb'"results"\s*:\s*\['),
    end_marker=b'], "elapsed_time": ',
    boundary=re.compile(rb'\}\s*,\s*(?=\{"status"\s*:)'),
    opener=b"[",
)


class _RunResultsHead(msgspec.Struct, gc=False):
    metadata: ArtifactMetadata


class _RunResultsTail(msgspec.Struct, gc=False):
    elapsed_time: float | None = None
    args: RunArgs | None = None


def read_run_results(
    path: str | Path,
    *,
    with_sql: bool = False,
    chunk_bytes: int = CHUNK_BYTES,
    chunked_min: int = CHUNKED_MIN,
) -> RunResults | RunResultsWithSql:
    """Decode a run_results.json (v4-v6). `with_sql=True` also keeps each result's compiled_code.

    Large files (>= 64 MB) are decoded in slices through one reused buffer, like the manifest."""
    p = Path(path)
    typ: type[RunResults] | type[RunResultsWithSql] = RunResultsWithSql if with_sql else RunResults
    item: type[Any] = RunResult if with_sql else RunResultLean
    got = read_sliced(p, "run-results", RESULTS, list[item], chunk_bytes, chunked_min)  # type: ignore[valid-type]
    if got is None:
        return decode_artifact(p, "run-results", typ)
    try:
        head = msgspec.json.decode(got.head + b'"results": []}', type=_RunResultsHead)
        tail = msgspec.json.decode(b"{" + got.tail, type=_RunResultsTail)
    except (msgspec.DecodeError, ValueError):
        return decode_artifact(p, "run-results", typ)  # names the problem
    results = [r for part in got.parts for r in part]
    return typ(
        metadata=head.metadata, results=results, elapsed_time=tail.elapsed_time, args=tail.args
    )


class _ResultSqlRaw(msgspec.Struct, gc=False):
    unique_id: str
    compiled_code: msgspec.Raw = msgspec.Raw(b"null")


class _RunResultsSqlRaw(msgspec.Struct, gc=False):
    results: list[_ResultSqlRaw] = []


#: compiled SQL the run_results prefetch already read (failing and batch tests), by file identity
_SQL_CACHE: dict[tuple[str, int, int], dict[str, str | None]] = {}


def _file_key(path: Path) -> tuple[str, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (str(path.resolve()), st.st_size, st.st_mtime_ns)


def remember_compiled_code(path: Path, sql: dict[str, str | None]) -> None:
    """Keep SQL read from `path` for later `read_compiled_code` calls in this process."""
    key = _file_key(path)
    if key is not None:
        _SQL_CACHE[key] = sql


def read_compiled_code(path: str | Path, unique_ids: set[str]) -> dict[str, str | None]:
    """compiled_code of the results of `unique_ids` only (e.g. batch tests): the other results'
    SQL stays an undecoded slice of the file (msgspec.Raw), so this is cheap on large files.
    Answered from memory when the prefetch already read all of them."""
    p = Path(path)
    key = _file_key(p) if _SQL_CACHE else None
    cached = _SQL_CACHE.get(key) if key is not None else None
    if cached is not None and unique_ids <= cached.keys():
        return {uid: cached[uid] for uid in unique_ids}
    try:
        with p.open("rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise DativoError(f"cannot read run-results: {exc.strerror or exc}", path=p) from None
    try:
        decoded = msgspec.json.decode(data, type=_RunResultsSqlRaw)
        out: dict[str, str | None] = {}
        for r in decoded.results:
            if r.unique_id in unique_ids:
                out[r.unique_id] = msgspec.json.decode(r.compiled_code, type=str | None)
    except msgspec.DecodeError as exc:
        raise DativoError(f"invalid run-results: {exc}", path=p) from None
    return out
