"""Renderers for a `ProjectScore`: rich table, JSON, Markdown (PR comment), JUnit XML, SARIF 2.1.0."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import msgspec

from dativo_dbt.core import fileio
from dativo_dbt.core.errors import DativoError
from dativo_dbt.outputs.json_out import render_json
from dativo_dbt.outputs.junit import render_junit
from dativo_dbt.outputs.markdown import render_markdown
from dativo_dbt.outputs.sarif import render_sarif
from dativo_dbt.outputs.table import render_table_text
from dativo_dbt.scoring.models import ProjectScore

FORMATS = ("table", "json", "markdown", "junit", "sarif")


def render(project: ProjectScore, fmt: str, *, limit: int = 50, gate_only: bool = False) -> str:
    """The document for `fmt` as text."""
    if fmt == "json":
        return render_json(project, gate_only=gate_only)
    if fmt == "markdown":
        return render_markdown(project, limit=limit)
    if fmt == "junit":
        return render_junit(project)
    if fmt == "sarif":
        return render_sarif(project)
    if fmt == "table":
        return render_table_text(project, limit=limit, gate_only=gate_only)
    raise DativoError(f"unknown output format {fmt!r}; use one of {', '.join(FORMATS)}")


def iter_json(project: ProjectScore, batch: int = 500) -> Iterator[bytes]:
    """The `--format json` document in pieces (`batch` models at a time): the same bytes as
    `msgspec.json.encode(project)`, without ever holding the whole document in memory."""
    enc = msgspec.json.Encoder()
    shell = enc.encode(msgspec.structs.replace(project, models=[]))
    at = shell.index(b'"models":[]') + len(b'"models":[')
    yield shell[:at]
    models = project.models
    for i in range(0, len(models), batch):
        chunk = enc.encode(models[i : i + batch])[1:-1]  # without the list's brackets
        yield (b"," + chunk) if i else chunk
    yield shell[at:] + b"\n"


def render_chunks(
    project: ProjectScore, fmt: str, *, limit: int = 50, gate_only: bool = False
) -> Iterator[bytes]:
    """Like `render`, as UTF-8 byte pieces (JSON is streamed: no copy of a big document)."""
    if fmt == "json" and not gate_only:
        yield from iter_json(project)
        return
    yield render(project, fmt, limit=limit, gate_only=gate_only).encode("utf-8")


def render_bytes(
    project: ProjectScore, fmt: str, *, limit: int = 50, gate_only: bool = False
) -> bytes:
    """Like `render`, as UTF-8 bytes."""
    return b"".join(render_chunks(project, fmt, limit=limit, gate_only=gate_only))


def write_atomic(path: str | Path, text: str | bytes | Iterable[bytes]) -> None:
    """Write `text` (or byte pieces) to `path` through a temp file in the same directory and a
    rename (`dativo_dbt.core.fileio`), so a reader (or a crash of dativo-dbt) never sees a half-written
    file; the file gets the umask's mode like any new file. No fsync: an output is rewritten by
    every run (dbt does not fsync its artifacts either), and flushing 90 MB of JSON to disk cost
    0.1 s on a large project."""
    target = Path(path)
    if not target.parent.is_dir():
        raise DativoError("output directory does not exist", path=target.parent)
    try:
        fileio.write_atomic(target, text)
    except OSError as exc:
        raise DativoError(f"cannot write output: {exc.strerror or exc}", path=target) from None
