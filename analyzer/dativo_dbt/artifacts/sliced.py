"""Decode the big container of a large dbt artifact (the manifest's `nodes` object, the
run_results' `results` array) in ~`chunk_bytes` slices read through one reused buffer, so memory
holds the decoded structs plus one slice instead of the whole file.

The container's opening is found in the file's first MB and its end searched backwards from the
end of the file. Slices are cut where a boundary pattern matches between two top-level items; a
wrong cut cannot decode (its brackets do not balance), so any failure gives None and the caller
decodes the file whole.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Any, NamedTuple

import msgspec

from dativo_dbt.artifacts.decode import HEAD_BYTES, check_head
from dativo_dbt.core.errors import DativoError

CHUNK_BYTES = 32 * 1024 * 1024
#: files from this size on are decoded in slices
CHUNKED_MIN = 64 * 1024 * 1024
_CLOSE = {b"{": 0x7D, b"[": 0x5D}


class Container(NamedTuple):
    """Where the big container of one artifact kind is and how its items are separated."""

    key: re.Pattern[bytes]  # its key and opening bracket (searched in the first MB)
    end_marker: bytes  # its closing bracket and the next top-level key
    boundary: re.Pattern[bytes]  # between two items; ends where the next item starts
    opener: bytes  # b"{" or b"["


class Sliced(NamedTuple):
    """A container decoded in slices."""

    head: bytes  # the file's bytes before the container's key
    parts: list[Any]  # the decoded slices, in file order
    tail: bytes  # the bytes after the container's closing bracket and ", "


def rfind_from_end(fh: io.BufferedReader, marker: bytes, start: int, block: int = 4 << 20) -> int:
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


class _Slicer:
    """The reused buffer: `buf[0]` is the container's opener (every slice is decoded as one JSON
    object / array), `buf[1:filled]` the bytes read and not decoded yet."""

    def __init__(self, fh: io.BufferedReader, container: Container, typ: Any, size: int) -> None:
        self.fh = fh
        self.boundary = container.boundary
        self.close = _CLOSE[container.opener]
        self.typ = typ
        self.buf = bytearray(size + 2)
        self.buf[0] = container.opener[0]
        self.filled = 1
        self.parts: list[Any] = []

    def _grow(self) -> None:
        self.buf.extend(bytes(len(self.buf)))

    def _read(self, limit: int) -> int:
        """Read up to `limit` more bytes into the buffer (grown when full); how many were read."""
        if len(self.buf) - 1 - self.filled <= 0:  # a carried item fills the buffer
            self._grow()
        want = min(len(self.buf) - 1 - self.filled, limit)
        with memoryview(self.buf) as view:
            n = self.fh.readinto(view[self.filled : self.filled + want]) if want > 0 else 0
        self.filled += n
        return n

    def _decode_to(self, cut: int) -> None:
        """Decode `buf[:cut]` as one slice (`buf[cut]`, the "," after its last item or the byte
        after the buffered ones, becomes the closing bracket)."""
        self.buf[cut] = self.close
        with memoryview(self.buf) as view:
            self.parts.append(msgspec.json.decode(view[: cut + 1], type=self.typ))

    def _last_boundary(self) -> tuple[int, int] | None:
        """(the end of the last complete item, the start of the next) in the buffer, or None."""
        for lo in (max(1, self.filled - (1 << 16)), max(1, self.filled - (1 << 20)), 1):
            found = None
            for b in self.boundary.finditer(self.buf, lo, self.filled):
                found = (b.start() + 1, b.end())
            if found is not None:
                return found
        return None

    def _carry(self, start: int) -> None:
        """Move the undecoded bytes from `start` to the front of the buffer."""
        remainder = self.buf[start : self.filled]  # a copy
        self.buf[1 : 1 + len(remainder)] = remainder
        self.filled = 1 + len(remainder)

    def run(self, pos: int, end: int) -> bool:
        """Decode the file from `pos` (the first byte inside the container) to `end` (its closing
        bracket); False when the file ends first."""
        while True:
            n = self._read(end - pos)
            pos += n
            if pos >= end:  # the last slice
                self._decode_to(self.filled)
                return True
            if n == 0:
                return False
            cut = self._last_boundary()
            if cut is None:  # one item bigger than the buffer: grow it
                self._grow()
                continue
            self._decode_to(cut[0])
            self._carry(cut[1])


def decode_sliced(
    fh: io.BufferedReader, container: Container, typ: Any, chunk_bytes: int
) -> Sliced | None:
    """Decode `container` of the open file in slices of `typ` (see the module docstring), or None
    when its layout is not the usual one."""
    fh.seek(0)
    first = fh.read(1 << 20)
    m = container.key.search(first)
    if m is None:
        return None
    begin = m.end()  # absolute offset of the first byte inside the container
    end = rfind_from_end(fh, container.end_marker, begin)  # offset of its closing bracket
    if end < 0:
        return None
    slicer = _Slicer(fh, container, typ, chunk_bytes)
    fh.seek(begin)
    try:
        if not slicer.run(begin, end):
            return None
    except (msgspec.DecodeError, ValueError):
        return None
    fh.seek(end + 3)
    return Sliced(first[: m.start()], slicer.parts, fh.read())


def read_sliced(
    path: Path, kind: str, container: Container, typ: Any, chunk_bytes: int, chunked_min: int
) -> Sliced | None:
    """`decode_sliced` on a file of at least `chunked_min` bytes whose schema version (checked)
    is in its first 64 KB; None otherwise, or when slicing fails."""
    if not path.is_file() or path.stat().st_size < chunked_min:
        return None
    try:
        with path.open("rb") as fh:
            if not check_head(path, kind, fh.read(HEAD_BYTES)):
                return None
            return decode_sliced(fh, container, typ, chunk_bytes)
    except OSError as exc:
        raise DativoError(f"cannot read {kind}: {exc.strerror or exc}", path=path) from None
