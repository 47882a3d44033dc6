"""Shared fixtures: real dbt projects on DuckDB files and on the PostgreSQL server at 127.0.0.1."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.dbt import REPO_ROOT, DbtProject, copy_project

PG_DSN = os.environ.get("DATIVO_PG_DSN", "host=127.0.0.1 port=5432 user=postgres dbname=postgres")


def _pg_execute(sql: str) -> None:
    import psycopg2  # installed with dbt-postgres

    conn = psycopg2.connect(PG_DSN)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
    finally:
        conn.close()


@pytest.fixture
def pg_schema() -> Iterator[str]:
    """A fresh schema name on the PostgreSQL server; every schema it prefixes is dropped after."""
    name = f"dativo_t_{uuid.uuid4().hex[:10]}"
    yield name
    import psycopg2

    conn = psycopg2.connect(PG_DSN)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("select nspname from pg_namespace where nspname like %s", (name + "%",))
        for (schema,) in cur.fetchall():
            cur.execute(f'drop schema if exists "{schema}" cascade')
    conn.close()


@pytest.fixture
def integration_project(tmp_path: Path) -> DbtProject:
    """A fresh copy of integration_tests/ on DuckDB."""
    return DbtProject(copy_project(REPO_ROOT / "integration_tests", tmp_path / "integration_tests"))


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT
