"""Read-only connections to the project's warehouse (DuckDB and PostgreSQL), for readers that must
never fail on it: the report's samples and quarantine summary, the warehouse history."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from dativo_dbt.core.errors import DativoError
from dativo_dbt.warehouse.drivers import first_line, open_duckdb, open_postgres
from dativo_dbt.warehouse.profile import WarehouseTarget, load_target


class Connection(Protocol):
    """What readers use: one query returning (column names, rows), and close."""

    kind: str

    def query(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]: ...

    def close(self) -> None: ...


class ReadOnlyDuckDB:
    """A read-only DuckDB file (waits a little when dbt holds its write lock)."""

    kind = "duckdb"

    def __init__(self, path: str) -> None:
        self._conn = open_duckdb(path, read_only=True)

    def query(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        cur = self._conn.execute(sql)
        columns = [d[0] for d in cur.description or []]
        return columns, [tuple(r) for r in cur.fetchall()]

    def close(self) -> None:
        self._conn.close()


class ReadOnlyPostgres:
    """A read-only, autocommit PostgreSQL session."""

    kind = "postgres"

    def __init__(self, target: WarehouseTarget) -> None:
        self._conn = open_postgres(target, read_only=True)

    def query(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        with self._conn.cursor() as cur:
            cur.execute(sql)
            columns = [d[0] for d in cur.description or []]
            return columns, [tuple(r) for r in cur.fetchall()]

    def close(self) -> None:
        self._conn.close()


def open_readonly(target: WarehouseTarget) -> tuple[Connection | None, str | None]:
    """(connection, None) or (None, why not) for a profile target; never raises."""
    try:
        if target.type == "duckdb":
            if not target.path or target.path == ":memory:" or not Path(target.path).is_file():
                return None, f"the DuckDB database {target.path} does not exist"
            return ReadOnlyDuckDB(target.path), None
        if target.type == "postgres":
            return ReadOnlyPostgres(target), None
    except Exception as exc:  # any driver error: the caller carries on without the warehouse
        return None, f"cannot connect to the {target.type} warehouse: {first_line(exc)}"
    return (
        None,
        f"reading the {target.type} warehouse directly is not supported (DuckDB and PostgreSQL are)",
    )


def connect_readonly(
    project_dir: Path, *, profiles_dir: Path | None = None, target: str | None = None
) -> tuple[Connection | None, str | None]:
    """(connection, None) or (None, why not) for the project's dbt target; never raises."""
    try:
        wt = load_target(project_dir, profiles_dir=profiles_dir, target=target)
    except DativoError as exc:
        return None, f"cannot read the dbt profile ({exc.render()})"
    return open_readonly(wt)
