"""Which run_results files can be scored: the dbt command that wrote each one, and its statuses.

`dbt docs generate`, `dbt compile` and the like overwrite `target/run_results.json` with results
that are not test results (every node `success`); scoring them would report a made-up verdict.
A file written by such a command is refused. Files of `dbt run` / `seed` / `snapshot` hold model
results only: they are accepted when merged with a file that ran tests (their model results then
count toward the fail-closed verdicts), and refused alone. A status dbt does not write is refused
too, naming the file and the status.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol

from dativo_dbt.core.errors import DativoError

#: statuses dbt writes for a test (data tests and unit tests)
TEST_STATUSES = frozenset({"pass", "fail", "warn", "error", "skipped"})
#: every status dbt 1.5-1.11 writes in run_results (NodeStatus)
NODE_STATUSES = TEST_STATUSES | frozenset({"success", "partial success", "no-op", "runtime error"})
#: commands whose run_results hold no executed results at all: refused even when merged
NO_RESULTS: dict[str, str] = {
    "generate": "dbt docs generate",
    "compile": "dbt compile",
    "parse": "dbt parse",
    "list": "dbt ls",
    "ls": "dbt ls",
    "show": "dbt show",
    "run-operation": "dbt run-operation",
    "clone": "dbt clone",
    "debug": "dbt debug",
    "freshness": "dbt source freshness",
}
#: commands that build nodes but run no test: their model results count when merged with tests
MODELS_ONLY: dict[str, str] = {"run": "dbt run", "seed": "dbt seed", "snapshot": "dbt snapshot"}
_FIX = (
    "run `dbt build` or `dbt test` and score the run_results.json they write, or keep a copy of "
    "it before running `{cmd}` (e.g. `cp target/run_results.json build_run_results.json`, then "
    "`--run-results build_run_results.json`)"
)


class _Result(Protocol):
    @property
    def unique_id(self) -> str: ...
    @property
    def status(self) -> str: ...


class _File(Protocol):
    @property
    def path(self) -> Path: ...
    @property
    def which(self) -> str | None: ...


def check_statuses(path: Path, results: Iterable[_Result]) -> None:
    """Raise a DativoError naming `path` when a result has a status dbt does not write."""
    bad: dict[str, str] = {}
    for r in results:
        status = r.status.lower()
        if status in TEST_STATUSES:
            continue
        if status not in NODE_STATUSES or r.unique_id.startswith("test."):
            bad.setdefault(r.status, r.unique_id)
    if bad:
        shown = ", ".join(f"{s!r} (e.g. {uid})" for s, uid in list(bad.items())[:5])
        raise DativoError(
            f"unknown result status {shown}; dbt writes {', '.join(sorted(TEST_STATUSES))} for "
            "tests and success, error, skipped, partial success, no-op for other nodes. "
            "Score the run_results.json dbt wrote, unedited",
            path=path,
        )


def check_command(path: Path, which: str | None) -> None:
    """Refuse one run_results file written by a command that executes nothing (checked before its
    statuses: `dbt docs generate` writes `success` for tests)."""
    cmd = NO_RESULTS.get((which or "").lower())
    if cmd is not None:
        raise DativoError(
            f"{path.name} was written by `{cmd}`, which runs no tests (its results are not "
            f"test results); {_FIX.format(cmd=cmd)}",
            path=path,
        )


def check_commands(files: Sequence[_File]) -> None:
    """Refuse merged run_results that hold no test results: every file is from `dbt run`,
    `dbt seed` or `dbt snapshot` (files of other test-less commands are refused when read)."""
    for f in files:
        check_command(f.path, f.which)
    if files and all((f.which or "").lower() in MODELS_ONLY for f in files):
        f = files[0]
        cmd = MODELS_ONLY[(f.which or "").lower()]
        raise DativoError(
            f"{f.path.name} was written by `{cmd}`, which runs no tests; {_FIX.format(cmd=cmd)}. "
            f"A `{cmd}` run_results.json can be passed together with one of `dbt build` / "
            "`dbt test` (its model results then count)",
            path=f.path,
        )
