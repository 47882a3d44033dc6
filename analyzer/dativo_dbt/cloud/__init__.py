"""dbt Cloud: download a run's artifacts through the Admin API v2 so `dativo-dbt score` can score
a dbt Cloud job (`--dbt-cloud-run RUN_ID`).

Import from the submodules: `cloud.options` (click options, cheap to import) and `cloud.download`
(the HTTP client, imported only when a run is actually downloaded).
"""
