"""`dativo-dbt score` appends every scored run to the local history store (idempotent per run)."""

from __future__ import annotations

import shutil
from pathlib import Path

from dativo_dbt.history import open_store

from tests.helpers.dbt import DbtProject
from tests.report.conftest import ReportRuns


def test_score_appends_every_run_to_the_history(report_runs: ReportRuns, tmp_path: Path) -> None:
    project = DbtProject(tmp_path / "p")
    project.path.mkdir()
    shutil.copytree(report_runs.path / "target", project.path / "target")
    store_path = project.path / ".dativo" / "history.duckdb"

    project.dativo("score", "--target-dir", str(report_runs.baseline_target), expect_rc=1)
    project.dativo("score", expect_rc=0)
    project.dativo("score", "--format", "json", expect_rc=0)  # the same run again: replaced
    with open_store(store_path, read_only=True) as store:
        assert [r.invocation_id for r in store.runs()] == report_runs.invocations
        latest = store.latest_run()
    assert latest is not None and latest.gate_passed is True

    trend = project.dativo("history", "stg_orders").stdout
    assert "stg_orders" in trend

    off = DbtProject(tmp_path / "off")
    off.path.mkdir()
    shutil.copytree(report_runs.path / "target", off.path / "target")
    off.dativo("score", extra_env={"DATIVO_HISTORY": "off"})
    assert not (off.path / ".dativo").exists()
