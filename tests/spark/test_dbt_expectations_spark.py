"""The offline dbt_expectations package's integration project on Spark (dbt-spark `session`):
every generic test's pass and fail cases come out as named, as on DuckDB and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dbt_expectations.test_dbt_expectations import INTEGRATION, _build_and_check
from tests.helpers.dbt import DbtProject, copy_project

pytestmark = pytest.mark.spark


def test_integration_project_on_spark(tmp_path: Path) -> None:
    project = DbtProject(copy_project(INTEGRATION, tmp_path / "integration_tests"), target="spark")
    tests = _build_and_check(project)
    failures = {name: r["failures"] for name, r in tests.items()}
    assert failures["not_null__fail"] == 1  # the one null email (not the text 'None')
    assert failures["unique_within_record__fail"] == 2
