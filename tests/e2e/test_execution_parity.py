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
from dativo_dbt.artifacts.batches import expand_batched_artifacts

from tests.conftest import _pg_execute
from tests.dbt_package.test_package_scores import assert_scores_match
from tests.dbt_package.warehouse import Run, dativo_schema, query
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
            "checks_scored": model["checks_scored"],
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
    run_results = project.run_results()
    observed["project"] = project
    observed["run"] = Run(
        target_dir=project.path / "target",
        invocation_id=run_results["metadata"]["invocation_id"],
        run_results=run_results,
        model_scores=query(project, f"select * from {dativo_schema(project)}.dativo_model_scores"),
        gate_verdicts=[],
    )
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


def _outcomes(project: DbtProject) -> tuple[dict[str, tuple[Any, ...]], dict[str, Any], int]:
    """model:check -> (status, failures) from the artifacts with batches expanded (dicts), the
    expanded run_results, and the number of test nodes dbt ran."""
    raw = project.run_results()
    manifest, results = expand_batched_artifacts(project.manifest(), raw)
    outcomes = {}
    for result in results["results"]:
        node = manifest["nodes"].get(result["unique_id"], {})
        if node.get("resource_type") != "test":
            continue
        meta = (node.get("config") or {}).get("meta", {}).get("dativo") or {}
        model = (node.get("attached_node") or "").split(".")[-1]
        outcomes[f"{model}:{meta.get('check') or node['name']}"] = (
            result["status"],
            result["failures"],
        )
    nodes = sum(1 for r in raw["results"] if r["unique_id"].startswith("test."))
    return outcomes, results, nodes


def test_generate_batched_keeps_every_outcome(runs: dict[str, dict[str, Any]]) -> None:
    """Far fewer test nodes, and every check keeps its per-check status and failures."""
    per_check, _, per_check_nodes = _outcomes(runs["per-check"]["project"])
    batched, _, batched_nodes = _outcomes(runs["batched"]["project"])
    assert batched == per_check
    statuses = {status for status, _ in per_check.values()}
    assert "error" not in statuses and {"pass"} < statuses  # some checks fail on the example data
    assert batched_nodes * 3 <= per_check_nodes


def test_generate_batched_is_idempotent(runs: dict[str, dict[str, Any]]) -> None:
    project = runs["batched"]["project"]
    project.dativo("generate", "--execution", "batched", "--check")
    proc = project.dativo("generate", "--execution", "per-check", "--check", expect_rc=1)
    assert "stale" in proc.stderr


def _hook_rows(project: DbtProject, run: Run) -> dict[str, dict[str, Any]]:
    rows = query(
        project,
        f"select * from {dativo_schema(project)}.dativo_test_runs "
        f"where invocation_id = '{run.invocation_id}'",
    )
    out = {r["test_unique_id"]: r for r in rows}
    assert len(out) == len(rows)
    return out


def _assert_hook_expands_batches(project: DbtProject, run: Run, batched: bool) -> None:
    """The on-run-end hook recorded one row per check, as expand_batched_artifacts() (scoring)
    expands the batch nodes: same unique_ids, statuses, failures, shared execution time."""
    rows = _hook_rows(project, run)
    _, expanded, _ = _outcomes(project)
    results = {r["unique_id"]: r for r in expanded["results"] if r["unique_id"].startswith("test.")}
    assert set(rows) == set(results)
    assert any(u.endswith(".batched") for u in rows) == batched
    assert not any(r["test_type"] == "batched_checks" for r in rows.values())
    for uid, row in rows.items():
        result = results[uid]
        assert (row["status"], row["failures"]) == (result["status"], result["failures"]), uid
        assert abs(float(row["execution_time"]) - float(result["execution_time"])) < 1e-6, uid
        if uid.endswith(".batched"):
            # the test type of the check's per-check test (compared across modes below)
            assert row["test_type"] not in ("batched_check", "batched_checks"), row
            assert row["check_name"] and row["dimension"] and row["contract"], row
    assert_scores_match(run, None)


def test_hook_records_one_row_per_batched_check(runs: dict[str, dict[str, Any]]) -> None:
    """In batched mode the package hook writes a row per check with the statuses, failures, test
    types and columns of the per-check run, and the SQL model scores equal `score_project`."""
    rows = {}
    for mode in MODES:
        project, run = runs[mode]["project"], runs[mode]["run"]
        _assert_hook_expands_batches(project, run, batched=mode == "batched")
        rows[mode] = {
            f"{(r['model_unique_id'] or '').split('.')[-1]}:{r['check_name'] or r['test_name']}": (
                r["status"],
                r["failures"],
                r["dimension"],
                r["severity"],
                r["weight"],
                r["test_type"],
                r["test_namespace"],
                r["column_name"],
            )
            for r in _hook_rows(project, run).values()
        }
    assert rows["batched"] == rows["per-check"]
    assert len(rows["batched"]) == len(_outcomes(runs["per-check"]["project"])[0])
    sql = {
        m: {r["model_unique_id"]: r["score"] for r in runs[m]["run"].model_scores} for m in MODES
    }
    assert sql["batched"] == sql["per-check"]
