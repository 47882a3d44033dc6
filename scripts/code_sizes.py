"""Report the functions over 60 lines and the modules over 400 lines of a Python tree.

Usage: python scripts/code_sizes.py [ROOT ...] [--max-function N] [--max-module N] [--enforce]

ROOT defaults to analyzer/. A function's size is its line span (end_lineno - lineno + 1, decorators
not counted, nested functions measured on their own too); a module's size is its line count.
Informational: exit 0, unless --enforce and something is over a limit (exit 1).
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

MAX_FUNCTION_LINES = 60
MAX_MODULE_LINES = 400
DEFAULT_ROOT = Path(__file__).resolve().parents[1] / "analyzer"


@dataclass(frozen=True)
class Size:
    """One function or module over its limit."""

    kind: str  # "function" or "module"
    lines: int
    where: str  # path, and ::qualified.name for a function


def _functions(tree: ast.AST, prefix: str = "") -> Iterator[tuple[str, int]]:
    """(qualified name, line span) of every function and method, nested ones included."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            name = prefix + node.name
            yield name, (node.end_lineno or node.lineno) - node.lineno + 1
            yield from _functions(node, name + ".")
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node, prefix + node.name + ".")
        else:
            yield from _functions(node, prefix)


def measure(roots: Sequence[Path], max_function: int, max_module: int) -> list[Size]:
    """Everything over the limits under `roots`, largest first."""
    found: list[Size] = []
    for root in roots:
        files = [root] if root.is_file() else sorted(root.rglob("*.py"))
        for path in files:
            text = path.read_text(encoding="utf-8")
            shown = path.relative_to(root.parent) if root.is_dir() else path
            n_lines = len(text.splitlines())
            if n_lines > max_module:
                found.append(Size("module", n_lines, str(shown)))
            for name, span in _functions(ast.parse(text, filename=str(path))):
                if span > max_function:
                    found.append(Size("function", span, f"{shown}::{name}"))
    return sorted(found, key=lambda s: (-s.lines, s.kind, s.where))


def render(sizes: Sequence[Size], max_function: int, max_module: int) -> str:
    """The table (largest first) and a one-line summary."""
    lines = [f"{'kind':<8}  {'lines':>5}  where"]
    lines += [f"{s.kind:<8}  {s.lines:>5}  {s.where}" for s in sizes]
    n_func = sum(s.kind == "function" for s in sizes)
    n_mod = sum(s.kind == "module" for s in sizes)
    lines.append(
        f"summary: {n_func} function(s) over {max_function} lines, "
        f"{n_mod} module(s) over {max_module} lines"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("roots", nargs="*", type=Path, default=[DEFAULT_ROOT])
    parser.add_argument("--max-function", type=int, default=MAX_FUNCTION_LINES)
    parser.add_argument("--max-module", type=int, default=MAX_MODULE_LINES)
    parser.add_argument("--enforce", action="store_true", help="exit 1 when over a limit")
    args = parser.parse_args(argv)
    for root in args.roots:
        if not root.exists():
            print(f"code_sizes: {root}: no such file or directory", file=sys.stderr)
            return 2
    sizes = measure(args.roots, args.max_function, args.max_module)
    print(render(sizes, args.max_function, args.max_module))
    return 1 if args.enforce and sizes else 0


if __name__ == "__main__":
    sys.exit(main())
