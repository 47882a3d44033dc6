"""The report's quarantine summary reads the registry (created by the quarantine module's own DDL)
over a read-only DuckDB connection."""

from __future__ import annotations

import json
from pathlib import Path

from dativo_dbt.quarantine.registry import Registry
from dativo_dbt.quarantine.tables import REGISTRY_TABLE
from dativo_dbt.report.warehouse import quarantine_summary
from dativo_dbt.warehouse.connection import Warehouse
from dativo_dbt.warehouse.profile import WarehouseTarget
from dativo_dbt.warehouse.readonly import ReadOnlyDuckDB as _DuckDB


def test_summary_counts_active_batches(tmp_path: Path) -> None:
    db = tmp_path / "wh.duckdb"
    wt = WarehouseTarget(type="duckdb", profile="p", target="t", project_dir=tmp_path, path=str(db))
    registry = Registry(Warehouse(wt), "main_dativo_quarantine")
    registry.ensure()
    table = f'"main_dativo_quarantine"."{REGISTRY_TABLE}"'
    for batch, status, rows in (
        ("b1", "quarantined", 4),
        ("b2", "released", 7),
        ("b3", "reviewed", 2),
    ):
        registry.wh.execute(
            f"insert into {table} (id, contract, model, model_unique_id, checks, failing_relations,"
            " failure_count, quarantined_at, expires_at, status) values"
            f" ('{batch}', 'orders', 'stg_<orders>', 'model.p.stg_orders',"
            f" '{json.dumps([{'check': 'amount_positive'}])}', '[]', {rows},"
            " timestamp '2026-01-01 00:00:00', timestamp '2026-02-01 00:00:00', "
            f"'{status}')"
        )
    registry.wh.close()

    conn = _DuckDB(str(db))
    try:
        summary, problem = quarantine_summary(conn, "main_dativo_quarantine")
        absent, none = quarantine_summary(conn, "no_such_schema")
    finally:
        conn.close()
    assert problem is None and summary is not None
    assert summary.total_rows == 6  # quarantined + reviewed; released rows are no longer held
    assert [e["batch"] for e in summary.entries][-1] == "b2"  # inactive batches last
    assert {e["checks"] for e in summary.entries} == {"amount_positive"}
    assert absent is None and none is None
