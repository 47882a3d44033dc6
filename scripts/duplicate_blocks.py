"""Report blocks of six or more identical lines that stand in more than one place of a tree.

Usage: python scripts/duplicate_blocks.py [PACKAGE_DIR] [--min-lines N] [--enforce]

PACKAGE_DIR defaults to analyzer/dativo_dbt. Lines are compared with their white space folded;
blank lines, comment lines, import statements (also over several lines) and lines of lone
punctuation (`)`, `],`, `}`...) are passed over, as they say nothing on their own. A block is N consecutive remaining lines (default
6); two places repeat each other when their blocks are the same to the letter (a block repeated
inside one file counts when the two places do not overlap). Prints one row per repeated block,
longest first. Informational: exit 0, unless --enforce and a block repeats (exit 1).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PACKAGE = Path(__file__).resolve().parents[1] / "analyzer" / "dativo_dbt"
_SKIP = re.compile(r"^(#.*|import .*|from \S+ import .*|[()\[\]{},:;]+)$")


@dataclass(frozen=True)
class Line:
    """A kept line: its file, its 1-based number and its folded text."""

    path: Path
    number: int
    text: str


def kept_lines(path: Path) -> list[Line]:
    """The lines of `path` that count, white space folded."""
    out = []
    in_import = False  # inside the parentheses of a multi-line `from x import (`
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = " ".join(raw.split())
        if in_import or (text.startswith("from ") and text.endswith("import (")):
            in_import = not text.endswith(")")
            continue
        if text and not _SKIP.match(text):
            out.append(Line(path, number, text))
    return out


def repeated_blocks(package: Path, min_lines: int) -> list[tuple[Line, Line, int]]:
    """(first place, second place, length) of every maximal repeated block, longest first."""
    places: dict[tuple[str, ...], list[tuple[list[Line], int]]] = defaultdict(list)
    for path in sorted(package.rglob("*.py")):
        lines = kept_lines(path)
        for start in range(len(lines) - min_lines + 1):
            key = tuple(line.text for line in lines[start : start + min_lines])
            places[key].append((lines, start))
    found: dict[tuple[Path, int, Path, int], tuple[Line, Line, int]] = {}
    for hits in places.values():
        for i, (a_lines, a) in enumerate(hits):
            for b_lines, b in hits[i + 1 :]:
                if a_lines is b_lines and b - a < min_lines:
                    continue  # overlapping windows of one run
                if _extends_back(a_lines, a, b_lines, b):
                    continue  # reported from where the run starts
                length = _run_length(a_lines, a, b_lines, b, min_lines)
                first, second = a_lines[a], b_lines[b]
                found[(first.path, first.number, second.path, second.number)] = (
                    first,
                    second,
                    length,
                )
    return sorted(found.values(), key=lambda item: -item[2])


def _extends_back(a_lines: list[Line], a: int, b_lines: list[Line], b: int) -> bool:
    if a == 0 or b == 0 or (a_lines is b_lines and b - 1 <= a):
        return False
    return a_lines[a - 1].text == b_lines[b - 1].text


def _run_length(a_lines: list[Line], a: int, b_lines: list[Line], b: int, at_least: int) -> int:
    length = at_least
    limit = (b - a) if a_lines is b_lines else len(a_lines)
    while (
        a + length < len(a_lines)
        and b + length < len(b_lines)
        and length < limit
        and a_lines[a + length].text == b_lines[b + length].text
    ):
        length += 1
    return length


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("package", nargs="?", type=Path, default=DEFAULT_PACKAGE)
    parser.add_argument("--min-lines", type=int, default=6, choices=range(2, 100), metavar="N")
    parser.add_argument("--enforce", action="store_true", help="exit 1 when a block repeats")
    args = parser.parse_args(argv)
    root = args.package.resolve()
    blocks = repeated_blocks(root, args.min_lines)
    for first, second, length in blocks:
        print(
            f"{length:3d} lines  {first.path.relative_to(root)}:{first.number}"
            f"  ~  {second.path.relative_to(root)}:{second.number}"
        )
    print(f"summary: {len(blocks)} repeated block(s) of {args.min_lines}+ identical lines")
    return 1 if args.enforce and blocks else 0


if __name__ == "__main__":
    sys.exit(main())
