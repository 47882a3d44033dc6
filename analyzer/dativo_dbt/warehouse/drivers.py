"""Opening DB-API connections from a dbt profile target: DuckDB (read-write, or read-only waiting
for a writer's lock) and PostgreSQL (psycopg2, installed with dbt-postgres). Driver errors
propagate; callers word them (`first_line`)."""

from __future__ import annotations

import importlib
import time
from typing import Any

import duckdb

from dativo_dbt.warehouse.profile import WarehouseTarget

# read-only opens retry while another process (dbt, another dativo-dbt) holds the write lock
_LOCK_RETRIES = 7
_LOCK_FIRST_DELAY = 0.1


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (its type name when empty)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def open_duckdb(path: str, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection to `path`; read-only waits a little (backing off) for a writer's lock."""
    if not read_only:
        return duckdb.connect(path)
    delay = _LOCK_FIRST_DELAY
    for attempt in range(_LOCK_RETRIES):
        try:
            return duckdb.connect(path, read_only=True)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or attempt == _LOCK_RETRIES - 1:
                raise
            time.sleep(delay)
            delay *= 2
    raise AssertionError("unreachable")  # the last attempt returns or raises


def psycopg2_module() -> Any:
    """psycopg2 (installed with dbt-postgres; it ships no type stubs: used as Any)."""
    return importlib.import_module("psycopg2")


def open_postgres(target: WarehouseTarget, *, read_only: bool = False) -> Any:
    """An autocommit psycopg2 connection with the target's fields (read-only session on demand)."""
    conn = psycopg2_module().connect(
        host=target.host,
        port=target.port or 5432,
        user=target.user,
        password=target.password,
        dbname=target.dbname,
        connect_timeout=10,
    )
    if read_only:
        conn.set_session(readonly=True, autocommit=True)
    else:
        conn.autocommit = True
    return conn
