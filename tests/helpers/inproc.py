"""Run `dativo-dbt` in this process through `main(argv)` (the console script's error mapping: exit
codes, one-line errors) with captured stdout/stderr: fast enough for many generated cases."""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner
from dativo_dbt.cli.main import main


@dataclass
class Ran:
    code: int
    stdout: str
    stderr: str

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]


@contextlib.contextmanager
def _cwd(path: Path | None) -> Iterator[None]:
    if path is None:
        yield
        return
    old = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def run_main(*args: str, env: dict[str, str | None] | None = None, cwd: Path | None = None) -> Ran:
    """`dativo-dbt ARGS` in-process; `env` entries are set (None: unset) for the call only.
    The history store is off unless `env` turns it on (no background writer between cases)."""
    runner = CliRunner()
    env = {"DATIVO_ENTERPRISE_CONFIG": None, "DATIVO_HISTORY": "off", **(env or {})}
    with runner.isolation(env=env) as streams, _cwd(cwd):
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            gc.enable()  # `score` switches the cyclic GC off for its short-lived process
        out, err = streams[0].getvalue(), streams[1].getvalue()
    return Ran(code, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"))
