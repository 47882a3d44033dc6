"""The `dativo-dbt` console script's entry point: Ctrl-C exits 130 from the first line on.

Importing the CLI (click, rich, ...) takes a noticeable moment; a SIGINT in that window used to
end in an import traceback. This module is tiny and, when imported by the console script, first
installs a handler that exits 130 at once (nothing has started, so nothing needs cleaning up);
`console()` restores Python's KeyboardInterrupt once the CLI is loaded, so every command's own
cleanup (temp files, the history writer) runs on an interrupt. Library code never imports it.
"""

from __future__ import annotations

import os
import signal
from types import FrameType

EXIT_INTERRUPTED = 130


def _interrupted_while_loading(signum: int, frame: FrameType | None) -> None:
    os.write(2, b"interrupted\n")
    os._exit(EXIT_INTERRUPTED)


signal.signal(signal.SIGINT, _interrupted_while_loading)


def console() -> None:
    """Load the CLI, then run it with the default Ctrl-C handling (see `cli.main.console`)."""
    from dativo_dbt.cli.main import console as run

    signal.signal(signal.SIGINT, signal.default_int_handler)
    run()
