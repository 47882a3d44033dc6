"""The warehouse connection on Spark: a local pyspark session opened like dbt-spark's
`session` method opens it (Hive support, the profile's `server_side_parameters`), so it reads the
same `./spark-warehouse` and `./metastore_db` of the working directory as `dbt` run there.

Only the `session` method is reachable this way; thrift / http clusters and Databricks register
batches with the dbt hook `dativo_dbt.register_quarantine(results)`. The embedded Derby metastore
admits one process at a time: run the CLI when no dbt command is running in that directory.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dativo_dbt.core.errors import DativoError
from dativo_dbt.warehouse.drivers import first_line
from dativo_dbt.warehouse.profile import WarehouseTarget

HOOK = "dativo_dbt.register_quarantine(results)"
# Settings that move the warehouse or the metastore away from the working directory.
_LOCATION_KEYS = ("spark.sql.warehouse.dir", "javax.jdo.option.ConnectionURL")


def _check_metastore(params: dict[str, str]) -> None:
    """A session in a directory without ./metastore_db would create an empty one and report no
    batches: refuse instead, unless the profile places the metastore itself."""
    if any(key in k for k in params for key in _LOCATION_KEYS):
        return
    cwd = Path.cwd()
    if not (cwd / "metastore_db").is_dir():
        raise DativoError(
            f"no Spark metastore in {cwd} (./metastore_db): run dativo-dbt quarantine from the "
            "directory dbt runs in (dbt-spark's session method keeps its tables there)"
        )


def _start(params: dict[str, str]) -> Any:
    try:
        sql_module: Any = importlib.import_module("pyspark.sql")
    except ImportError:
        raise DativoError(
            'the Spark quarantine registry needs pyspark: pip install "dativo-dbt[spark]"'
        ) from None
    builder = sql_module.SparkSession.builder.appName("dativo-dbt quarantine").enableHiveSupport()
    builder = builder.config("spark.ui.showConsoleProgress", "false")  # stderr stays readable
    for key, value in params.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # Java missing, Derby metastore locked by another process, ...
        raise DativoError(
            f"cannot start a local Spark session: {first_line(exc)} (needs a Java 17 runtime; the "
            "metastore_db of the working directory admits one process at a time)"
        ) from None
    session.sparkContext.setLogLevel("ERROR")
    return session


class SparkSQL:
    """execute / query / table_exists over a local Spark session, with `?` parameters."""

    def __init__(self, target: WarehouseTarget) -> None:
        method = str(target.output.get("method", ""))
        if method != "session":
            raise DativoError(
                f"the quarantine CLI reaches Spark through a local session (method: session); "
                f"profile target {target.target!r} uses method {method!r}: register batches "
                f"there with the on-run-end hook {HOOK}"
            )
        raw = target.output.get("server_side_parameters") or {}
        params = {str(k): str(v) for k, v in dict(raw).items()}
        _check_metastore(params)
        self._spark = _start(params)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._spark.sql(sql, args=list(params) or None).collect()

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        rows = self._spark.sql(sql, args=list(params) or None).collect()
        return [row.asDict(recursive=True) for row in rows]

    def table_exists(self, schema: str, name: str) -> bool:
        return bool(self._spark.catalog.tableExists(f"{schema}.{name}"))

    def close(self) -> None:
        self._spark.stop()
