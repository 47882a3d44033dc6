"""README `Adopt on an existing project`: its commands, run as written on the fixture project;
and the install script's version line."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

from tests.helpers.dbt import DATIVO, DBT, REPO_ROOT, DbtProject, copy_project

FIXTURE = REPO_ROOT / "tests" / "fixtures" / "adopt_project"


def _walkthrough() -> tuple[str, list[str]]:
    """(packages.yml snippet, bash commands) of the README section."""
    readme = (REPO_ROOT / "README.md").read_text()
    section = readme.split("## Adopt on an existing project", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(yaml|bash)\n(.*?)```", section, re.S)
    packages = next(body for lang, body in blocks if lang == "yaml")
    bash = next(body for lang, body in blocks if lang == "bash")
    commands = [line.split("#", 1)[0].strip() for line in bash.splitlines()]
    return packages, [c for c in commands if c]


def test_readme_walkthrough_runs_as_written(tmp_path: Path) -> None:
    packages, commands = _walkthrough()
    assert commands[0] == "dbt deps" and "dativo-dbt init" in commands[3]
    project = DbtProject(copy_project(FIXTURE, tmp_path / "shop"))
    # the README's packages.yml, with its placeholder path pointing at this checkout
    (project.path / "packages.yml").write_text(
        packages.replace("path/to/dativo-dbt", str(REPO_ROOT))
    )
    original = (project.path / "models" / "schema.yml").read_text()
    tools = {"dbt": DBT, "dativo-dbt": DATIVO}
    for command in commands:
        argv = shlex.split(command)
        proc = subprocess.run(
            [tools[argv[0]], *argv[1:]],
            cwd=project.path,
            env=project.env(),
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, f"{command}\n{proc.stdout[-4000:]}\n{proc.stderr[-2000:]}"
    edited = (project.path / "models" / "schema.yml").read_text()
    assert edited != original and "# selected by the nightly job" in edited
    assert sorted(p.name for p in (project.path / "contracts").iterdir()) == [
        "customers.contract.yml",
        "orders.contract.yml",
    ]


def test_install_prints_a_clean_version_line() -> None:
    proc = subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "versions.py")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert re.fullmatch(
        r"installed: dativo-dbt \d+\.\d+\.\d+, dbt-core \d+\.\d+\.\d+(, [a-z-]+ [\w.]+)*\n",
        proc.stdout,
    ), proc.stdout
    assert "scripts/versions.py" in (REPO_ROOT / "scripts" / "install.sh").read_text()
