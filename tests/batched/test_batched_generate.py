"""`dativo-dbt generate --execution batched` on the example project (the real generator output):
far fewer test nodes, and every check of every contract keeps its per-check status and failures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from dativo_dbt.generate.batched import expand_batched_artifacts

from tests.helpers.dbt import REPO_ROOT, DbtProject, copy_project


def _build(project: DbtProject, mode: str) -> dict[str, Any]:
    project.dativo("generate", "--execution", mode)
    project.dbt("deps")
    project.dbt("build", expect_rc=None)
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
    return {"outcomes": outcomes, "test_nodes": nodes}


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
