"""Run real dbt (the venv's `dbt` executable) on a copy of a project, on DuckDB or PostgreSQL."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
DBT = str(Path(sys.executable).with_name("dbt"))
DATIVO = str(Path(sys.executable).with_name("dativo-dbt"))


def profiles_yml(profile: str, pg_schema: str | None = None) -> str:
    """profiles.yml of a test project written on the fly: DuckDB at $DATIVO_DUCKDB_PATH, or
    PostgreSQL at 127.0.0.1:5432 in schema $DATIVO_PG_SCHEMA (default `pg_schema`) when
    DATIVO_TARGET=postgres (what `DbtProject.env` sets)."""
    schema = (
        f"env_var('DATIVO_PG_SCHEMA', '{pg_schema}')"
        if pg_schema
        else "env_var('DATIVO_PG_SCHEMA')"
    )
    return f"""{profile}:
  target: "{{{{ env_var('DATIVO_TARGET', 'duckdb') }}}}"
  outputs:
    duckdb:
      type: duckdb
      path: "{{{{ env_var('DATIVO_DUCKDB_PATH') }}}}"
      threads: 2
    postgres:
      type: postgres
      host: 127.0.0.1
      port: 5432
      user: postgres
      password: ""
      dbname: postgres
      schema: "{{{{ {schema} }}}}"
      threads: 2
"""


@dataclass
class DbtProject:
    """A copy of a dbt project in a temporary directory, bound to one target (duckdb|postgres)."""

    path: Path
    target: str = "duckdb"
    pg_schema: str | None = None

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DATIVO_DBT_ROOT=str(REPO_ROOT),
            DATIVO_TARGET=self.target,
            DATIVO_DUCKDB_PATH=str(self.path / "target" / "warehouse.duckdb"),
            DBT_PROFILES_DIR=str(self.path),
            DBT_SEND_ANONYMOUS_USAGE_STATS="false",
            DO_NOT_TRACK="1",
        )
        if self.pg_schema:
            env["DATIVO_PG_SCHEMA"] = self.pg_schema
        return env

    def dbt(
        self, *args: str, expect_rc: int | None = 0, extra_env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run `dbt ARGS` in the project; fail the test with dbt's output when rc differs."""
        env = self.env() | (extra_env or {})
        proc = subprocess.run([DBT, *args], cwd=self.path, env=env, capture_output=True, text=True)
        if expect_rc is not None and proc.returncode != expect_rc:
            raise AssertionError(
                f"dbt {' '.join(args)} exited {proc.returncode}, expected {expect_rc}\n"
                f"--- stdout ---\n{proc.stdout[-8000:]}\n--- stderr ---\n{proc.stderr[-4000:]}"
            )
        return proc

    def dativo(
        self, *args: str, expect_rc: int | None = 0, extra_env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run the real `dativo-dbt` console script with cwd = project."""
        env = self.env() | (extra_env or {})
        proc = subprocess.run(
            [DATIVO, *args], cwd=self.path, env=env, capture_output=True, text=True
        )
        if expect_rc is not None and proc.returncode != expect_rc:
            raise AssertionError(
                f"dativo-dbt {' '.join(args)} exited {proc.returncode}, expected {expect_rc}\n"
                f"--- stdout ---\n{proc.stdout[-8000:]}\n--- stderr ---\n{proc.stderr[-4000:]}"
            )
        return proc

    def run_results(self) -> dict[str, Any]:
        return json.loads((self.path / "target" / "run_results.json").read_text())

    def manifest(self) -> dict[str, Any]:
        return json.loads((self.path / "target" / "manifest.json").read_text())

    def results_by_check(self) -> dict[str, str]:
        """Map meta.dativo.check (qualified by model as 'model:check') -> status of the last run."""
        manifest = self.manifest()
        out: dict[str, str] = {}
        for result in self.run_results()["results"]:
            node = manifest["nodes"].get(result["unique_id"], {})
            meta = (node.get("config") or {}).get("meta", {}).get("dativo") or node.get(
                "meta", {}
            ).get("dativo")
            if meta and "check" in meta:  # tests only (models carry meta.dativo too)
                # tests on sources have no attached_node: use the node they depend on
                parent = (
                    node.get("attached_node")
                    or (node.get("depends_on", {}).get("nodes") or [""])[0]
                )
                model = parent.split(".")[-1]
                out[f"{model}:{meta['check']}"] = result["status"]
        return out


def copy_project(src: Path, dest: Path) -> Path:
    """Copy a dbt project without its build outputs."""
    shutil.copytree(
        src,
        dest,
        ignore=shutil.ignore_patterns("target", "dbt_packages", "logs", "*.duckdb*", "__pycache__"),
    )
    return dest
