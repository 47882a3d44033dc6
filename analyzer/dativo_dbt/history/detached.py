"""Record a big run's history in a detached child process, so `score` exits once its verdict is known.

On 100,000 checks the history rows take about 0.6 s to build and insert, a third of the whole
score. Like `git gc --auto`, `score` then forks a child that writes the store after the parent
has printed its result and exited; the child holds no pipe of the caller (its stdin, stdout and
stderr are /dev/null), so `score | tee` or a CI step ends with the parent.

While it writes, a marker file `<store>.writing-<pid>` exists. Readers (`history`, `report`) first
wait, bounded by `WAIT_SECONDS`, for the markers of living writers, so a reader started after
`score` exited sees its run. Writers never look at markers: they take DuckDB's own file lock with
a bounded wait, and a writer that cannot get it sets its run aside as a pending file that the
next opener merges (`history/spool.py`). A marker whose process is gone (killed, or it finished
before the parent created the marker) is removed by the next reader. A failed write is appended
to `<store>.log`; nothing is printed after the parent has exited.

`DATIVO_HISTORY_BACKGROUND`: `auto` (default: detach from `MIN_CHECKS` checks on), `on` (always),
`off` (never: write in the `score` process, warnings on stderr).
"""

from __future__ import annotations

import os
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from dativo_dbt.core.errors import DativoError
from dativo_dbt.history.adapt import rows_from_score

ENV_BACKGROUND = "DATIVO_HISTORY_BACKGROUND"
MIN_CHECKS = 20_000
WAIT_SECONDS = 60.0


def _mode() -> str:
    value = os.environ.get(ENV_BACKGROUND, "auto").strip().lower()
    if value in {"1", "on", "true", "yes", "always"}:
        return "on"
    if value in {"0", "off", "false", "no", "never"}:
        return "off"
    return "auto"


def wanted(project_score: Any) -> bool:
    """True when this run's history should be written by a detached child."""
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return False
    mode = _mode()
    if mode != "auto":
        return mode == "on"
    checks = getattr(getattr(project_score, "summary", None), "checks_total", 0) or 0
    return int(checks) >= MIN_CHECKS


def _marker(store: Path, pid: int) -> Path:
    return store.parent / f"{store.name}.writing-{pid}"


def _alive(pid: int) -> bool:
    """The process exists and is not a zombie (a finished child its parent has not reaped)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True


def wait_for_writers(store: Path, *, timeout: float = WAIT_SECONDS) -> None:
    """Return once no other living process is writing `store` (stale markers are removed)."""
    prefix = f"{store.name}.writing-"
    me = os.getpid()
    deadline = time.monotonic() + timeout
    while True:
        busy = False
        try:
            names = [p.name for p in store.parent.iterdir() if p.name.startswith(prefix)]
        except OSError:
            return
        for name in names:
            try:
                pid = int(name[len(prefix) :])
            except ValueError:
                continue
            if pid == me:
                continue
            if _alive(pid):
                busy = True
            else:
                _marker(store, pid).unlink(missing_ok=True)
        if not busy or time.monotonic() > deadline:
            return
        time.sleep(0.02)


def log_failure(store: Path, exc: BaseException) -> None:
    text = exc.render() if isinstance(exc, DativoError) else f"{type(exc).__name__}: {exc}"
    stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
    try:
        with open(store.parent / f"{store.name}.log", "a", encoding="utf-8") as fh:
            fh.write(f"{stamp} score history not recorded: {text}\n")
    except OSError:
        pass


def _detach_stdio() -> None:
    fd = os.open(os.devnull, os.O_RDWR)
    for target in (0, 1, 2):
        os.dup2(fd, target)
    if fd > 2:
        os.close(fd)


def _await_parent_exit(parent: int, limit: float = 1.0) -> None:
    """Let the exiting `score` go first: once it is gone, the pages this child shares with it
    are the child's alone, so touching them copies nothing (and the two do not compete)."""
    deadline = time.monotonic() + limit
    while os.getppid() == parent and time.monotonic() < deadline:
        time.sleep(0.005)


def start(project_score: Any, store: Path, *, after_parent_exit: bool = False) -> int:
    """Fork the child that records `project_score` into `store`; returns its pid.
    `after_parent_exit`: the caller exits next (the CLI), so the child starts once it has (or
    after one second)."""
    store.parent.mkdir(parents=True, exist_ok=True)
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: never returns, never runs the parent's exit handlers
        code = 1
        try:
            os.setsid()
            _detach_stdio()
            if after_parent_exit:
                _await_parent_exit(parent)
            # here: the store imports this module (and DuckDB, which a `score` need not load)
            from dativo_dbt.history.store import store_run

            store_run(store, rows_from_score(project_score))
            code = 0
        except BaseException as exc:
            log_failure(store, exc)
        finally:
            _marker(store, os.getpid()).unlink(missing_ok=True)
            os._exit(code)
    _marker(store, pid).touch()
    return pid
