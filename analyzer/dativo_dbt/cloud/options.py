"""The click options of `dativo-dbt score --dbt-cloud-run RUN_ID` and the helper the command uses.

Usage in a click command::

    @click.command()
    @dbt_cloud_options
    def command(..., **kwargs):
        with dbt_cloud_target_dir(kwargs) as target_dir:   # None when --dbt-cloud-run is not given
            target = target_dir or Path(project_dir) / "target"
            ...
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from dativo_dbt.cli.bounds import identifier, timeout
from dativo_dbt.cloud.settings import DEFAULT_TIMEOUT, ENV_ACCOUNT_ID, ENV_HOST, ENV_TOKEN

F = TypeVar("F", bound=Callable[..., Any])

_OPTIONS = (
    click.option(
        "--dbt-cloud-run",
        "dbt_cloud_run",
        type=identifier(),
        default=None,
        help="Score a dbt Cloud run: download its manifest.json and run_results.json (Admin API v2).",
    ),
    click.option(
        "--dbt-cloud-account-id",
        "dbt_cloud_account_id",
        type=identifier(),
        default=None,
        help=f"dbt Cloud account id [env {ENV_ACCOUNT_ID}].",
    ),
    click.option(
        "--dbt-cloud-host",
        "dbt_cloud_host",
        default=None,
        help=f"dbt Cloud base URL (default https://cloud.getdbt.com) [env {ENV_HOST}].",
    ),
    click.option(
        "--dbt-cloud-token",
        "dbt_cloud_token",
        default=None,
        help=f"dbt Cloud API token (prefer the environment variable) [env {ENV_TOKEN}].",
    ),
    click.option(
        "--dbt-cloud-step",
        "dbt_cloud_step",
        type=identifier(),
        default=None,
        help="Artifacts of this step of the run (default: the run's last step).",
    ),
    click.option(
        "--dbt-cloud-timeout",
        "dbt_cloud_timeout",
        type=timeout(),
        default=DEFAULT_TIMEOUT,
        show_default=True,
        help="Seconds to wait for each dbt Cloud request.",
    ),
)

OPTION_NAMES = (
    "dbt_cloud_run",
    "dbt_cloud_account_id",
    "dbt_cloud_host",
    "dbt_cloud_token",
    "dbt_cloud_step",
    "dbt_cloud_timeout",
)


def dbt_cloud_options(func: F) -> F:
    """Add the --dbt-cloud-* options to a click command (in this order in --help)."""
    for option in reversed(_OPTIONS):
        func = option(func)
    return func


@contextmanager
def dbt_cloud_target_dir(params: Mapping[str, Any]) -> Iterator[Path | None]:
    """A temporary target dir with the run's artifacts when params has dbt_cloud_run, else None.

    `params` are the command's keyword arguments (only the dbt_cloud_* keys are read).
    """
    run_id = params.get("dbt_cloud_run")
    if run_id is None:
        yield None
        return
    from dativo_dbt.cloud.download import cloud_target_dir, resolve_settings  # HTTP client on use

    settings = resolve_settings(
        params.get("dbt_cloud_account_id"),
        params.get("dbt_cloud_host"),
        params.get("dbt_cloud_token"),
        timeout=float(params.get("dbt_cloud_timeout") or DEFAULT_TIMEOUT),
    )
    with cloud_target_dir(run_id, settings, step=params.get("dbt_cloud_step")) as target:
        yield target
