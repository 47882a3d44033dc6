"""The `dativo-dbt` command: a click group whose subcommands are imported only when used.

Each subcommand lives in its own module under `dativo_dbt.cli` and exposes a click command named
`command`. Importing lazily keeps `dativo-dbt --help` and small commands fast (no dbt import).
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import importlib.util
import os
import sys
import threading
from typing import Any

import click

from dativo_dbt import __version__
from dativo_dbt.core.errors import DativoError, GateFailure

# name -> (module under dativo_dbt.cli, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("validate_cmd", "Validate contracts (and their columns against dbt artifacts)."),
    "generate": ("generate_cmd", "Generate dbt properties files with tests from contracts."),
    "score": ("score_cmd", "Score model quality from dbt artifacts and enforce gates."),
    "gate": ("gate_cmd", "Enforce quality gates only (exit 1 when a gate fails)."),
    "config": ("config_cmd", "Show the effective dativo configuration."),
    "lineage": ("lineage_cmd", "Emit OpenLineage events for the last dbt run."),
    "notify": ("notify_cmd", "Send contract violation notifications."),
    "quarantine": ("quarantine_cmd", "List, review, release and purge quarantined rows."),
    "report": ("report_cmd", "Write a self-contained HTML quality report."),
    "history": ("history_cmd", "Show score trends from the history store."),
    "diff": ("diff_cmd", "Classify contract changes (breaking needs a major version bump)."),
    "init": ("init_cmd", "Write starter contracts from an existing project's models and tests."),
}


class LazyGroup(click.Group):
    """A click group that imports a subcommand's module on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name, (mod, _) in COMMANDS.items() if _module_exists(mod))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module_name, _ = COMMANDS[cmd_name]
        if not _module_exists(module_name):
            return None
        module = importlib.import_module(f"dativo_dbt.cli.{module_name}")
        command: click.Command = module.command
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _module_exists(module_name: str) -> bool:
    return importlib.util.find_spec(f"dativo_dbt.cli.{module_name}") is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dativo-dbt")
def cli() -> None:
    """Data contracts and data-quality scoring for dbt.

    Exit codes: 0 ok, 1 a quality gate or blocking violation failed, 2 usage or input error,
    130 interrupted (Ctrl-C).
    """


# Exit code of a run interrupted by SIGINT (Ctrl-C), as shells report 128 + SIGINT.
EXIT_INTERRUPTED = 130


def main(argv: list[str] | None = None) -> Any:
    """Entry point: runs the CLI and maps our exceptions to exit codes without tracebacks.

    Every error is one line on stderr (`error: ...`); Ctrl-C exits 130 after the commands' cleanup
    (temporary files removed, no partial outputs)."""
    try:
        return cli.main(args=argv, prog_name="dativo-dbt", standalone_mode=False)
    except DativoError as exc:
        click.echo(f"error: {exc.render()}", err=True)
        sys.exit(exc.exit_code)
    except GateFailure:
        sys.exit(GateFailure.exit_code)
    except (click.exceptions.Abort, KeyboardInterrupt) as exc:
        if isinstance(exc, KeyboardInterrupt) or isinstance(exc.__cause__, KeyboardInterrupt):
            click.echo("interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        click.echo("aborted", err=True)
        sys.exit(2)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        click.echo(f"error: {_one_line(exc)}", err=True)
        sys.exit(2)
    except OSError as exc:  # a path we could not read or write (symlink loop, read-only dir, ...)
        click.echo(f"error: {_os_error(exc)}", err=True)
        sys.exit(2)


def _one_line(exc: click.ClickException) -> str:
    """A usage error as one line, with where to find the command's help."""
    message = " ".join(exc.format_message().split())
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, click.UsageError) and ctx is not None:
        message += f" (see `{ctx.command_path} --help`)"
    return message


def _os_error(exc: OSError) -> str:
    """`PATH: reason` for an I/O error (never a traceback)."""
    where = f"{exc.filename}: " if exc.filename else ""
    return where + (exc.strerror or type(exc).__name__)


_exiting_fast = False
_kept: list[Any] = []


def keep_until_exit(obj: Any) -> None:
    """Under the console script, never free `obj`: the process ends with `os._exit`, and
    freeing a big score object by object only costs time (after the history writer's fork
    it also copies every page it touches). Elsewhere (tests, library use) a no-op."""
    if _exiting_fast:
        _kept.append(obj)


def console() -> None:
    """The `dativo-dbt` console script: `main`, then exit without tearing the heap down.

    A big `score` leaves millions of objects behind; freeing them one by one at interpreter exit
    took 0.15 s on 100,000 tests for nothing. Output is flushed and atexit handlers run first;
    with another thread still alive, or on an unexpected exception, Python exits normally. An
    interrupted run (exit 130) always ends here without interpreter shutdown, which could otherwise
    abort (exit 134) while a background thread still holds stdout/stderr.
    """
    global _exiting_fast
    _exiting_fast = True
    try:
        main()
        code: Any = 0
    except SystemExit as exc:
        code = exc.code
    except KeyboardInterrupt:  # between two commands' cleanup: still no traceback
        code = EXIT_INTERRUPTED
    if threading.active_count() > 1 and code != EXIT_INTERRUPTED:
        sys.exit(code)
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: exit like Python would
        sys.exit(code)
    with contextlib.suppress(KeyboardInterrupt):  # a second Ctrl-C: exit all the same
        atexit._run_exitfuncs()
    os._exit(code)


if __name__ == "__main__":
    console()
