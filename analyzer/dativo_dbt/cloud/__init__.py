"""dbt Cloud: download a run's artifacts through the Admin API v2 so `dativo-dbt score` can score
a dbt Cloud job (`--dbt-cloud-run RUN_ID`)."""

from dativo_dbt.cloud.download import (
    DEFAULT_HOST,
    CloudSettings,
    cloud_target_dir,
    download_run_artifacts,
    resolve_settings,
)
from dativo_dbt.cloud.options import dbt_cloud_options, dbt_cloud_target_dir

__all__ = [
    "DEFAULT_HOST",
    "CloudSettings",
    "cloud_target_dir",
    "dbt_cloud_options",
    "dbt_cloud_target_dir",
    "download_run_artifacts",
    "resolve_settings",
]
