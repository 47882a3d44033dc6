"""The `--dbt-cloud-*` options of `dativo-dbt score` (a dbt Cloud run's artifacts to score).

@dbt_cloud_options
def command(**kwargs):
    run = pop_cloud_run(kwargs)   # a `cloud.run.CloudRun`, or None without --dbt-cloud-run
"""

from __future__ import annotations

from typing import Any

import click

from dativo_dbt.cli.bounds import identifier, timeout
from dativo_dbt.cli.options import F, stack
from dativo_dbt.cloud.run import CloudRun
from dativo_dbt.cloud.settings import DEFAULT_TIMEOUT, ENV_ACCOUNT_ID, ENV_HOST, ENV_TOKEN

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


def dbt_cloud_options(f: F) -> F:
    """Add the --dbt-cloud-* options to a click command (in this order in --help)."""
    return stack(f, _OPTIONS)


def pop_cloud_run(kwargs: dict[str, Any]) -> CloudRun | None:
    """Take the --dbt-cloud-* values out of a command's kwargs: the run, or None without one."""
    run_id = kwargs.pop("dbt_cloud_run")
    run = CloudRun(
        run_id=run_id,
        account_id=kwargs.pop("dbt_cloud_account_id"),
        host=kwargs.pop("dbt_cloud_host"),
        token=kwargs.pop("dbt_cloud_token"),
        step=kwargs.pop("dbt_cloud_step"),
        timeout=kwargs.pop("dbt_cloud_timeout"),
    )
    return None if run_id is None else run
