"""scripts/duplicate_blocks.py: blocks of 6+ identical lines repeated within a tree."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.helpers.dbt import REPO_ROOT

SCRIPT = REPO_ROOT / "scripts" / "duplicate_blocks.py"
BLOCK = "".join(f"    total = total + {i} * factor\n" for i in range(7))


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False
    )


def test_a_block_in_two_files_is_reported_once_with_its_length(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(f"def f(total, factor):\n{BLOCK}    return total\n")
    (tmp_path / "b.py").write_text(f"def g(total, factor):\n    x = 1\n{BLOCK}    return x\n")
    result = run(str(tmp_path), "--enforce")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "  7 lines  a.py:2  ~  b.py:3",
        "summary: 1 repeated block(s) of 6+ identical lines",
    ]


def test_a_block_repeated_inside_one_file_counts_but_its_own_windows_do_not(
    tmp_path: Path,
) -> None:
    (tmp_path / "one.py").write_text(f"def f(total, factor):\n{BLOCK}{BLOCK}    return total\n")
    result = run(str(tmp_path))
    assert result.returncode == 0  # informational without --enforce
    assert result.stdout.splitlines()[0] == "  7 lines  one.py:2  ~  one.py:9"


def test_blank_comment_import_and_punctuation_lines_do_not_count(tmp_path: Path) -> None:
    filler = "import os\nfrom x import y\nfrom z import (\n    a,\n    b,\n)\n# note\n\n)\n],\n"
    text = "".join(f"{filler}v{i} = {i}\n" for i in range(5))
    (tmp_path / "a.py").write_text(text)
    (tmp_path / "b.py").write_text(text)
    result = run(str(tmp_path), "--enforce")
    assert result.returncode == 0
    assert result.stdout.strip() == "summary: 0 repeated block(s) of 6+ identical lines"
