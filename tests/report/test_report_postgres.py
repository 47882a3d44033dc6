"""Report and warehouse history on PostgreSQL: samples and the hook's history read via psycopg2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.dbt import DbtProject, copy_project
from tests.report.conftest import FIXTURE
from tests.report.htmlscan import Scan


@pytest.mark.postgres
def test_report_and_history_on_postgres(pg_schema: str, tmp_path: Path) -> None:
    project = DbtProject(
        copy_project(FIXTURE, tmp_path / "report_project"), target="postgres", pg_schema=pg_schema
    )
    project.dbt("deps")
    project.dbt("build", expect_rc=1)
    project.dbt("build", "--vars", "{fixed: true}", expect_rc=0)

    data = json.loads(project.dativo("history", "--from-warehouse", "--format", "json").stdout)
    assert data["source"] == f"warehouse postgres:{pg_schema}_dativo"
    assert len(data["runs"]) == 2
    orders = [p["score"] for p in data["models"]["stg_orders"]]
    assert orders[1] > orders[0]

    out = tmp_path / "report.html"
    proc = project.dativo("report", "--from-warehouse", "--output", str(out))
    assert "2 runs of history" in proc.stdout
    scan = Scan(out.read_text())
    cells = [t.strip() for t in scan.text]
    assert "XX" in cells  # sample failing row read from PostgreSQL's store_failures table
    assert "Sample failing rows" in "".join(scan.text)
