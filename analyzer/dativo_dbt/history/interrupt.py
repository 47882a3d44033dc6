"""Ctrl-C during a history write: the write is finished (or its run set aside in a pending file,
`history/spool.py`), never torn; the interrupt is raised once the store is consistent again.

`deferred_sigint()` (main thread only; elsewhere a no-op) replaces the SIGINT handler for its
block: a signal only sets `INTERRUPTED`, which the store's lock wait polls to stop waiting. On
leaving the block the previous handler is restored and, if a signal came, KeyboardInterrupt is
raised (the CLI turns it into exit 130).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

INTERRUPTED = threading.Event()


def _note(signum: int, frame: FrameType | None) -> None:
    INTERRUPTED.set()


@contextmanager
def deferred_sigint() -> Iterator[threading.Event]:
    """Defer SIGINT for the block (see the module docstring); yields the interrupt flag."""
    if threading.current_thread() is not threading.main_thread():
        yield INTERRUPTED
        return
    INTERRUPTED.clear()  # on the main thread a Ctrl-C before the block raised already
    previous = signal.signal(signal.SIGINT, _note)
    try:
        yield INTERRUPTED
    finally:
        signal.signal(signal.SIGINT, previous)
    if INTERRUPTED.is_set():
        INTERRUPTED.clear()
        raise KeyboardInterrupt
