"""Renderers for a `ProjectScore`: rich table, JSON, Markdown (PR comment), JUnit XML, SARIF 2.1.0."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from dativo_dbt.errors import DativoError
from dativo_dbt.scoring.models import ProjectScore

FORMATS = ("table", "json", "markdown", "junit", "sarif")


def render(project: ProjectScore, fmt: str, *, limit: int = 50, gate_only: bool = False) -> str:
    """The document for `fmt` as text."""
    if fmt == "json":
        from dativo_dbt.outputs.json_out import render_json

        return render_json(project, gate_only=gate_only)
    if fmt == "markdown":
        from dativo_dbt.outputs.markdown import render_markdown

        return render_markdown(project, limit=limit)
    if fmt == "junit":
        from dativo_dbt.outputs.junit import render_junit

        return render_junit(project)
    if fmt == "sarif":
        from dativo_dbt.outputs.sarif import render_sarif

        return render_sarif(project)
    if fmt == "table":
        from dativo_dbt.outputs.table import render_table_text

        return render_table_text(project, limit=limit, gate_only=gate_only)
    raise DativoError(f"unknown output format {fmt!r}; use one of {', '.join(FORMATS)}")


def render_bytes(
    project: ProjectScore, fmt: str, *, limit: int = 50, gate_only: bool = False
) -> bytes:
    """Like `render`, as UTF-8 bytes (JSON is encoded straight to bytes: no str copy of a big doc)."""
    if fmt == "json" and not gate_only:
        import msgspec

        return msgspec.json.encode(project) + b"\n"
    return render(project, fmt, limit=limit, gate_only=gate_only).encode("utf-8")


def write_atomic(path: str | Path, text: str | bytes) -> None:
    """Write `text` to `path` through a temp file in the same directory and a rename, so a reader
    (or a crash) never sees a half-written file."""
    target = Path(path)
    parent = target.parent
    if not parent.is_dir():
        raise DativoError("output directory does not exist", path=parent)
    data = text.encode("utf-8") if isinstance(text, str) else text
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise DativoError(f"cannot write output: {exc.strerror or exc}", path=target) from None
