"""A read-write connection to the project's warehouse (DuckDB file, PostgreSQL, or a local Spark
session: warehouse/spark.py), opened from the dbt profile. SQL is written once with `%s`
placeholders; DuckDB and Spark get `?`."""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Any

import duckdb

from dativo_dbt.core.errors import DativoError
from dativo_dbt.warehouse.drivers import first_line, open_duckdb, open_postgres, psycopg2_module
from dativo_dbt.warehouse.profile import WarehouseTarget
from dativo_dbt.warehouse.quoting import quote
from dativo_dbt.warehouse.spark import SparkSQL

SUPPORTED = ("duckdb", "postgres", "spark")


def _unsupported(target: WarehouseTarget) -> DativoError:
    hint = (
        " (on Databricks, register batches from dbt with the on-run-end hook "
        "dativo_dbt.register_quarantine(results))"
        if target.type == "databricks"
        else ""
    )
    return DativoError(
        f"quarantine supports {', '.join(SUPPORTED)} targets; profile target "
        f"{target.target!r} is {target.type!r}" + hint
    )


def _connect(t: WarehouseTarget) -> Any:
    if t.type == "spark":
        return SparkSQL(t)
    if t.type == "duckdb":
        if not t.path or t.path == ":memory:":
            raise DativoError("the DuckDB target is in-memory: no warehouse to open")
        try:
            return open_duckdb(t.path)
        except duckdb.Error as exc:
            raise DativoError(f"cannot open DuckDB database: {exc}", path=t.path) from None
    try:
        return open_postgres(t)
    except psycopg2_module().Error as exc:
        first = first_line(exc)
        if t.password:
            first = first.replace(t.password, "***")
        raise DativoError(f"cannot connect to PostgreSQL {t.host}:{t.port}: {first}") from None


class Warehouse:
    """execute / query with `%s` parameters, and transactions where the warehouse has them."""

    def __init__(self, target: WarehouseTarget) -> None:
        self.target = target
        self.kind = target.type
        if self.kind not in SUPPORTED:
            raise _unsupported(target)
        self._conn: Any = _connect(target)

    def quote(self, ident: str) -> str:
        return quote(ident, self.kind)

    def _sql(self, sql: str) -> str:
        return sql.replace("%s", "?") if self.kind in ("duckdb", "spark") else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        if self.kind == "spark":
            self._conn.execute(self._sql(sql), params)
            return
        if self.kind == "duckdb":
            self._conn.execute(self._sql(sql), list(params))
            return
        with self._conn.cursor() as cur:
            cur.execute(sql, tuple(params))

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        if self.kind == "spark":
            return list(self._conn.query(self._sql(sql), params))
        if self.kind == "duckdb":
            cur = self._conn.execute(self._sql(sql), list(params))
            cols = [d[0] for d in cur.description]
            return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]
        with self._conn.cursor() as cur:
            cur.execute(sql, tuple(params))
            cols = [d[0] for d in cur.description]
            return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]

    def relation_exists(self, schema: str, name: str) -> bool:
        if self.kind == "spark":
            return bool(self._conn.table_exists(schema, name))
        rows = self.query(
            "select count(*) as n from information_schema.tables where table_schema = %s and table_name = %s",
            (schema, name),
        )
        return bool(rows and rows[0]["n"])

    # Spark has no transactions: every statement is final when it returns.

    def begin(self) -> None:
        if self.kind == "spark":
            return
        if self.kind == "duckdb":
            self._conn.execute("begin transaction")
        else:
            self._conn.autocommit = False

    def commit(self) -> None:
        if self.kind == "spark":
            return
        if self.kind == "duckdb":
            self._conn.execute("commit")
        else:
            self._conn.commit()
            self._conn.autocommit = True

    def rollback(self) -> None:
        if self.kind == "spark":
            return
        if self.kind == "duckdb":
            self._conn.execute("rollback")
        else:
            self._conn.rollback()
            self._conn.autocommit = True

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
