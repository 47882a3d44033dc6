"""Bounded fuzzing of the CLI with hostile contracts, dativo.yml configs, notification configs,
dbt artifacts and arguments (hypothesis, derandomized: the same cases on every run).

Every case must end with the gate's 0/1 or exit 2 with one-line messages, never a traceback,
never print the secret planted in the environment and configs, never leave a temp or half-written
file, and finish within CASE_SECONDS. Cases run in-process through `main(argv)` (the console
script's own error mapping) for speed; a few run the real console script. The whole module is
sized to stay under 60 s on a loaded 2-core machine.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import msgspec
import pytest
import yaml
from dativo_dbt.generate.render import HEADER_PREFIX
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.fuzz import strategies as hs
from tests.helpers.dbt import DATIVO
from tests.helpers.inproc import Ran, run_main
from tests.lineage import sample

ART = Path(__file__).resolve().parents[1] / "fixtures" / "artifacts" / "1.11"
CASE_SECONDS = 10.0
ENV: dict[str, str | None] = {
    "FUZZ_TOKEN": hs.SECRET,
    "FUZZ_URL": f"https://hooks.example.invalid/services/{hs.SECRET}",
    "DBT_CLOUD_API_TOKEN": hs.SECRET,
}


def fuzz(examples: int) -> Any:
    return settings(
        max_examples=examples,
        deadline=timedelta(seconds=CASE_SECONDS),
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


_PROBLEM = re.compile(r"^\S.*\.(ya?ml|json|sql)(:\d+)?: ")


def check(ran: Ran, codes: set[int], elapsed: float) -> None:
    """Exit code, messages, no traceback, no secret, time."""
    shown = ran.stdout + ran.stderr
    event(f"exit {ran.code}")
    assert ran.code in codes, shown
    assert "Traceback" not in shown, shown
    assert hs.SECRET not in shown, shown
    assert elapsed < CASE_SECONDS, elapsed
    if ran.code == 2:
        lines = [line for line in ran.error_lines if not line.startswith("warning: ")]
        assert lines and lines[0].startswith("error: "), ran.stderr
        for line in lines[1:]:  # further problems of the same run: one line each, naming a file
            assert _PROBLEM.match(line), ran.stderr


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "target" not in p.relative_to(root).parts
    }


def check_files(root: Path, before: dict[str, bytes], failed: bool) -> None:
    """No temp files; generated files complete; on failure nothing changed."""
    after = snapshot(root)
    assert not [name for name in after if name.endswith(".tmp")], sorted(after)
    if failed:
        assert after == before
    for name, data in after.items():
        if Path(name).name.startswith("_dativo__"):
            text = data.decode("utf-8")
            assert text.startswith(HEADER_PREFIX)
            assert isinstance(yaml.safe_load(text), dict)


def timed(*args: str, cwd: Path | None = None) -> tuple[Ran, float]:
    started = time.monotonic()
    ran = run_main(*args, env=ENV, cwd=cwd)
    return ran, time.monotonic() - started


def _gen_project(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "dbt_project.yml").write_text("name: p\nversion: '1'\nprofile: p\n")
    (root / "models").mkdir()
    (root / "models" / "orders.sql").write_text("select 1 as id\n")
    (root / "contracts").mkdir()
    return root


@given(contract=hs.hostile_contract())
@fuzz(100)
def test_hostile_contracts_validate_and_generate(
    tmp_path_factory: pytest.TempPathFactory, contract: str
) -> None:
    project = _gen_project(tmp_path_factory.mktemp("contract"))
    (project / "contracts" / "orders.yml").write_text(contract, encoding="utf-8")
    ran, elapsed = timed("validate", "--project-dir", str(project))
    check(ran, {0, 2}, elapsed)
    before = snapshot(project)
    generated, elapsed = timed("generate", "--project-dir", str(project))
    check(generated, {0, 2}, elapsed)
    check_files(project, before, failed=generated.code != 0)
    if ran.code == 2:  # what validate refuses, generate refuses too
        assert generated.code == 2, generated.stdout


@pytest.fixture(scope="module")
def scored_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("scored")
    shutil.copytree(ART, root / "target")
    return root


@given(config=hs.hostile_config())
@fuzz(40)
def test_hostile_dativo_yml_score(scored_project: Path, config: str) -> None:
    (scored_project / "dativo.yml").write_text(config, encoding="utf-8")
    before = snapshot(scored_project)
    ran, elapsed = timed("score", "--project-dir", str(scored_project), "--limit", "5")
    check(ran, {0, 1, 2}, elapsed)
    check_files(scored_project, before, failed=True)  # score writes nothing here


MANIFEST = json.loads((ART / "manifest.json").read_text())
RUN_RESULTS = json.loads((ART / "run_results.json").read_text())


@given(data=st.data(), which=st.sampled_from(["manifest.json", "run_results.json"]))
@fuzz(40)
def test_damaged_artifacts_score(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject, which: str
) -> None:
    project = tmp_path_factory.mktemp("artifacts")
    shutil.copytree(ART, project / "target")
    original = MANIFEST if which == "manifest.json" else RUN_RESULTS
    (project / "target" / which).write_bytes(data.draw(hs.damaged_artifact(original)))
    out = project / "score.json"
    ran, elapsed = timed(
        "score", "--project-dir", str(project), "--format", "json", "-o", str(out), "-q"
    )
    check(ran, {0, 1, 2}, elapsed)
    if ran.code == 2:
        assert not out.exists()
    else:
        json.loads(out.read_text())  # complete
    assert not list(project.glob(".*.tmp"))


@pytest.fixture(scope="module")
def notify_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = sample.write_project(tmp_path_factory.mktemp("notify") / "proj")
    (project / "scores.json").write_bytes(msgspec.json.encode(sample.project_score()))
    return project


@given(config=hs.hostile_notify_config())
@fuzz(50)
def test_hostile_notify_config(notify_project: Path, config: str) -> None:
    (notify_project / "notifications.yml").write_text(config, encoding="utf-8")
    args = ("notify", "--project-dir", str(notify_project), "--dry-run")
    ran, elapsed = timed(*args, "--scores", str(notify_project / "scores.json"))
    check(ran, {0, 2}, elapsed)
    if ran.code == 2:
        assert len(ran.error_lines) == 1 and "notifications.yml" in ran.error_lines[0]


@given(argv=hs.hostile_argv())
@fuzz(50)
def test_hostile_arguments(tmp_path_factory: pytest.TempPathFactory, argv: list[str]) -> None:
    project = _gen_project(tmp_path_factory.mktemp("argv"))
    shutil.copytree(ART, project / "target")
    contract = hs.dump(hs.CONTRACT)
    (project / "contracts" / "orders.yml").write_text(contract)
    (project / "scores.json").write_bytes(msgspec.json.encode(sample.project_score()))
    before = snapshot(project)
    ran, elapsed = timed(*argv, "--project-dir", str(project), cwd=project)
    check(ran, {0, 1, 2}, elapsed)
    check_files(project, before, failed=ran.code == 2)


# --- the real console script (a few cases: process start-up is slow) ---------------------------


@pytest.mark.parametrize(
    ("args", "files", "fragment"),
    [
        (["score", "--fail-under", "nan"], {}, "--fail-under"),
        (["score", "--limit", "-1"], {}, "--limit"),
        (
            ["notify", "--dry-run"],
            {"notifications.yml": "notifications:\n  channels:\n    slack: "
             "{webhook_url: \"${FUZZ_URL}/a\\r\\nb\"}\n"},
            "notifications.yml",
        ),
        (
            ["validate"],
            {"contracts/orders.yml": "data_contract: {name: [\"'; drop table x; --\"], "
             "version: '1', model: orders}\n"},
            "orders.yml",
        ),
    ],
)  # fmt: skip
def test_console_script(
    tmp_path: Path, args: list[str], files: dict[str, str], fragment: str
) -> None:
    project = _gen_project(tmp_path / "p")
    shutil.copytree(ART, project / "target")
    for name, text in files.items():
        (project / name).write_text(text)
    env = {k: v for k, v in os.environ.items() if k != "DATIVO_ENTERPRISE_CONFIG"}
    env.update({k: v for k, v in ENV.items() if v is not None}, DATIVO_HISTORY="off")
    before = snapshot(project)
    proc = subprocess.run(
        [DATIVO, *args, "--project-dir", str(project)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and fragment in lines[0], lines
    assert "Traceback" not in proc.stderr and hs.SECRET not in proc.stdout + proc.stderr
    assert snapshot(project) == before
