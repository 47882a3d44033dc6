"""dbt Cloud: download a run's artifacts through the Admin API v2 so `dativo-dbt score` can score
a dbt Cloud job (`--dbt-cloud-run RUN_ID`).

Import from the submodules: `cloud.run` (a run to score and its temporary target directory),
`cloud.download` (the HTTP client), `cloud.settings` (names and defaults).
"""
