"""Read-only warehouse access for the report: sample failing rows and the quarantine summary.

The connection is the dbt profile's (profiles.yml rendered like dbt does, see
`dativo_dbt.quarantine.profile`). Only DuckDB and PostgreSQL are read directly; on other adapters
the report says that samples are not shown. Nothing here ever fails the report: a problem becomes
a note or a per-check message.
"""

from __future__ import annotations

import datetime as _dt
import importlib
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from dativo_dbt.errors import DativoError
from dativo_dbt.history.snapshot import CheckSnapshot
from dativo_dbt.report.build import QuarantineSummary, SampleRows

MAX_CELL = 200


class Connection(Protocol):
    kind: str

    def query(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]: ...

    def close(self) -> None: ...


class _DuckDB:
    kind = "duckdb"

    def __init__(self, path: str) -> None:
        import duckdb

        self._conn = duckdb.connect(path, read_only=True)

    def query(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        cur = self._conn.execute(sql)
        columns = [d[0] for d in cur.description or []]
        return columns, [tuple(r) for r in cur.fetchall()]

    def close(self) -> None:
        self._conn.close()


class _Postgres:
    kind = "postgres"

    def __init__(self, **kwargs: Any) -> None:
        # psycopg2 (installed with dbt-postgres) ships no type stubs: use it as Any.
        psycopg2: Any = importlib.import_module("psycopg2")
        self._conn = psycopg2.connect(**kwargs)
        self._conn.set_session(readonly=True, autocommit=True)

    def query(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        with self._conn.cursor() as cur:
            cur.execute(sql)
            columns = [d[0] for d in cur.description or []]
            return columns, [tuple(r) for r in cur.fetchall()]

    def close(self) -> None:
        self._conn.close()


def connect(
    project_dir: Path, *, profiles_dir: Path | None = None, target: str | None = None
) -> tuple[Connection | None, str | None]:
    """(connection, None) or (None, why not) for the project's dbt target."""
    from dativo_dbt.quarantine.profile import load_target

    try:
        wt = load_target(project_dir, profiles_dir=profiles_dir, target=target)
    except DativoError as exc:
        return None, f"cannot read the dbt profile ({exc.render()})"
    try:
        if wt.type == "duckdb":
            if not wt.path or wt.path == ":memory:" or not Path(wt.path).is_file():
                return None, f"the DuckDB database {wt.path} does not exist"
            return _DuckDB(wt.path), None
        if wt.type == "postgres":
            return (
                _Postgres(
                    host=wt.host,
                    port=wt.port,
                    user=wt.user,
                    password=wt.password,
                    dbname=wt.dbname,
                    connect_timeout=10,
                ),
                None,
            )
    except Exception as exc:  # any driver error: the report is still written
        return (
            None,
            f"cannot connect to the {wt.type} warehouse: {str(exc).strip().splitlines()[0]}",
        )
    return (
        None,
        f"reading the {wt.type} warehouse directly is not supported (DuckDB and PostgreSQL are)",
    )


def _cell(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    text = str(value)
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def fetch_samples(
    conn: Connection, checks: Sequence[CheckSnapshot], limit: int
) -> dict[str, SampleRows]:
    """The first `limit` rows of each check's store_failures table (keyed by test unique_id).

    Relation names come from the dbt manifest (already quoted by the adapter), never from data.
    """
    out: dict[str, SampleRows] = {}
    for check in checks:
        relation = check.relation_name
        if not relation or check.unique_id in out:
            continue
        try:
            columns, rows = conn.query(f"select * from {relation} limit {int(limit)}")
        except Exception as exc:  # a dropped table must not fail the report
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            out[check.unique_id] = SampleRows([], [], relation, error=f"not readable: {first}")
            continue
        out[check.unique_id] = SampleRows(columns, [[_cell(v) for v in r] for r in rows], relation)
    return out


QUARANTINE_COLUMNS = [
    "model",
    "contract",
    "checks",
    "rows",
    "status",
    "quarantined",
    "expires",
    "batch",
]
_ACTIVE = ("quarantined", "reviewed")


def quarantine_summary(
    project_dir: Path, *, profiles_dir: Path | None = None, target: str | None = None
) -> tuple[QuarantineSummary | None, str | None]:
    """(summary, None) of the project's quarantine registry; (None, None) when the project has no
    registry; (None, why) when it could not be read."""
    from dativo_dbt.quarantine.api import open_registry

    try:
        registry = open_registry(project_dir, profiles_dir=profiles_dir, target=target)
    except DativoError as exc:
        return None, f"quarantine registry not read: {exc.render()}"
    except Exception as exc:  # a driver error must not fail the report
        return None, f"quarantine registry not read: {str(exc).strip().splitlines()[0]}"
    try:
        if not registry.exists():
            return None, None
        batches = registry.list_batches()
    except Exception as exc:
        return None, f"quarantine registry not read: {str(exc).strip().splitlines()[0]}"
    finally:
        registry.wh.close()
    entries = []
    for b in sorted(
        batches, key=lambda b: (b.status not in _ACTIVE, b.quarantined_at), reverse=False
    ):
        names = [str(c.get("check") or c.get("name") or "") for c in b.checks]
        entries.append(
            {
                "model": b.model,
                "contract": b.contract,
                "checks": ", ".join(n for n in names if n),
                "rows": b.failure_count,
                "status": b.status,
                "quarantined": _cell(b.quarantined_at),
                "expires": _cell(b.expires_at),
                "batch": b.id,
            }
        )
    total = sum(b.failure_count for b in batches if b.status in _ACTIVE)
    return QuarantineSummary(total, entries, list(QUARANTINE_COLUMNS)), None
