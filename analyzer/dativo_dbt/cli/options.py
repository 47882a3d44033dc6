"""The options several commands share, declared once: one name, one meaning, one help text.

Each is a click decorator; stack them like `@click.option`. A command that needs a different
default or meaning uses a different option name (never a second meaning for the same name):
`--config` is always the dativo.yml layers, `--notify-config` always the notifications config.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

DIRECTORY = click.Path(file_okay=False, path_type=Path)
FILE = click.Path(dir_okay=False, path_type=Path)


def project_dir(f: F) -> F:
    """`--project-dir`: the dbt project (default: the current directory)."""
    return click.option(
        "--project-dir", type=DIRECTORY, default=Path("."), show_default=True, help="dbt project."
    )(f)


def target_dir(f: F) -> F:
    """`--target-dir`: where the dbt artifacts are (default: PROJECT/target)."""
    return click.option(
        "--target-dir",
        type=DIRECTORY,
        default=None,
        help="dbt artifacts [default: PROJECT/target].",
    )(f)


def profiles(f: F) -> F:
    """`--profiles-dir` and `--target`, as dbt reads them (target -> parameter `dbt_target`)."""
    f = click.option("--target", "dbt_target", default=None, help="profiles.yml target (as dbt).")(
        f
    )
    return click.option(
        "--profiles-dir", type=DIRECTORY, default=None, help="Where profiles.yml is (as dbt)."
    )(f)


def config_layers(f: F) -> F:
    """`--config` (repeatable, parameter `config_paths`): the dativo.yml layers."""
    return click.option(
        "--config",
        "config_paths",
        multiple=True,
        type=FILE,
        help="dativo.yml layer(s), enterprise first (repeatable); each file's `extends:` chain is "
        "loaded before it. $DATIVO_ENTERPRISE_CONFIG is always the first layer.",
    )(f)


def notify_config(f: F) -> F:
    """`--notify-config`: the notifications config file."""
    return click.option(
        "--notify-config",
        type=FILE,
        default=None,
        help="Notifications config [default: PROJECT/notifications.yml, else dativo.yml "
        "`notifications:`].",
    )(f)


def scores(f: F) -> F:
    """`--scores`: a `dativo-dbt score --format json` document instead of scoring again."""
    return click.option(
        "--scores",
        type=FILE,
        default=None,
        help="A `dativo-dbt score --format json` document to use instead of scoring again.",
    )(f)


def history_path(f: F) -> F:
    """`--history-path` (env DATIVO_HISTORY_PATH): the local history store."""
    return click.option(
        "--history-path",
        type=FILE,
        default=None,
        envvar="DATIVO_HISTORY_PATH",
        help="Local history store [default: dativo.yml history.path, else "
        "PROJECT/.dativo/history.duckdb].",
    )(f)


def stack(f: F, options: Iterable[Callable[[Any], Any]]) -> F:
    """Apply click option decorators to `f` so they show in `--help` in the given order."""
    for option in reversed(list(options)):
        f = option(f)
    return f


def contracts_dir(f: F) -> F:
    """`--contracts` (parameter `contracts_dir`): the contracts directory."""
    return click.option(
        "--contracts",
        "contracts_dir",
        type=DIRECTORY,
        default=None,
        help="Contracts directory (default: <project-dir>/contracts).",
    )(f)
