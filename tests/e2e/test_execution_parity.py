"""Done-when of issue 14: `per-check` and `batched` execution give the same answers everywhere.

The example project is generated in each mode and built once per mode and adapter (DuckDB, and
PostgreSQL with the `postgres` marker); then every consumer is asked: `score` (per-check statuses,
failures, test types, scores, gate verdicts and codes), the dbt package's SQL gate verdicts,
`quarantine register` / `list` (batches, their checks and row counts), a `valid_rows` view (its
keys), the HTML report (per failing check: its reproduce SQL and its sample failing rows) and
`lineage` (assertion names). Both modes must give identical observations, and the observations
must hold something (failing checks, a quarantine batch, samples), so equality is not vacuous.
"""

from __future__ import annotations

import html
import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import _pg_execute
from tests.dbt_package.warehouse import dativo_schema, query
from tests.helpers.dbt import REPO_ROOT, DbtProject, copy_project

MODES = ("per-check", "batched")
VALID_VIEW = (
    "{{ config(materialized='view') }}\n{{ dativo_dbt.valid_rows('stripe_customers', key='id') }}\n"
)
# per check (model, test name): what must not depend on the execution mode
CHECK_FIELDS = (
    "check",
    "check_type",
    "test_name",
    "test_namespace",
    "column",
    "dimension",
    "severity",
    "weight",
    "status",
    "failures",
    "dbt_severity",
    "contract",
)


def _schema_free(text: str, project: DbtProject) -> str:
    """`text` with the project's schema names made neutral (each mode has its own on PostgreSQL)."""
    return text.replace(str(project.pg_schema), "<schema>") if project.pg_schema else text


def _score(project: DbtProject) -> dict[str, Any]:
    proc = project.dativo("score", "--format", "json", expect_rc=None)
    assert proc.returncode in (0, 1), proc.stderr
    doc = json.loads(proc.stdout)
    checks: dict[tuple[str, str], dict[str, Any]] = {}
    models: dict[str, dict[str, Any]] = {}
    for model in doc["models"]:
        models[model["name"]] = {
            "score": model["score"],
            "dimensions": model["dimension_scores"],
            "gate": model["gate"]["passed"],
            "codes": sorted(v["code"] for v in model["gate"]["violations"]),
            "missing": model["gate"]["missing_tests"],
        }
        for c in model["checks"]:
            checks[(model["name"], c["name"])] = {k: c[k] for k in CHECK_FIELDS} | {
                "stores_rows": c["relation_name"] is not None
            }
    return {"checks": checks, "models": models, "exit": proc.returncode}


def _sql_verdicts(project: DbtProject) -> dict[str, tuple[Any, ...]]:
    rows = query(project, f"select * from {dativo_schema(project)}.dativo_gate_verdicts")
    return {
        r["model_name"]: (
            r["gate_passed"],
            r["missing_tests"],
            r["required_tests_violation"],
            r["score_violation"],
            None if r["score"] is None else round(float(r["score"]), 6),
        )
        for r in rows
    }


def _quarantine(project: DbtProject) -> list[dict[str, Any]]:
    project.dativo("quarantine", "register")
    proc = project.dativo("quarantine", "list", "--format", "json")
    out = []
    for batch in json.loads(proc.stdout):
        rows = {}
        for check in batch["checks"]:
            (n,) = query(project, f"select count(*) as n from {check['source_relation']}")
            rows[check["test"]] = (check["check"], check["status"], check["failures"], n["n"])
        out.append(
            {
                "model": batch["model"],
                "contract": batch["contract"],
                "failure_count": batch["failure_count"],
                "checks": rows,
                "relations": len(batch["relations"]),
            }
        )
    return out


def _base_schema(project: DbtProject) -> str:
    return "main" if project.target == "duckdb" else str(project.pg_schema)


def _hook_quarantine(project: DbtProject) -> list[dict[str, Any]]:
    """The batches the dbt hook `register_quarantine` registered (dbt alone, no Python step)."""
    rows = query(
        project,
        f"select model, contract, failure_count, checks from {_base_schema(project)}_hookq"
        ".dativo_quarantine_registry order by model",
    )
    return [
        {
            "model": r["model"],
            "contract": r["contract"],
            "failure_count": r["failure_count"],
            "checks": {
                c["test"]: (c["check"], c["status"], c["failures"]) for c in json.loads(r["checks"])
            },
        }
        for r in rows
    ]


def _hooks(project: DbtProject) -> None:
    """Add the quarantine hook, registering into its own schema (the CLI registers too)."""
    path = project.path / "dbt_project.yml"
    text = path.read_text()
    hook = 'on-run-end: "{{ dativo_dbt.record_results(results) }}"'
    assert hook in text
    text = text.replace(
        hook,
        'on-run-end:\n  - "{{ dativo_dbt.record_results(results) }}"\n'
        '  - "{{ dativo_dbt.register_quarantine(results) }}"',
    ).replace(
        "\nvars:\n",
        f"\nvars:\n  dativo_dbt_quarantine_registry_schema: {_base_schema(project)}_hookq\n",
    )
    path.write_text(text)


def _valid_keys(project: DbtProject) -> list[str]:
    rows = query(
        project, f"select id from {_base_schema(project)}.stripe_customers_valid order by id"
    )
    return [str(r["id"]) for r in rows]


_ROW = re.compile(
    r'<tr class="check-row" data-check="[^"]*" data-status="(?P<status>[^"]+)">(?P<row>.*?)</tr>'
    r'(?P<detail>\s*<tr class="detail">.*?</div></td></tr>)?',
    re.DOTALL,
)


def _report(project: DbtProject, tmp: Path) -> dict[str, dict[str, Any]]:
    """Per test shown in the report: status, and for a failing one whether the report shows its
    reproduce SQL and how many sample failing rows."""
    out = tmp / f"report_{uuid.uuid4().hex[:6]}.html"
    project.dativo("report", "-o", str(out), expect_rc=None)
    text = out.read_text()
    found: dict[str, dict[str, Any]] = {}
    for m in _ROW.finditer(text):
        names = re.findall(r'<span class="(?:check-name|test-name)">([^<]*)</span>', m["row"])
        detail = m["detail"] or ""
        found[html.unescape(names[-1])] = {
            "status": m["status"],
            "sql": "Reproduce:" in detail,
            "sample_rows": len(re.findall(r"<tr><td>", detail.split("Sample failing rows")[-1]))
            if "Sample failing rows" in detail
            else None,
        }
    return found


def _lineage(project: DbtProject, tmp: Path) -> dict[str, list[tuple[Any, ...]]]:
    out = tmp / f"events_{uuid.uuid4().hex[:6]}.jsonl"
    project.dativo("lineage", "-o", str(out), expect_rc=None)
    assertions: dict[str, list[tuple[Any, ...]]] = {}
    for line in out.read_text().splitlines():
        event = json.loads(line)
        for ds in event.get("inputs", []) + event.get("outputs", []):
            facet = (ds.get("inputFacets") or {}).get("dataQualityAssertions")
            if not facet:
                continue
            key = f"{event['eventType']}:{ds['name'].split('.')[-1]}"
            assertions[key] = sorted(
                (a["assertion"], a.get("name"), a["success"], a.get("column"))
                for a in facet["assertions"]
            )
    return assertions


def _observe(project: DbtProject, tmp: Path) -> dict[str, Any]:
    return {
        "score": _score(project),
        "sql_verdicts": _sql_verdicts(project),
        "quarantine": _quarantine(project),
        "hook_quarantine": _hook_quarantine(project),
        "valid_keys": _valid_keys(project),
        "report": _report(project, tmp),
        "lineage": _lineage(project, tmp),
    }


def _run(mode: str, adapter: str, base: Path, schema: str | None) -> dict[str, Any]:
    dest = copy_project(REPO_ROOT / "integration_tests", base / mode / "it")
    (dest / "models" / "stripe" / "stripe_customers_valid.sql").write_text(VALID_VIEW)
    project = DbtProject(dest, adapter, f"{schema}_{mode[0]}" if schema else None)
    _hooks(project)
    project.dativo("generate", "--execution", mode)
    project.dbt("deps")
    project.dbt("build", expect_rc=1)  # one blocking critical check fails on the example data
    observed = _observe(project, base / mode)
    observed["project"] = project
    return observed


@pytest.fixture(
    scope="module", params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def runs(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, dict[str, Any]]]:
    schema = f"dativo_t_{uuid.uuid4().hex[:10]}" if request.param == "postgres" else None
    base = tmp_path_factory.mktemp(f"parity_{request.param}")
    try:
        yield {mode: _run(mode, request.param, base, schema) for mode in MODES}
    finally:
        if schema:
            _pg_execute(
                "do $$ declare s text; begin for s in select nspname from pg_namespace "
                f"where nspname like '{schema}%' loop execute format('drop schema %I cascade', s); "
                "end loop; end $$"
            )


def test_batched_is_really_batched(runs: dict[str, dict[str, Any]]) -> None:
    """The comparison is between two shapes: batch nodes in one run, none in the other."""
    for mode, expect in (("per-check", False), ("batched", True)):
        results = runs[mode]["project"].run_results()["results"]
        assert any("__batched" in r["unique_id"] for r in results) is expect


def test_score_checks_and_gates_are_identical(runs: dict[str, dict[str, Any]]) -> None:
    per_check, batched = runs["per-check"]["score"], runs["batched"]["score"]
    assert batched["checks"] == per_check["checks"]
    assert batched["models"] == per_check["models"]
    assert batched["exit"] == per_check["exit"] == 1
    statuses = {c["status"] for c in per_check["checks"].values()}
    assert {"pass", "fail", "warn"} <= statuses
    gold = per_check["models"]["stripe_customers"]
    assert "unique" not in gold["missing"] and "DATIVO-DQ104" not in gold["codes"]


def test_sql_gate_verdicts_are_identical(runs: dict[str, dict[str, Any]]) -> None:
    per_check, batched = runs["per-check"]["sql_verdicts"], runs["batched"]["sql_verdicts"]
    assert batched == per_check
    assert per_check["stripe_customers"][1] == ""  # gold requires not_null and unique: present


def test_quarantine_batches_and_valid_rows_are_identical(runs: dict[str, dict[str, Any]]) -> None:
    per_check, batched = runs["per-check"], runs["batched"]
    assert batched["quarantine"] == per_check["quarantine"]
    (batch,) = per_check["quarantine"]
    assert batch["model"] == "stripe_customers" and batch["failure_count"] > 0
    assert all(n == failures for _, _, failures, n in batch["checks"].values())
    assert batched["hook_quarantine"] == per_check["hook_quarantine"]
    (hook_batch,) = per_check["hook_quarantine"]
    assert hook_batch["checks"] == {k: v[:3] for k, v in batch["checks"].items()}
    assert batched["valid_keys"] == per_check["valid_keys"]
    project = per_check["project"]
    (count,) = query(project, f"select count(*) as n from {_base_schema(project)}.stripe_customers")
    assert 0 < len(per_check["valid_keys"]) < count["n"]  # quarantined rows are excluded


def test_report_shows_sql_and_samples_per_failing_check(runs: dict[str, dict[str, Any]]) -> None:
    per_check, batched = runs["per-check"]["report"], runs["batched"]["report"]
    assert batched == per_check
    failing = {k: v for k, v in per_check.items() if v["status"] in ("fail", "warn", "error")}
    assert failing and all(v["sql"] for v in failing.values())
    quarantined = runs["per-check"]["quarantine"][0]["checks"]
    for test in quarantined:
        assert (failing[test]["sample_rows"] or 0) > 0, test


def test_lineage_assertions_are_identical(runs: dict[str, dict[str, Any]]) -> None:
    per_check, batched = runs["per-check"]["lineage"], runs["batched"]["lineage"]
    assert batched == per_check
    names = {a[0] for items in per_check.values() for a in items}
    assert "batched_check" not in names and "expect_column_values_to_be_unique" in names
