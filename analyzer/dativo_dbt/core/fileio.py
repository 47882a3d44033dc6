"""The one atomic file writer for outputs (`score -o`, the HTML report): a temp file in the target's
directory, then a rename, so a reader never sees half a file. The file gets the mode a plain
`open(path, "w")` would give it (an existing file keeps its mode; a new one 0666 minus the umask,
e.g. 0644 under umask 022), not mkstemp's private 0600."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path


def current_umask() -> int:
    """The process umask, read without changing it where /proc allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def output_mode(target: Path) -> int:
    """The permission bits `target` should get: its current ones, else 0666 minus the umask."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return 0o666 & ~current_umask()


def write_atomic(
    path: str | Path, data: str | bytes | Iterable[bytes], *, fsync: bool = False
) -> Path:
    """Write `data` (text as UTF-8, bytes, or byte pieces) to `path` atomically; OSError on failure
    (the temp file is removed). `fsync`: flush to disk before the rename."""
    target = Path(path)
    pieces: Iterable[bytes]
    if isinstance(data, str):
        pieces = [data.encode("utf-8")]
    elif isinstance(data, bytes):
        pieces = [data]
    else:
        pieces = data
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            for piece in pieces:
                fh.write(piece)
            if fsync:
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, output_mode(target))
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return target
