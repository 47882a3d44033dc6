"""History rows built straight from a ProjectScore equal those of its RunSnapshot."""

from __future__ import annotations

from pathlib import Path

import pytest
from dativo_dbt.history.adapt import rows_from_score, to_snapshot
from dativo_dbt.history.snapshot import rows_from_snapshot
from dativo_dbt.scoring.api import score_project

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "artifacts"


@pytest.mark.parametrize("version", ["1.5", "1.11"])
def test_rows_from_score_equal_rows_of_the_snapshot(version: str) -> None:
    ps = score_project(
        FIX / version,
        run_results=[FIX / version / "run_results.json", FIX / version / "run_results_rerun.json"],
    )
    rows = rows_from_score(ps)
    assert rows == rows_from_snapshot(to_snapshot(ps))
    statuses = {c.status for c in rows.checks}
    assert {"pass", "fail"} <= statuses  # the fixture has both: the SQL rule is exercised
    # (a check that never ran because its model did not build, fail closed, has no SQL)
    failing = [
        c
        for c in rows.checks
        if c.status in {"fail", "warn", "error"}
        and not (c.message or "").startswith("not run: model ")
    ]
    if version == "1.11":  # dbt 1.5's run_results carry no compiled_code
        assert failing and all(c.compiled_sql for c in failing)
    assert all(c.compiled_sql is None for c in rows.checks if c.status == "pass")
    assert len({(c.model_id, c.check_id) for c in rows.checks}) == len(rows.checks)
