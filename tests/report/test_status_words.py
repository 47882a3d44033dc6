"""One gate-status vocabulary on a real dbt run: `score`, `history` and the report show the same
word for each model (a gate passed with warnings is `warn` in all three), and the files `score -o`
and `report` write get the umask's mode, like any new file."""

from __future__ import annotations

import json
import os
import re
import subprocess

import pytest

from tests.helpers.dbt import DATIVO, REPO_ROOT, DbtProject, copy_project

# warn below 100: a model that passes its gate with any failing check is `warn`
CONFIG = "thresholds: {min_score: 0, warn_score: 100}\n"


def _run(project: DbtProject, umask: int, *args: str) -> subprocess.CompletedProcess[str]:
    """`dativo-dbt ARGS` under `umask`, history written before exit (no detached writer)."""
    env = project.env() | {"DATIVO_HISTORY_BACKGROUND": "off"}
    return subprocess.run(
        [DATIVO, *args],
        cwd=project.path,
        env=env,
        capture_output=True,
        text=True,
        preexec_fn=lambda: os.umask(umask),
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    fixture = REPO_ROOT / "tests" / "fixtures" / "report_project"
    project = DbtProject(copy_project(fixture, tmp_path_factory.mktemp("words") / "p"))
    (project.path / "dativo.yml").write_text(CONFIG)
    project.dbt("deps")
    project.dbt("build", "--vars", "{fixed: true}")
    return project


def _score_words(stdout: str) -> dict[str, str]:
    """model -> the gate column of `score`'s table."""
    words = {}
    for line in stdout.splitlines():
        cells = [c.strip() for c in re.split(r"[│┃]", line)]
        if len(cells) > 3 and cells[1] in {"stg_customers", "stg_orders", "fct_revenue"}:
            words[cells[1]] = [c for c in cells if c][-1]
    return words


def test_score_history_and_report_show_one_status(project: DbtProject) -> None:
    scored = _run(project, 0o022, "score", "--format", "json", "-o", "scores.json")
    assert scored.returncode == 0, scored.stdout + scored.stderr
    in_score = _score_words(scored.stdout)
    assert len(in_score) == 3 and {"warn", "pass"} <= set(in_score.values()), scored.stdout

    history = json.loads(_run(project, 0o022, "history", "--format", "json").stdout)
    in_history_json = {
        name: {"pass": "pass", "warn": "warn", "fail": "FAIL"}[points[-1]["gate_status"]]
        for name, points in history["models"].items()
    }
    assert in_history_json == in_score
    table = _run(project, 0o022, "history").stdout
    for name, word in in_score.items():
        (row,) = [line for line in table.splitlines() if f" {name} " in line]
        assert row.rstrip(" │").split()[-1] == word, row

    report = _run(project, 0o022, "report", "-o", "report.html")
    assert report.returncode == 0, report.stderr
    html = (project.path / "report.html").read_text()
    for name, word in in_score.items():
        status = {"FAIL": "fail"}.get(word, word)
        (tag,) = re.findall(
            rf'<details [^>]*data-model="model\.report_fixture\.{name}"[^>]*>', html
        )
        assert f'data-gate="{status}"' in tag
        block = html[html.index(tag) :][:3000]
        assert f'<span class="gate {status}">' in block and f"gate {word}</span>" in block
    assert "gate passed" not in html


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002], ids=["022", "077", "002"])
def test_output_files_get_the_umask_mode(project: DbtProject, umask: int) -> None:
    for name in ("s.json", "r.html"):
        (project.path / name).unlink(missing_ok=True)
    assert _run(project, umask, "score", "--format", "json", "-o", "s.json").returncode == 0
    assert _run(project, umask, "report", "-o", "r.html").returncode == 0
    for name in ("s.json", "r.html"):
        path = project.path / name
        assert path.stat().st_mode & 0o777 == 0o666 & ~umask, name
        assert not list(project.path.glob(f".{name}.*.tmp"))  # the temp file was renamed
    json.loads((project.path / "s.json").read_text())
