"""Decode one dbt artifact file whole, after checking its kind and schema version.

Supported: what dbt 1.5 -> 1.11 write (manifest v9-v12, run_results v4-v6, catalog v1, sources
v3). Every problem (missing file or directory, truncated or corrupt JSON, an artifact of another
kind or an unsupported version) is a `DativoError` naming the file.
"""

from __future__ import annotations

import io
import mmap
import os
import re
from pathlib import Path
from typing import Protocol, TypeVar

import msgspec

from dativo_dbt.artifacts.schema import ArtifactMetadata, Catalog
from dativo_dbt.core.errors import DativoError

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
SCHEMA_RE = re.compile(
    rb'"dbt_schema_version"\s*:\s*"https?://schemas\.getdbt\.com/dbt/([a-z-]+)/v(\d+)\.json"'
)
#: how much of the file's start is searched for its schema version
HEAD_BYTES = 65536
_MMAP_MIN = 8 * 1024 * 1024


class _WithMetadata(Protocol):
    @property
    def metadata(self) -> ArtifactMetadata: ...


T = TypeVar("T", bound=_WithMetadata)


def _parse_schema(value: str) -> tuple[str, int] | None:
    m = SCHEMA_RE.search(b'"dbt_schema_version": "' + value.encode() + b'"')
    return (m.group(1).decode(), int(m.group(2))) if m else None


def check_version(path: Path, kind: str, found: tuple[str, int] | None) -> None:
    """Raise a DativoError unless `found` (kind, schema version) is a supported `kind`."""
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


def check_head(path: Path, kind: str, data: bytes, end: int = HEAD_BYTES) -> bool:
    """Check the schema version found in `data[:end]` (the file's start); False when there is
    none there (it is then checked from the decoded metadata)."""
    m = SCHEMA_RE.search(data, 0, end)
    if m is None:
        return False
    check_version(path, kind, (m.group(1).decode(), int(m.group(2))))
    return True


def _not_found(path: Path, kind: str) -> DativoError:
    what = "directory" if path.is_dir() else "file"
    missing_dir = "" if path.parent.is_dir() else " - and its directory does not exist"
    how = _HOW_TO_MAKE.get(kind, "run `dbt build` (or `dbt test`)")
    return DativoError(
        f"{kind} not found (a {what} is expected here){missing_dir}; "
        f"{how} first, or pass the right --target-dir",
        path=path,
    )


def _decode_error(exc: msgspec.DecodeError, path: Path, kind: str) -> DativoError:
    msg = str(exc)
    if isinstance(exc, msgspec.ValidationError):
        return DativoError(f"unexpected {kind} content: {msg}", path=path)
    hint = " (truncated?)" if "truncated" in msg.lower() or "end of" in msg.lower() else ""
    return DativoError(f"corrupt {kind} JSON{hint}: {msg}", path=path)


def _decode_open(fh: io.BufferedReader, path: Path, kind: str, typ: type[T]) -> tuple[T, bool]:
    """(the decoded file, whether its version was found and checked in its first 64 KB)."""
    size = os.fstat(fh.fileno()).st_size
    if size == 0:
        raise DativoError(f"empty {kind} file (truncated?)", path=path)
    checked = check_head(path, kind, fh.read(HEAD_BYTES))
    fh.seek(0)
    if size >= _MMAP_MIN:
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as buf:
            return msgspec.json.decode(buf, type=typ), checked
    return msgspec.json.decode(fh.read(), type=typ), checked


def decode_artifact(path: Path, kind: str, typ: type[T]) -> T:
    """Decode `path` as `typ` after checking its schema version (from the first 64 KB)."""
    if not path.is_file():
        raise _not_found(path, kind)
    try:
        with path.open("rb") as fh:
            result, checked = _decode_open(fh, path, kind, typ)
    except msgspec.DecodeError as exc:
        raise _decode_error(exc, path, kind) from None
    except OSError as exc:
        raise DativoError(f"cannot read {kind}: {exc.strerror or exc}", path=path) from None
    if not checked:
        check_version(path, kind, _parse_schema(result.metadata.dbt_schema_version))
    return result


def read_catalog(path: str | Path) -> Catalog:
    """Decode a catalog.json (v1): column names of every relation as the warehouse reports them."""
    return decode_artifact(Path(path), "catalog", Catalog)
