"""`dativo-dbt score` on the example project (integration_tests/, real dbt build on DuckDB) equals
the seed's formula computed here independently from the raw JSON artifacts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from dativo_dbt.core.vocabulary import default_dimension

from tests.helpers.dbt import REPO_ROOT, DbtProject, copy_project

DIM_W = {
    "completeness": 0.25,
    "accuracy": 0.25,
    "validity": 0.20,
    "consistency": 0.15,
    "timeliness": 0.15,
}
SEV_W = {"critical": 3.0, "warning": 1.0, "info": 0.5}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    proj = DbtProject(
        copy_project(
            REPO_ROOT / "integration_tests", tmp_path_factory.mktemp("it") / "integration_tests"
        )
    )
    proj.dbt("deps")
    proj.dbt("build", expect_rc=None)  # failing contract checks are part of the example
    return proj


def seed_formula(manifest: dict[str, Any], run_results: dict[str, Any]) -> dict[str, float]:
    """calculate_quality_score() of seed 004, transcribed: per model, per dimension the
    severity-weighted pass rate (no checks: 100), dimension-weighted sum, baseline 70, +30/-50."""
    status = {r["unique_id"]: r["status"] for r in run_results["results"]}
    per_model: dict[str, list[tuple[str, float, bool]]] = {}
    for uid, node in manifest["nodes"].items():
        if node["resource_type"] != "test" or status.get(uid) not in (
            "pass",
            "fail",
            "warn",
            "error",
        ):
            continue
        meta = ((node.get("config") or {}).get("meta") or {}).get("dativo") or (
            node.get("meta") or {}
        ).get("dativo")
        if meta:
            dim, sev, weight = meta["dimension"], meta["severity"], meta.get("weight")
        else:
            dim = default_dimension((node.get("test_metadata") or {}).get("name"))
            sev = "critical" if node["config"]["severity"].lower() == "error" else "warning"
            weight = None
        if dim == "uniqueness":
            dim = "consistency"
        model = node.get("attached_node") or node["depends_on"]["nodes"][0]
        per_model.setdefault(model, []).append(
            (dim, weight if weight is not None else SEV_W[sev], status[uid] == "pass")
        )
    scores: dict[str, float] = {}
    for model, checks in per_model.items():
        dims = {}
        for d in DIM_W:
            cs = [(w, ok) for dim, w, ok in checks if dim == d]
            total = sum(w for w, _ in cs)
            dims[d] = (
                sum(w * (100.0 if ok else 0.0) for w, ok in cs) / total if total > 0 else 100.0
            )
        overall = sum(dims[d] * DIM_W[d] for d in DIM_W)
        delta = overall - 70
        delta = min(delta, 30) if delta > 0 else max(delta, -50)
        scores[model] = max(0.0, min(100.0, 70 + delta))
    return scores


def test_scores_equal_the_seed_formula(built: DbtProject) -> None:
    proc = built.dativo("score", "--format", "json", expect_rc=None)
    assert proc.returncode in (0, 1), proc.stderr
    doc = json.loads(proc.stdout)
    ours = {m["unique_id"]: m["score"] for m in doc["models"] if m["checks_scored"]}
    expected = seed_formula(built.manifest(), built.run_results())
    assert set(ours) == set(expected)
    for uid, score in expected.items():
        assert ours[uid] == pytest.approx(score, abs=1e-9), uid
    assert any(s < 100 for s in expected.values())  # the example has failing checks
    # every generated test is scored with its contract metadata
    checks = [c for m in doc["models"] for c in m["checks"]]
    assert checks and all(c["from_meta"] and c["contract"] for c in checks)
    # the gate verdict is the exit code
    assert proc.returncode == (0 if doc["summary"]["gate_passed"] else 1)


def test_tiers_come_from_the_contracts(built: DbtProject) -> None:
    doc = json.loads(built.dativo("score", "--format", "json", expect_rc=None).stdout)
    manifest = built.manifest()
    for m in doc["models"]:
        node = (
            manifest["nodes"].get(m["unique_id"]) or manifest["sources"].get(m["unique_id"]) or {}
        )
        meta = (
            ((node.get("config") or {}).get("meta") or {}).get("dativo")
            or (node.get("meta") or {}).get("dativo")
            or {}
        )
        assert m["tier"] == meta.get("tier"), m["unique_id"]
        if m["tier"]:
            assert m["tier_source"] == "meta"


def test_markdown_report_for_the_example(built: DbtProject, tmp_path: Path) -> None:
    out = tmp_path / "comment.md"
    proc = built.dativo(
        "score", "--format", "markdown", "--output", str(out), "--quiet", expect_rc=None
    )
    assert proc.returncode in (0, 1)
    text = out.read_text()
    assert text.startswith("<!-- dativo-dbt score -->") and "Data quality:" in text
