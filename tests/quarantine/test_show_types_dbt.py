"""`quarantine show --rows` on failing rows of every common column type, stored by a real dbt build
(DuckDB and PostgreSQL): date, timestamp, decimal, boolean, NULL, bytes and nested values print
as text and as JSON; `--rows` takes a bounded non-negative whole number, else one line, exit 2."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.conftest import _pg_execute
from tests.helpers.dbt import REPO_ROOT, DbtProject

MODEL = """{{ config(materialized='table') }}
select cast(1 as integer) as id,
       cast('2026-01-02' as date) as day,
       cast('2026-01-02 03:04:05' as timestamp) as moment,
       cast(12.34 as decimal(10, 2)) as amount,
       true as flag,
       cast(null as varchar) as note,
{%- if target.type == 'duckdb' %}
       cast('ab' as blob) as raw,
       [1, 2] as tags,
       {'k': cast('2026-01-03' as date)} as nested
{%- else %}
       convert_to('ab', 'UTF8') as raw,
       array[1, 2] as tags,
       cast('{"k": "2026-01-03"}' as jsonb) as nested
{%- endif %}
"""
CONTRACT = """data_contract:
  name: typed
  version: "1.0"
  model: typed
  quality_checks:
    soda:
      checks:
        - {name: note_present, type: not_null, column: note}
  violation_handling:
    on_quality_violation: quarantine
"""


def _write(path: Path, target: str, schema: str | None) -> DbtProject:
    (path / "models").mkdir(parents=True)
    (path / "contracts").mkdir()
    project = {"name": "typed_q", "version": "1.0.0", "config-version": 2, "profile": "typed_q"}
    (path / "dbt_project.yml").write_text(yaml.safe_dump(project))
    outputs = {
        "duckdb": {"type": "duckdb", "path": str(path / "t.duckdb"), "threads": 1},
        "postgres": {
            "type": "postgres",
            "host": "127.0.0.1",
            "port": 5432,
            "user": "postgres",
            "password": "",
            "dbname": "postgres",
            "schema": schema or "typed_q",
            "threads": 1,
        },
    }
    profiles = {"typed_q": {"target": target, "outputs": outputs}}
    (path / "profiles.yml").write_text(yaml.safe_dump(profiles))
    packages = [
        {"local": str(REPO_ROOT)},
        {"local": str(REPO_ROOT / "dbt_packages_src" / "dbt_expectations")},
    ]
    (path / "packages.yml").write_text(yaml.safe_dump({"packages": packages}))
    (path / "models" / "typed.sql").write_text(MODEL)
    (path / "contracts" / "typed.yml").write_text(CONTRACT)
    return DbtProject(path, target=target, pg_schema=schema)


@pytest.fixture(
    scope="module", params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def batch(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[DbtProject, str]]:
    schema = f"dativo_t_{uuid.uuid4().hex[:10]}" if request.param == "postgres" else None
    try:
        project = _write(tmp_path_factory.mktemp("qtypes") / "p", request.param, schema)
        project.dativo("generate", "--execution", "per-check")
        project.dbt("deps")
        project.dbt("build", expect_rc=None)
        registered = project.dativo("quarantine", "register", "--actor", "ci")
        assert "registered qb_" in registered.stdout, registered.stdout + registered.stderr
        yield project, registered.stdout.split("registered ")[1].split(":")[0]
    finally:
        if schema:
            _pg_execute(
                "do $$ declare s text; begin for s in select nspname from pg_namespace "
                f"where nspname like '{schema}%' loop execute format('drop schema %I cascade', s); "
                "end loop; end $$"
            )


def test_show_rows_prints_every_type(batch: tuple[DbtProject, str]) -> None:
    project, batch_id = batch
    shown = project.dativo("quarantine", "show", batch_id, "--rows", "3")
    assert "Traceback" not in shown.stderr
    (row,) = [line for line in shown.stdout.splitlines() if line.startswith("  id=")]
    assert "day=2026-01-02," in row and "moment=2026-01-02 03:04:05," in row
    assert "amount=12.34," in row and "flag=true," in row and "note=-," in row
    assert "raw=\\x6162," in row and "tags=[1, 2]," in row and "2026-01-03" in row


def test_show_rows_as_json(batch: tuple[DbtProject, str]) -> None:
    project, batch_id = batch
    shown = project.dativo("quarantine", "show", batch_id, "--rows", "3", "--format", "json")
    doc = json.loads(shown.stdout)
    ((row,),) = doc["rows"].values()
    assert row["day"] == "2026-01-02" and row["moment"] == "2026-01-02 03:04:05"
    assert row["amount"] == "12.34" and row["flag"] is True and row["note"] is None
    assert row["raw"] == "YWI=" and row["tags"] == [1, 2]
    assert row["nested"]["k"] == "2026-01-03"
    assert doc["audit"][0]["actor"] == "ci"


@pytest.mark.parametrize("bad", ["-1", "1001", "abc", "2.5", ""])
def test_rows_must_be_a_bounded_whole_number(batch: tuple[DbtProject, str], bad: str) -> None:
    project, batch_id = batch
    proc = project.dativo("quarantine", "show", batch_id, "--rows", bad, expect_rc=2)
    assert "Traceback" not in proc.stderr
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith("error: Invalid value for '--rows'"), line


def test_rows_zero_and_other_commands(batch: tuple[DbtProject, str]) -> None:
    project, batch_id = batch
    shown = project.dativo("quarantine", "show", batch_id, "--rows", "0")
    assert "rows of" not in shown.stdout and "status       quarantined" in shown.stdout
    listed = json.loads(project.dativo("quarantine", "list", "--format", "json").stdout)
    assert [b["id"] for b in listed] == [batch_id]
    assert batch_id in project.dativo("quarantine", "list").stdout
