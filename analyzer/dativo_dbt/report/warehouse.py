"""Read-only warehouse access for the report: sample failing rows and the quarantine summary.

The connection is the dbt profile's (profiles.yml rendered like dbt does, see
`dativo_dbt.warehouse.profile`). Only DuckDB and PostgreSQL are read directly; on other adapters
the report says that samples are not shown. Nothing here ever fails the report: a problem becomes
a note or a per-check message.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from dativo_dbt.core.errors import DativoError
from dativo_dbt.history.snapshot import CheckSnapshot
from dativo_dbt.quarantine.api import registry_schema
from dativo_dbt.quarantine.tables import REGISTRY_TABLE
from dativo_dbt.report.views import QuarantineSummary, SampleRows
from dativo_dbt.warehouse.drivers import first_line
from dativo_dbt.warehouse.profile import load_target
from dativo_dbt.warehouse.quoting import quote, sql_string
from dativo_dbt.warehouse.readonly import Connection

MAX_CELL = 200


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
            out[check.unique_id] = SampleRows(
                [], [], relation, error=f"not readable: {first_line(exc)}"
            )
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


def quarantine_schema(
    project_dir: Path, *, profiles_dir: Path | None = None, target: str | None = None
) -> str | None:
    """The schema of the project's quarantine registry (None when the profile is unreadable)."""
    try:
        return registry_schema(load_target(project_dir, profiles_dir=profiles_dir, target=target))
    except DativoError:
        return None


def quarantine_summary(
    conn: Connection, schema: str
) -> tuple[QuarantineSummary | None, str | None]:
    """(summary, None) of the quarantine registry in `schema`, read over the report's read-only
    connection; (None, None) when there is no registry; (None, why) when it is unreadable."""
    quoted = quote(schema)
    try:
        _columns, rows = conn.query(
            "select count(*) from information_schema.tables"
            f" where table_schema = {sql_string(schema)}"
            f" and table_name = '{REGISTRY_TABLE}'"
        )
        if not rows or not rows[0][0]:
            return None, None
        _columns, rows = conn.query(
            "select id, model, contract, checks, failure_count, status, quarantined_at, expires_at"
            f' from {quoted}."{REGISTRY_TABLE}" order by quarantined_at desc, id'
        )
    except Exception as exc:  # a registry of another version must not fail the report
        return None, f"quarantine registry not read: {first_line(exc)}"
    entries = []
    total = 0
    for batch_id, model, contract, checks_json, count, status, quarantined, expires in rows:
        try:
            checks = json.loads(checks_json or "[]")
        except ValueError:
            checks = []
        names = [
            str(c.get("check") or c.get("name") or "") if isinstance(c, dict) else str(c)
            for c in checks
        ]
        if status in _ACTIVE:
            total += int(count or 0)
        entries.append(
            {
                "model": model,
                "contract": contract,
                "checks": ", ".join(n for n in names if n),
                "rows": int(count or 0),
                "status": status,
                "quarantined": _cell(quarantined),
                "expires": _cell(expires),
                "batch": batch_id,
            }
        )
    entries.sort(key=lambda e: e["status"] not in _ACTIVE)
    return QuarantineSummary(total, entries, list(QUARANTINE_COLUMNS)), None
