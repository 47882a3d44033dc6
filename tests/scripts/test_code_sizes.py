"""scripts/code_sizes.py: functions over 60 lines and modules over 400 lines, largest first."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.helpers.dbt import REPO_ROOT

SCRIPT = REPO_ROOT / "scripts" / "code_sizes.py"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False
    )


def make_tree(tmp_path: Path) -> Path:
    """pkg/long_func.py: one 62-line method and a 60-line function; pkg/long_module.py: 401 lines."""
    root = tmp_path / "pkg"
    root.mkdir()
    body = "".join(f"        x{i} = {i}\n" for i in range(61))
    ok = "".join(f"    y{i} = {i}\n" for i in range(59))
    (root / "long_func.py").write_text(
        f"class Box:\n    def big(self):\n{body}\n\ndef fits():\n{ok}"
    )
    (root / "long_module.py").write_text("".join(f"v{i} = {i}\n" for i in range(401)))
    (root / "small.py").write_text("def f():\n    return 1\n")
    return root


def test_report_lists_what_is_over_the_limits_largest_first(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    result = run(str(root))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1].split() == ["module", "401", "pkg/long_module.py"]
    assert lines[2].split() == ["function", "62", "pkg/long_func.py::Box.big"]
    assert len(lines) == 4  # header, two rows, summary: fits() (60 lines) is within the limit
    assert lines[3] == "summary: 1 function(s) over 60 lines, 1 module(s) over 400 lines"


def test_enforce_exits_1_when_over_and_0_when_within(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    assert run(str(root), "--enforce").returncode == 1
    within = run(str(root), "--enforce", "--max-function", "62", "--max-module", "401")
    assert within.returncode == 0
    assert "summary: 0 function(s) over 62 lines, 0 module(s) over 401 lines" in within.stdout


def test_missing_root_is_bad_input(tmp_path: Path) -> None:
    result = run(str(tmp_path / "nope"))
    assert result.returncode == 2
    assert "nope: no such file or directory" in result.stderr
