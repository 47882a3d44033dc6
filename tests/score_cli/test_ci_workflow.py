"""docs/ci.md's GitHub Actions workflow, run as written (its shell steps, in order) on a copy of the
example project on DuckDB: it must score the `dbt build`, not the `dbt docs generate` that follows
it. And every command refuses (exit 2, naming the command) the run_results.json that
`dbt docs generate` writes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.dbt_package.warehouse import dativo_schema, query
from tests.helpers.dbt import REPO_ROOT, DbtProject, copy_project

STEPS = ("Contracts are valid and generated tests are up to date", "dbt build", "Score and gate")


def workflow_steps() -> dict[str, str]:
    """name -> shell script of the workflow's `run:` steps, from docs/ci.md."""
    doc = (REPO_ROOT / "docs" / "ci.md").read_text()
    block = doc.split("# .github/workflows/dbt-quality.yml\n", 1)[1].split("```", 1)[0]
    workflow = yaml.safe_load(block)
    steps = workflow["jobs"]["build-and-score"]["steps"]
    return {s["name"]: s["run"] for s in steps if "name" in s and "run" in s}


def run_step(project: DbtProject, script: str, github_output: Path) -> None:
    """As GitHub Actions runs a `run:` step: bash -eo pipefail, the venv's tools on PATH."""
    env = project.env()
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.update(GITHUB_OUTPUT=str(github_output), GITHUB_EVENT_NAME="push")
    proc = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=project.path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, f"{script}\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"


@pytest.fixture(scope="module")
def ci_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[DbtProject, Path]:
    dest = tmp_path_factory.mktemp("ci") / "integration_tests"
    project = DbtProject(copy_project(REPO_ROOT / "integration_tests", dest))
    steps = workflow_steps()
    output = dest.parent / "github_output"
    for name in STEPS:
        run_step(project, steps[name], output)
    return project, output


def test_the_documented_workflow_scores_the_build(ci_run: tuple[DbtProject, Path]) -> None:
    project, output = ci_run
    rr = project.run_results()
    assert rr["args"]["which"] == "build"  # restored after `dbt docs generate`
    assert (project.path / "target" / "catalog.json").is_file()  # docs generate did run
    # the example project fails gates on purpose (exit 1); exit 2 would be a refused input
    assert "rc=1" in output.read_text().splitlines()
    md = (project.path / "quality.md").read_text()
    assert "duplicate_order_ids" in md and "max_amount" in md  # failing checks of the build
    statuses = {r["status"] for r in rr["results"] if r["unique_id"].startswith("test.")}
    assert {"pass", "fail"} <= statuses


def test_docs_generate_run_results_are_refused(
    ci_run: tuple[DbtProject, Path], tmp_path: Path
) -> None:
    project, _ = ci_run
    copy = tmp_path / "target"
    copy.mkdir()
    project.dbt("docs", "generate", "--target-path", str(copy))
    assert json.loads((copy / "run_results.json").read_text())["args"]["which"] == "generate"
    for args in (
        ["score", "--target-dir", str(copy)],
        ["gate", "--target-dir", str(copy)],
        ["lineage", "--target-dir", str(copy), "--output", str(tmp_path / "ev.jsonl")],
        ["report", "--target-dir", str(copy), "--output", str(tmp_path / "r.html")],
        ["score", "--run-results", str(project.path / "target"), "--run-results", str(copy)],
    ):
        proc = project.dativo(*args, expect_rc=2)
        err = proc.stderr
        assert "run_results.json was written by `dbt docs generate`" in err, (args, err)
        assert "run `dbt build` or `dbt test`" in err and "Traceback" not in err
        assert str(copy / "run_results.json") in err


def test_a_model_that_errors_in_a_later_dbt_run_fails(
    ci_run: tuple[DbtProject, Path], tmp_path: Path
) -> None:
    """Runs last: it breaks stripe_customers' enforced contract in the shared project."""
    from tests.e2e.test_fail_closed import MODEL, break_stripe_customers

    project, _ = ci_run
    build = project.path / "target"
    sql_before = query(
        project,
        f"select build_violation from {dativo_schema(project)}.dativo_gate_verdicts "
        f"where model_unique_id = '{MODEL}'",
    )
    assert sql_before == [{"build_violation": 0}]
    before = json.loads(project.dativo("score", "--format", "json", expect_rc=1).stdout)
    model = next(m for m in before["models"] if m["unique_id"] == MODEL)
    assert model["build_status"] is None
    break_stripe_customers(project.path)
    project.dativo("generate")
    run_dir = tmp_path / "run"
    project.dbt("run", "--select", "stripe_customers", "--target-path", str(run_dir), expect_rc=1)
    proc = project.dativo("score", "--run-results", str(run_dir), expect_rc=2)
    assert "written by `dbt run`, which runs no tests" in proc.stderr
    after = json.loads(
        project.dativo(
            "score",
            "--run-results",
            str(build),
            "--run-results",
            str(run_dir),
            "--format",
            "json",
            expect_rc=1,
        ).stdout
    )
    broken = next(m for m in after["models"] if m["unique_id"] == MODEL)
    assert broken["build_status"] == "error" and broken["gate"]["passed"] is False
    assert "DATIVO-DQ108" in [v["code"] for v in broken["gate"]["violations"]]
    # its tests ran in the build: their statuses are kept
    assert [c["status"] for c in broken["checks"]] == [c["status"] for c in model["checks"]]
    # the SQL side agrees: the hook recorded the failed `dbt run` (no test ran in it)
    verdicts = query(
        project,
        f"select * from {dativo_schema(project)}.dativo_gate_verdicts "
        f"where model_unique_id = '{MODEL}'",
    )
    assert len(verdicts) == 1
    assert verdicts[0]["build_violation"] == 1 and not verdicts[0]["gate_passed"]
