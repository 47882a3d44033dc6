"""Run the fixture dbt project (or the integration project) with the dativo_dbt package's on-run-end
hook, once or twice, and read what the package left in the warehouse (DuckDB file or PostgreSQL)."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.conftest import PG_DSN
from tests.helpers.dbt import DbtProject


def query(project: DbtProject, sql: str) -> list[dict[str, Any]]:
    """Rows of `sql` as dicts, from the project's warehouse (after dbt has exited)."""
    if project.target == "duckdb":
        import duckdb

        con = duckdb.connect(str(project.path / "target" / "warehouse.duckdb"), read_only=True)
        try:
            cur = con.execute(sql)
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
        finally:
            con.close()
    import psycopg2

    conn = psycopg2.connect(PG_DSN)
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    finally:
        conn.close()


def execute(project: DbtProject, sql: str) -> None:
    """Run a statement on the project's warehouse (committed)."""
    if project.target == "duckdb":
        import duckdb

        con = duckdb.connect(str(project.path / "target" / "warehouse.duckdb"))
        try:
            con.execute(sql)
        finally:
            con.close()
        return
    import psycopg2

    conn = psycopg2.connect(PG_DSN)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
    finally:
        conn.close()


def table_exists(project: DbtProject, schema: str, name: str) -> bool:
    rows = query(
        project,
        "select count(*) as n from information_schema.tables "
        f"where table_schema = '{schema}' and table_name = '{name}'",
    )
    return int(rows[0]["n"]) > 0


def schema_exists(project: DbtProject, schema: str) -> bool:
    rows = query(
        project,
        f"select count(*) as n from information_schema.schemata where schema_name = '{schema}'",
    )
    return int(rows[0]["n"]) > 0


def base_schema(project: DbtProject) -> str:
    return "main" if project.target == "duckdb" else str(project.pg_schema)


def dativo_schema(project: DbtProject) -> str:
    """Where the package's table and models go by default: <target schema>_dativo."""
    return base_schema(project) + "_dativo"


@dataclass
class Run:
    """One `dbt build` invocation: its artifacts (copied) and what the SQL models said right after."""

    target_dir: Path
    invocation_id: str
    run_results: dict[str, Any]
    model_scores: list[dict[str, Any]]
    gate_verdicts: list[dict[str, Any]]
    log: str = field(repr=False, default="")


def build(project: DbtProject, label: str, *args: str) -> Run:
    """`dbt build ARGS` (failing tests make dbt exit 1), then snapshot artifacts and SQL results."""
    log_file = project.path / "logs" / "dbt.log"
    if log_file.exists():
        log_file.unlink()
    project.dbt("build", *args, expect_rc=None)
    target = project.path / "target"
    saved = project.path / f"artifacts_{label}"
    saved.mkdir()
    for name in ("manifest.json", "run_results.json"):
        shutil.copy(target / name, saved / name)
    run_results = json.loads((saved / "run_results.json").read_text())
    schema = dativo_schema(project)
    return Run(
        target_dir=saved,
        invocation_id=run_results["metadata"]["invocation_id"],
        run_results=run_results,
        model_scores=query(project, f"select * from {schema}.dativo_model_scores"),
        gate_verdicts=query(project, f"select * from {schema}.dativo_gate_verdicts"),
        log=log_file.read_text() if log_file.exists() else "",
    )
