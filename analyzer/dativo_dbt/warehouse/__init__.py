"""The project's warehouse as dbt reaches it: the dbt profile (`profile.py`), DB-API connections
(`connection.py` read-write, `readonly.py` read-only, `spark.py` a local Spark session, opened by
`drivers.py`) and identifier/literal quoting (`quoting.py`)."""
