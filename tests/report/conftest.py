"""Real dbt runs of tests/fixtures/report_project, shared by the report and history tests.

Two `dbt build`s on DuckDB (the second with `fixed: true`, so scores change), each scored with the
scoring API and recorded in the project's local history store; the dativo_dbt package's on-run-end
hook records both runs in the warehouse too. Built once per test session even
under pytest-xdist (a file lock in the shared base temp dir); tests only read the result.
"""

from __future__ import annotations

import fcntl
import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers.dbt import REPO_ROOT, DbtProject, copy_project

FIXTURE = REPO_ROOT / "tests" / "fixtures" / "report_project"


@dataclass
class ReportRuns:
    project: DbtProject
    baseline_target: Path  # the first run's artifacts
    history_path: Path  # the project's default local history store (2 runs)
    invocations: list[str]  # run 1, run 2

    @property
    def path(self) -> Path:
        return self.project.path


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _build(root: Path) -> None:
    from dativo_dbt.history import record
    from dativo_dbt.scoring.api import score_project

    project = DbtProject(copy_project(FIXTURE, root / "report_project"))
    invocations = []
    project.dbt("deps")
    # Run 1: tests fail (dbt exits 1). Run 2 (`fixed`): only warnings are left (exit 0).
    for n, (fixed, rc) in enumerate((("false", 1), ("true", 0)), start=1):
        project.dbt("build", "--vars", f"{{fixed: {fixed}}}", expect_rc=rc)
        invocations.append(project.run_results()["metadata"]["invocation_id"])
        if n == 1:
            shutil.copytree(project.path / "target", root / "baseline_target")
        record(score_project(project.path / "target"), project_dir=project.path)
    (root / "runs.json").write_text(json.dumps(invocations))


@pytest.fixture(scope="session")
def report_runs(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> ReportRuns:
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if worker_id != "master" else base
    root = shared / "report_runs"
    with _locked(shared / "report_runs.lock"):
        if not (root / "runs.json").exists():
            if root.exists():
                shutil.rmtree(root)
            root.mkdir()
            _build(root)
    project = DbtProject(root / "report_project")
    return ReportRuns(
        project=project,
        baseline_target=root / "baseline_target",
        history_path=project.path / ".dativo" / "history.duckdb",
        invocations=json.loads((root / "runs.json").read_text()),
    )
