"""The pre-commit hooks call real commands and flags; docs/ci.md's commands parse."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

import yaml

from tests.helpers.dbt import DATIVO, REPO_ROOT


def _help(args: list[str]) -> str:
    proc = subprocess.run([DATIVO, *args, "--help"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_pre_commit_hooks_use_existing_commands_and_flags() -> None:
    hooks = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text())
    assert {h["id"] for h in hooks} == {
        "dativo-dbt-validate",
        "dativo-dbt-generate-check",
        "dativo-dbt-diff",
    }
    for hook in hooks:
        argv = shlex.split(hook["entry"]) + [a for a in hook.get("args", []) if a.startswith("-")]
        assert argv[0] == "dativo-dbt" and hook["pass_filenames"] is False
        text = _help(argv[1:2])
        for flag in argv[2:]:
            assert flag in text, (hook["id"], flag)


def test_ci_doc_uses_real_score_options() -> None:
    doc = (REPO_ROOT / "docs" / "ci.md").read_text()
    text = _help(["score"])
    for opt in ("--baseline", "--format", "--output", "--quiet", "--run-results", "--fail-under"):
        assert opt in doc and opt in text
    assert Path(REPO_ROOT / ".pre-commit-hooks.yaml").exists()
