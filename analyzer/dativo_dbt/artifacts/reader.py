"""Read dbt artifacts (manifest v9-v12, run_results v4-v6, catalog v1, sources v3) fast and lean.

Supported: what dbt 1.5 -> 1.11 write. Every problem (missing file or directory, truncated or corrupt
JSON, an artifact of another kind or an unsupported version) is a `DativoError` naming the file.
"""

from __future__ import annotations

import io
import mmap
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from dativo_dbt.artifacts import prefetch
from dativo_dbt.artifacts.commands import check_command, check_commands, check_statuses
from dativo_dbt.artifacts.schema import (
    AnyNode,
    ArtifactMetadata,
    Catalog,
    Manifest,
    ResultEntry,
    RunArgs,
    RunResult,
    RunResultLean,
    RunResults,
    RunResultsWithSql,
    SourceFreshnessResult,
    SourceFreshnessResults,
    SourceNode,
)
from dativo_dbt.errors import DativoError

#: artifact kind -> (supported schema versions, dbt versions, for messages)
SUPPORTED: dict[str, tuple[range, str]] = {
    "manifest": (range(9, 13), "v9-v12 (dbt 1.5-1.11)"),
    "run-results": (range(4, 7), "v4-v6 (dbt 1.5-1.11)"),
    "catalog": (range(1, 2), "v1"),
    "sources": (range(3, 4), "v3 (dbt 1.5-1.11)"),
}
#: how to produce a missing artifact (for the "not found" message)
_HOW_TO_MAKE = {"sources": "run `dbt source freshness`", "catalog": "run `dbt docs generate`"}
_DBT_VERSION_OF = {
    ("manifest", 4): "0.20",
    ("manifest", 5): "1.0",
    ("manifest", 6): "1.2",
    ("manifest", 7): "1.3",
    ("manifest", 8): "1.4",
    ("manifest", 9): "1.5",
    ("manifest", 10): "1.6",
    ("manifest", 11): "1.7",
    ("manifest", 12): "1.8+",
    ("run-results", 3): "0.19-1.2",
    ("run-results", 4): "1.3-1.6",
    ("run-results", 5): "1.7",
    ("run-results", 6): "1.8+",
}
_SCHEMA_RE = re.compile(
    rb'"dbt_schema_version"\s*:\s*"https?://schemas\.getdbt\.com/dbt/([a-z-]+)/v(\d+)\.json"'
)
_MMAP_MIN = 8 * 1024 * 1024

T = TypeVar("T")


def _parse_schema(value: str) -> tuple[str, int] | None:
    m = _SCHEMA_RE.search(b'"dbt_schema_version": "' + value.encode() + b'"')
    return (m.group(1).decode(), int(m.group(2))) if m else None


def _check_version(path: Path, kind: str, found: tuple[str, int] | None) -> None:
    versions, label = SUPPORTED[kind]
    if found is None:
        raise DativoError(
            f"not a dbt {kind} artifact (no metadata.dbt_schema_version); expected {label}",
            path=path,
        )
    fkind, fver = found
    if fkind != kind:
        raise DativoError(f"this is a dbt {fkind} artifact, expected a {kind} artifact", path=path)
    if fver not in versions:
        made_by = _DBT_VERSION_OF.get((kind, fver))
        by = f" (written by dbt {made_by})" if made_by else ""
        raise DativoError(
            f"unsupported {kind} schema v{fver}{by}; dativo-dbt reads {label}. "
            "Re-run dbt with a supported version to regenerate the artifacts.",
            path=path,
        )


def _decode(path: Path, kind: str, typ: type[T]) -> T:
    """Decode `path` as `typ` after checking its schema version (from the first 64 KB)."""
    if not path.is_file():
        what = "directory" if path.is_dir() else "file"
        raise DativoError(
            f"{kind} not found (a {what} is expected here){'' if path.parent.is_dir() else ' - and its directory does not exist'}; "
            f"{_HOW_TO_MAKE.get(kind, 'run `dbt build` (or `dbt test`)')} first, or pass the right --target-dir",
            path=path,
        )
    try:
        with path.open("rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size == 0:
                raise DativoError(f"empty {kind} file (truncated?)", path=path)
            head = fh.read(65536)
            m = _SCHEMA_RE.search(head)
            if m is not None:
                _check_version(path, kind, (m.group(1).decode(), int(m.group(2))))
            fh.seek(0)
            if size >= _MMAP_MIN:
                with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as buf:
                    result = msgspec.json.decode(buf, type=typ)
            else:
                result = msgspec.json.decode(fh.read(), type=typ)
    except msgspec.DecodeError as exc:
        msg = str(exc)
        hint = " (truncated?)" if "truncated" in msg.lower() or "end of" in msg.lower() else ""
        if isinstance(exc, msgspec.ValidationError):
            raise DativoError(f"unexpected {kind} content: {msg}", path=path) from None
        raise DativoError(f"corrupt {kind} JSON{hint}: {msg}", path=path) from None
    except OSError as exc:
        raise DativoError(f"cannot read {kind}: {exc.strerror or exc}", path=path) from None
    if m is None:
        meta: ArtifactMetadata = result.metadata  # type: ignore[attr-defined]
        _check_version(path, kind, _parse_schema(meta.dbt_schema_version))
    return result


_NODES_KEY = re.compile(rb'"nodes"\s*:\s*\{')
# between two top-level nodes: `}, "<type>.<...>": {` (the look-ahead ends where the next key starts)
_NODE_BOUNDARY = re.compile(rb'\}\s*,\s*(?="[a-z_]+\.[^"\\]*"\s*:\s*\{)')
_SOURCES_MARK = b'}, "sources": {'
_RESULTS_KEY = re.compile(rb'"results"\s*:\s*\[')
# between two results: `}, {"status": ` (dbt writes `status` first in run_results v4-v6)
_RESULT_BOUNDARY = re.compile(rb'\}\s*,\s*(?=\{"status"\s*:)')
_RESULTS_END = b'], "elapsed_time": '
CHUNK_BYTES = 32 * 1024 * 1024
_CHUNKED_MIN = 64 * 1024 * 1024


class _ManifestHead(msgspec.Struct, gc=False):
    metadata: ArtifactMetadata


class _ManifestTail(msgspec.Struct, gc=False):
    sources: dict[str, SourceNode] = {}


_NODES_TYPE = dict[str, AnyNode]


class _RunResultsHead(msgspec.Struct, gc=False):
    metadata: ArtifactMetadata


class _RunResultsTail(msgspec.Struct, gc=False):
    elapsed_time: float | None = None
    args: RunArgs | None = None


def _rfind_from_end(fh: io.BufferedReader, marker: bytes, start: int, block: int = 4 << 20) -> int:
    """Absolute offset of the last `marker` at or after `start`, reading backwards from the end
    (the sections after `nodes` / `results` are small next to them), or -1."""
    size = os.fstat(fh.fileno()).st_size
    hi = size
    while hi > start:
        lo = max(start, hi - block)
        fh.seek(lo)
        data = fh.read(hi - lo + len(marker) - 1)  # overlap: a marker across two blocks
        i = data.rfind(marker)
        if i >= 0:
            return lo + i
        hi = lo
    return -1


def _decode_sliced(
    fh: io.BufferedReader,
    *,
    key: re.Pattern[bytes],
    end_marker: bytes,
    boundary: re.Pattern[bytes],
    opener: bytes,
    typ: Any,
    chunk_bytes: int,
) -> tuple[bytes, list[Any], bytes] | None:
    """Decode the big container (the `nodes` object / the `results` array) of a dbt artifact in
    ~`chunk_bytes` slices read through one reused buffer, so memory holds the decoded structs plus
    one slice instead of the whole file.

    `key` finds the container's opening in the first MB; `end_marker` (its closing bracket and the
    next top-level key) is searched backwards from the end of the file. Slices are cut where
    `boundary` matches between two top-level items; a wrong cut cannot decode (its brackets do not
    balance), so any failure returns None and the caller decodes the file whole.

    Returns (the bytes before the container's key, the decoded slices, the bytes after the
    container's closing bracket and ", ").
    """
    fh.seek(0)
    first = fh.read(1 << 20)
    m = key.search(first)
    if m is None:
        return None
    begin = m.end()  # absolute offset of the first byte inside the container
    end = _rfind_from_end(fh, end_marker, begin)  # absolute offset of its closing bracket
    if end < 0:
        return None
    close = {b"{": 0x7D, b"[": 0x5D}[opener]
    parts: list[Any] = []
    try:
        buf = bytearray(chunk_bytes + 2)
        buf[0] = opener[0]  # every slice is decoded as one JSON object / array
        filled = 1
        pos = begin  # absolute offset of the byte that goes to buf[filled]
        fh.seek(begin)
        while True:
            if len(buf) - 1 - filled <= 0:  # a carried item fills the buffer: grow it
                buf.extend(bytes(len(buf)))
            want = min(len(buf) - 1 - filled, end - pos)
            with memoryview(buf) as view:
                n = fh.readinto(view[filled : filled + want]) if want > 0 else 0
            filled += n
            pos += n
            if pos >= end:  # the last slice
                buf[filled] = close
                with memoryview(buf) as view:
                    parts.append(msgspec.json.decode(view[: filled + 1], type=typ))
                fh.seek(end + 3)
                return first[: m.start()], parts, fh.read()
            if n == 0:
                return None
            cut = nxt = -1
            for lo in (max(1, filled - (1 << 16)), max(1, filled - (1 << 20)), 1):
                for b in boundary.finditer(buf, lo, filled):
                    cut = b.start() + 1
                    nxt = b.end()  # the boundary patterns end where the next item starts
                if cut > 0:
                    break
            if cut < 0:  # one item bigger than the buffer: grow it
                buf.extend(bytes(len(buf)))
                continue
            buf[cut] = close  # in place of the "," after the slice's last item
            with memoryview(buf) as view:
                parts.append(msgspec.json.decode(view[: cut + 1], type=typ))
                remainder = bytes(view[nxt:filled])
            buf[1 : 1 + len(remainder)] = remainder
            filled = 1 + len(remainder)
    except (msgspec.DecodeError, ValueError):
        return None


def _manifest_from_slices(
    head_bytes: bytes, parts: list[Any], tail_bytes: bytes
) -> Manifest | None:
    try:
        head = msgspec.json.decode(head_bytes + b'"nodes": {}}', type=_ManifestHead)
        tail = msgspec.json.decode(b"{" + tail_bytes, type=_ManifestTail)
    except (msgspec.DecodeError, ValueError):
        return None
    nodes: dict[str, AnyNode] = parts[0]  # file order kept: the later slices follow
    for part in parts[1:]:
        nodes.update(part)
    return Manifest(metadata=head.metadata, nodes=nodes, sources=tail.sources)


def read_manifest(
    path: str | Path, *, chunk_bytes: int = CHUNK_BYTES, chunked_min: int = _CHUNKED_MIN
) -> Manifest:
    """Decode a manifest.json (v9-v12) keeping only the fields in `artifacts.schema`.

    Large manifests (>= 64 MB) are decoded slice by slice (see `_decode_sliced`), so a
    400 MB manifest never sits in memory whole; smaller ones, and any manifest whose layout is not
    dbt's usual one, are decoded in one call.
    """
    p = Path(path)
    if p.is_file() and p.stat().st_size >= chunked_min:
        try:
            with p.open("rb") as fh:
                sm = _SCHEMA_RE.search(fh.read(65536))
                if sm is not None:
                    _check_version(p, "manifest", (sm.group(1).decode(), int(sm.group(2))))
                    got = _decode_sliced(
                        fh,
                        key=_NODES_KEY,
                        end_marker=_SOURCES_MARK,
                        boundary=_NODE_BOUNDARY,
                        opener=b"{",
                        typ=_NODES_TYPE,
                        chunk_bytes=chunk_bytes,
                    )
                    manifest = _manifest_from_slices(*got) if got is not None else None
                    if manifest is not None:
                        return manifest
        except OSError as exc:
            raise DativoError(f"cannot read manifest: {exc.strerror or exc}", path=p) from None
    return _decode(p, "manifest", Manifest)


def read_run_results(
    path: str | Path,
    *,
    with_sql: bool = False,
    chunk_bytes: int = CHUNK_BYTES,
    chunked_min: int = _CHUNKED_MIN,
) -> RunResults | RunResultsWithSql:
    """Decode a run_results.json (v4-v6). `with_sql=True` also keeps each result's compiled_code.

    Large files (>= 64 MB) are decoded in slices through one reused buffer, like the manifest."""
    p = Path(path)
    typ: type[RunResults] | type[RunResultsWithSql] = RunResultsWithSql if with_sql else RunResults
    item: type[Any] = RunResult if with_sql else RunResultLean
    if p.is_file() and p.stat().st_size >= chunked_min:
        try:
            with p.open("rb") as fh:
                sm = _SCHEMA_RE.search(fh.read(65536))
                if sm is not None:
                    _check_version(p, "run-results", (sm.group(1).decode(), int(sm.group(2))))
                    got = _decode_sliced(
                        fh,
                        key=_RESULTS_KEY,
                        end_marker=_RESULTS_END,
                        boundary=_RESULT_BOUNDARY,
                        opener=b"[",
                        typ=list[item],  # type: ignore[valid-type]
                        chunk_bytes=chunk_bytes,
                    )
                    if got is not None:
                        head_bytes, parts, tail_bytes = got
                        try:
                            rh = msgspec.json.decode(
                                head_bytes + b'"results": []}', type=_RunResultsHead
                            )
                            rt = msgspec.json.decode(b"{" + tail_bytes, type=_RunResultsTail)
                        except (msgspec.DecodeError, ValueError):
                            return _decode(p, "run-results", typ)  # names the problem
                        results = [r for part in parts for r in part]
                        return typ(
                            metadata=rh.metadata,
                            results=results,
                            elapsed_time=rt.elapsed_time,
                            args=rt.args,
                        )
        except OSError as exc:
            raise DativoError(f"cannot read run-results: {exc.strerror or exc}", path=p) from None
    return _decode(p, "run-results", typ)


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


def read_catalog(path: str | Path) -> Catalog:
    """Decode a catalog.json (v1): column names of every relation as the warehouse reports them."""
    return _decode(Path(path), "catalog", Catalog)


def read_sources(path: str | Path) -> SourceFreshnessResults:
    """Decode a sources.json (v3, `dbt source freshness` in dbt 1.5-1.11)."""
    return _decode(Path(path), "sources", SourceFreshnessResults)


def execute_completed_at(result: RunResultLean | SourceFreshnessResult) -> str | None:
    """When the last `execute` step of a result completed (None without one): the time a check
    reports when its merged entry carries none."""
    completed = None
    for t in result.timing:
        if t.name == "execute":
            completed = t.completed_at
    return completed


def _completed_at(result: RunResult | RunResultLean | SourceFreshnessResult) -> str | None:
    for t in result.timing:
        if t.name == "execute" and t.completed_at:
            return t.completed_at
    for t in reversed(result.timing):
        if t.completed_at:
            return t.completed_at
    return None


def _ts(value: str | None) -> float:
    if not value:
        return float("-inf")
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return float("-inf")
    if dt.tzinfo is None:  # dbt writes naive UTC in some versions
        from datetime import timezone

        dt = dt.replace(tzinfo=timezone.utc)
    return dt.timestamp()


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
        new_at = _completed_at(r) or file_ts
        if prev is None:
            results[r.unique_id] = ResultEntry(r, idx, new_at)
            continue
        prev_at = (
            prev.completed_at
            or _completed_at(prev.result)
            or merged.files[prev.source].metadata.generated_at
        )
        if _ts(new_at) >= _ts(prev_at):
            results[r.unique_id] = ResultEntry(r, idx, new_at)


class FreshnessEntry(msgspec.Struct, gc=False):
    """The latest freshness result of one source across the merged sources.json files."""

    result: SourceFreshnessResult
    source: int  # index into `MergedFreshness.files`
    completed_at: str | None  # the execute step's end, else the file's generated_at


@dataclass
class MergedFreshness:
    """One latest-status view of several sources.json files, merged like run_results: per
    source, the result whose `execute` step completed last wins (else the file's `generated_at`,
    e.g. a runtime error has no timing); on a tie the file given later wins."""

    files: list[RunResultsFile] = field(default_factory=list)
    results: dict[str, FreshnessEntry] = field(default_factory=dict)

    def get(self, unique_id: str) -> FreshnessEntry | None:
        return self.results.get(unique_id)


def merge_sources(paths: Sequence[str | Path]) -> MergedFreshness:
    """Read and merge sources.json files (a file, or a directory holding `sources.json`)."""
    merged = MergedFreshness()
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            path = path / "sources.json"
        key = path.resolve()
        if key in seen:
            continue
        seen.add(key)
        doc = read_sources(path)
        idx = len(merged.files)
        merged.files.append(
            RunResultsFile(path=path, metadata=doc.metadata, count=len(doc.results))
        )
        for r in doc.results:
            at = _completed_at(r) or doc.metadata.generated_at
            prev = merged.results.get(r.unique_id)
            if prev is None or _ts(at) >= _ts(prev.completed_at):
                merged.results[r.unique_id] = FreshnessEntry(r, idx, at)
    return merged


@dataclass
class Artifacts:
    """Everything read from a target directory."""

    target_dir: Path
    manifest_path: Path
    manifest: Manifest
    run_results: MergedRunResults
    catalog_path: Path | None = None
    catalog: Catalog | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    freshness: MergedFreshness | None = None  # sources.json (`dbt source freshness`), if read


def load_artifacts(
    target_dir: str | Path,
    *,
    run_results: Sequence[str | Path] | None = None,
    catalog: bool | str | Path = True,
    with_sql: bool = False,
    sources: bool | str | Path | Sequence[str | Path] = True,
) -> Artifacts:
    """Read manifest.json, run_results.json (or the given files, merged), catalog.json and
    sources.json.

    `catalog=True` reads `target_dir/catalog.json` when it exists; a path reads that file (which
    must exist); False skips it. `sources` likewise for `target_dir/sources.json`, except that
    it also takes several files (merged, latest result per source wins).
    """
    target = Path(target_dir)
    if not target.is_dir():
        raise DativoError(
            "target directory not found; run `dbt build` first or pass --target-dir", path=target
        )
    manifest_path = target / "manifest.json"
    rr_paths: list[str | Path] = list(run_results) if run_results else [target / "run_results.json"]
    # large run_results decode in a forked child meanwhile (artifacts/prefetch.py)
    pending = None if with_sql else prefetch.start(rr_paths)
    try:
        manifest = read_manifest(manifest_path)
    except BaseException:
        if pending is not None:
            pending.abandon()
        raise
    got = pending.result() if pending is not None else None
    if got is not None:
        merged, sql = got
        for path, found in sql.items():
            remember_compiled_code(path, found)
    else:
        merged = merge_run_results(rr_paths, with_sql=with_sql)
    check_commands(merged.files)
    cat_path: Path | None = None
    cat: Catalog | None = None
    if catalog is True:
        if (target / "catalog.json").is_file():
            cat_path = target / "catalog.json"
    elif catalog:
        cat_path = Path(catalog)
    if cat_path is not None:
        cat = read_catalog(cat_path)
    src_paths: list[str | Path] = []
    if sources is True:
        if (target / "sources.json").is_file():
            src_paths = [target / "sources.json"]
    elif isinstance(sources, (str, Path)):
        src_paths = [sources]
    elif sources:
        src_paths = list(sources)
    freshness = merge_sources(src_paths) if src_paths else None
    return Artifacts(target, manifest_path, manifest, merged, cat_path, cat, freshness=freshness)
