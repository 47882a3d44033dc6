"""Our lineage job names and dataset identifiers equal those dbt-ol's own processor
(openlineage-integration-common) emits for the same artifacts: the example project built on DuckDB
and on PostgreSQL (Spark: tests/spark/test_example_spark.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from dativo_dbt.lineage.naming import SPARK_SESSION_NAMESPACE, dataset_namespace

from tests.helpers.dbt import REPO_ROOT, DbtProject, copy_project
from tests.lineage.dbt_ol import assert_same_identifiers


def _built(tmp: Path, target: str, pg_schema: str | None = None) -> DbtProject:
    project = DbtProject(
        copy_project(REPO_ROOT / "integration_tests", tmp / "it"),
        target=target,
        pg_schema=pg_schema,
    )
    project.dbt("deps")
    project.dbt("build", expect_rc=1)  # one blocking check fails on purpose
    return project


def test_identifiers_equal_dbt_ol_duckdb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _built(tmp_path, "duckdb")
    for key, value in project.env().items():
        monkeypatch.setenv(key, value)
    assert_same_identifiers(project.path, project.path, "duckdb")


@pytest.mark.postgres
def test_identifiers_equal_dbt_ol_postgres(
    tmp_path: Path, pg_schema: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _built(tmp_path, "postgres", pg_schema)
    for key, value in project.env().items():
        monkeypatch.setenv(key, value)
    assert_same_identifiers(project.path, project.path, "postgres")


@pytest.mark.parametrize(
    ("output", "namespace"),
    [
        ({"type": "spark", "method": "thrift", "host": "h"}, "spark://h:10001"),
        ({"type": "spark", "method": "http", "host": "h"}, "spark://h:443"),
        ({"type": "spark", "method": "thrift", "host": "h", "port": 1}, "spark://h:1"),
        ({"type": "spark", "method": "session", "host": "NA"}, SPARK_SESSION_NAMESPACE),
        (
            {"type": "databricks", "host": "x.cloud.databricks.com"},
            "databricks://x.cloud.databricks.com",
        ),
        (
            {"type": "snowflake", "account": "ab12345.eu-west-1"},
            "snowflake://ab12345.eu-west-1.aws",
        ),  # dbt-ol completes the account
        ({"type": "bigquery"}, "bigquery"),
        ({"type": "postgres", "host": "db", "port": 5433}, "postgres://db:5433"),
        ({"type": "duckdb", "path": "target/x.duckdb"}, "duckdb://target/x.duckdb"),
        ({"type": "sqlite"}, "sqlite"),  # no dbt-ol rule: the adapter type
    ],
)
def test_namespace_rules_from_dbt_ol(output: dict[str, object], namespace: str) -> None:
    assert dataset_namespace(output) == namespace
