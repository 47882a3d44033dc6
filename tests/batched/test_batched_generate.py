"""`dativo-dbt generate --execution batched` on the example project (the real generator output):
far fewer test nodes, and every check of every contract keeps its per-check status and failures."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from dativo_dbt.artifacts.batches import expand_batched_artifacts

from tests.dbt_package.test_package_scores import assert_scores_match
from tests.dbt_package.warehouse import Run, build, dativo_schema, query
from tests.helpers.dbt import REPO_ROOT, DbtProject, copy_project


def _build(project: DbtProject, mode: str) -> dict[str, Any]:
    project.dativo("generate", "--execution", mode)
    project.dbt("deps")
    # the project enables the dativo_dbt hook and scoring views (var dativo_dbt_enabled: true)
    run = build(project, mode)
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
    return {"outcomes": outcomes, "test_nodes": nodes, "run": run, "expanded": results}


@pytest.fixture(scope="module")
def example_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    runs = {}
    for mode in ("per-check", "batched"):
        path = copy_project(REPO_ROOT / "integration_tests", tmp_path_factory.mktemp(mode) / "it")
        runs[mode] = _build(DbtProject(path), mode)
        runs[mode]["path"] = path
    return runs


def test_generate_batched_keeps_every_outcome(example_runs: dict[str, dict[str, Any]]) -> None:
    per_check, batched = example_runs["per-check"], example_runs["batched"]
    assert batched["outcomes"] == per_check["outcomes"]
    statuses = {status for status, _ in per_check["outcomes"].values()}
    assert "error" not in statuses and {"pass"} < statuses  # some checks fail on the example data
    assert batched["test_nodes"] * 3 <= per_check["test_nodes"]


def test_generate_batched_is_idempotent(example_runs: dict[str, dict[str, Any]]) -> None:
    project = DbtProject(Path(example_runs["batched"]["path"]))
    project.dativo("generate", "--execution", "batched", "--check")
    proc = project.dativo("generate", "--execution", "per-check", "--check", expect_rc=1)
    assert "stale" in proc.stderr


def _score(path: Path) -> dict[str, Any]:
    proc = DbtProject(path).dativo("score", "--format", "json", expect_rc=None)
    assert proc.returncode in (0, 1), proc.stderr
    return dict(json.loads(proc.stdout))


def test_score_expands_batches_like_per_check(example_runs: dict[str, dict[str, Any]]) -> None:
    """`dativo-dbt score` scores each check of a batch as its per-check test: same checks,
    statuses, failures, dimensions and weights, so the same model and overall scores."""
    docs = {mode: _score(Path(example_runs[mode]["path"])) for mode in ("per-check", "batched")}

    def checks(doc: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
        out = {}
        for model in doc["models"]:
            for c in model["checks"]:
                key = f"{model['unique_id']}:{c['check']}"
                assert key not in out, key
                out[key] = (
                    c["status"],
                    c["failures"],
                    c["dimension"],
                    c["severity"],
                    c["weight"],
                    c["contract"],
                )
        return out

    per_check, batched = checks(docs["per-check"]), checks(docs["batched"])
    assert batched == per_check
    assert len(per_check) > 20 and any(v[0] in ("fail", "warn") for v in per_check.values())

    def scores(doc: dict[str, Any]) -> dict[str, Any]:
        return {m["unique_id"]: (m["score"], m["checks_scored"]) for m in doc["models"]}

    assert scores(docs["batched"]) == scores(docs["per-check"])
    assert docs["batched"]["summary"]["gate_passed"] == docs["per-check"]["summary"]["gate_passed"]


def _hook_rows(project: DbtProject, run: Run) -> dict[str, dict[str, Any]]:
    rows = query(
        project,
        f"select * from {dativo_schema(project)}.dativo_test_runs "
        f"where invocation_id = '{run.invocation_id}'",
    )
    out = {r["test_unique_id"]: r for r in rows}
    assert len(out) == len(rows)
    return out


def assert_hook_expands_batches(
    project: DbtProject, run: Run, expanded: dict[str, Any], *, batched: bool = True
) -> None:
    """The on-run-end hook recorded one row per check, as expand_batched_artifacts() (scoring)
    expands the batch nodes: same unique_ids, statuses, failures, shared execution time."""
    rows = _hook_rows(project, run)
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


def test_hook_records_one_row_per_batched_check(example_runs: dict[str, dict[str, Any]]) -> None:
    """DuckDB: in batched mode the package hook writes a row per check with the statuses and
    failures of the per-check run, and the SQL model scores equal `score_project` (0.01)."""
    rows = {}
    for mode in ("per-check", "batched"):
        runs = example_runs[mode]
        project = DbtProject(Path(runs["path"]))
        assert_hook_expands_batches(
            project, runs["run"], runs["expanded"], batched=mode == "batched"
        )
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
            for r in _hook_rows(project, runs["run"]).values()
        }
    assert rows["batched"] == rows["per-check"]
    assert len(rows["batched"]) == len(example_runs["per-check"]["outcomes"])
    sql = {
        m: {r["model_unique_id"]: r["score"] for r in example_runs[m]["run"].model_scores}
        for m in ("per-check", "batched")
    }
    assert sql["batched"] == sql["per-check"]


@pytest.mark.postgres
def test_hook_records_one_row_per_batched_check_postgres(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """PostgreSQL: the batched run's hook rows match the expanded artifacts, SQL scores Python's."""
    from tests.dbt_package.conftest import drop_pg_schemas

    schema = f"dativo_bh_{uuid.uuid4().hex[:8]}"
    try:
        path = copy_project(REPO_ROOT / "integration_tests", tmp_path_factory.mktemp("bh") / "it")
        project = DbtProject(path, target="postgres", pg_schema=schema)
        runs = _build(project, "batched")
        assert_hook_expands_batches(project, runs["run"], runs["expanded"])
    finally:
        drop_pg_schemas(schema)
