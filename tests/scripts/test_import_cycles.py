"""scripts/import_cycles.py: package-level import cycles, relative and function-level imports too."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.helpers.dbt import REPO_ROOT

SCRIPT = REPO_ROOT / "scripts" / "import_cycles.py"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False
    )


def make_tree(tmp_path: Path, cyclic: bool) -> Path:
    """top/a imports top.b (absolute), top/b imports top.c (relative); with `cyclic`, top/c imports
    top.a inside a function. top/util.py is imported by all and imports nothing of top."""
    top = tmp_path / "top"
    for pkg in ("a", "b", "c"):
        (top / pkg).mkdir(parents=True)
        (top / pkg / "__init__.py").write_text("")
    (top / "__init__.py").write_text("")
    (top / "util.py").write_text("import os\n")
    (top / "a" / "x.py").write_text("from top.b import y\nfrom top import util\n")
    (top / "b" / "y.py").write_text("from ..c import z\nfrom . import w\nimport top.util\n")
    (top / "b" / "w.py").write_text("")
    body = "def f():\n    from top.a import x\n" if cyclic else "from top.util import os\n"
    (top / "c" / "z.py").write_text(body)
    return top


def test_reports_the_cycle_through_relative_and_function_level_imports(tmp_path: Path) -> None:
    result = run(str(make_tree(tmp_path, cyclic=True)))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "internal imports: 6, inside functions: 1",
        "cycle: a b c",
        "summary: 1 cycle(s), 0 two-way pair(s)",
    ]


def test_enforce_exits_1_with_a_cycle_and_0_without(tmp_path: Path) -> None:
    assert run(str(make_tree(tmp_path / "one", cyclic=True)), "--enforce").returncode == 1
    clean = run(str(make_tree(tmp_path / "two", cyclic=False)), "--enforce")
    assert clean.returncode == 0, clean.stdout
    assert clean.stdout.splitlines()[-1] == "summary: 0 cycle(s), 0 two-way pair(s)"


def test_two_way_pair_listed(tmp_path: Path) -> None:
    top = make_tree(tmp_path, cyclic=False)
    (top / "b" / "back.py").write_text("from top.a.x import y\n")
    lines = run(str(top)).stdout.splitlines()
    assert "cycle: a b" in lines and "two-way: a <-> b" in lines
