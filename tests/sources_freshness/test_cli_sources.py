"""`dativo-dbt score --sources/--no-sources`: the real console script, error cases -> exit 2."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers.dbt import DATIVO

ART = Path(__file__).resolve().parents[1] / "fixtures" / "artifacts"


def dativo(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATIVO_ENTERPRISE_CONFIG"}
    return subprocess.run([DATIVO, *args], cwd=cwd, capture_output=True, text=True, env=env)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project dir whose target/ holds the dbt 1.5 freshness fixture artifacts."""
    shutil.copytree(ART / "freshness-1.5", tmp_path / "target")
    return tmp_path


def score_json(project: Path, *args: str) -> dict:
    proc = dativo("score", "--format", "json", "-q", "-o", "s.json", *args, cwd=project)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads((project / "s.json").read_text())


def test_default_reads_target_sources_json(project: Path) -> None:
    doc = score_json(project)
    assert doc["summary"]["score"] == pytest.approx(86.25)
    assert doc["summary"]["checks_total"] == 5
    events = next(m for m in doc["models"] if m["name"] == "events_stale")
    (check,) = events["checks"]
    assert (check["kind"], check["status"], check["weight"]) == ("source_freshness", "fail", 3.0)
    assert any(a["path"].endswith("target/sources.json") for a in doc["artifacts"])


def test_no_sources_and_explicit_file(project: Path) -> None:
    doc = score_json(project, "--no-sources")
    assert [m["name"] for m in doc["models"]] == ["orders_stale"]
    assert doc["summary"]["score"] == 100.0
    moved = project / "fresh.json"
    (project / "target" / "sources.json").rename(moved)
    assert score_json(project)["summary"]["checks_total"] == 1  # nothing in target/ any more
    assert score_json(project, "--sources", "fresh.json")["summary"]["checks_total"] == 5


def test_gate_reads_sources_too(project: Path) -> None:
    (project / "dativo.yml").write_text("thresholds: {min_score: 80, warn_score: 80}\n")
    proc = dativo("gate", "--format", "json", cwd=project)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    doc = json.loads(proc.stdout)
    failed = [m["name"] for m in doc["models"] if not m["gate"]["passed"]]
    assert failed == ["customers_broken"]  # 75 < 80
    assert dativo("gate", "--no-sources", cwd=project).returncode == 0


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty sources file (truncated?)"),
        (
            b'{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/sources/v3.json"',
            "corrupt sources JSON (truncated?)",
        ),
        (b"not json at all", "corrupt sources JSON"),
        (
            b'{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/sources/v2.json"}, "results": []}',
            "unsupported sources schema v2; dativo-dbt reads v3 (dbt 1.5-1.11)",
        ),
        (b'{"metadata": {}, "results": []}', "not a dbt sources artifact"),
        (
            b'{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/sources/v3.json"}, "results": [{"status": "pass"}]}',
            "unexpected sources content",
        ),
    ],
)
def test_bad_sources_json_exit_2(project: Path, content: bytes, expected: str) -> None:
    (project / "target" / "sources.json").write_bytes(content)
    proc = dativo("score", cwd=project)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "sources.json" in proc.stderr and expected in proc.stderr
    assert "Traceback" not in proc.stderr
    # --no-sources gets past it
    assert dativo("score", "--no-sources", cwd=project).returncode == 0


def test_wrong_kind_missing_file_and_conflicting_options(project: Path) -> None:
    proc = dativo("score", "--sources", "target/run_results.json", cwd=project)
    assert proc.returncode == 2
    assert "run_results.json" in proc.stderr
    assert "this is a dbt run-results artifact, expected a sources artifact" in proc.stderr
    proc = dativo("score", "--sources", "nope.json", cwd=project)
    assert proc.returncode == 2
    assert "nope.json: sources not found" in proc.stderr
    assert "dbt source freshness" in proc.stderr
    proc = dativo("score", "--sources", "target", "--no-sources", cwd=project)
    assert proc.returncode == 2 and "--no-sources" in proc.stderr
