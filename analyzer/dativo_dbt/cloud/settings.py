"""Names and defaults of the dbt Cloud settings (shared by the CLI options and the downloader)."""

DEFAULT_HOST = "https://cloud.getdbt.com"
ENV_ACCOUNT_ID = "DBT_CLOUD_ACCOUNT_ID"
ENV_HOST = "DBT_CLOUD_HOST"
ENV_TOKEN = "DBT_CLOUD_API_TOKEN"
DEFAULT_TIMEOUT = 60.0
