"""Report the import cycles between the packages of a Python package tree.

Usage: python scripts/import_cycles.py [PACKAGE_DIR] [--enforce]

PACKAGE_DIR defaults to analyzer/dativo_dbt. Every `import` and `from ... import` statement is read
with `ast` (relative ones resolved, those inside functions included); a module's package is the
first name under PACKAGE_DIR (a top-level module is its own package). Prints the number of internal
imports, how many sit inside functions, the cycles (strongly connected packages) and the two-way
pairs. Informational: exit 0, unless --enforce and there is a cycle (exit 1).
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_PACKAGE = Path(__file__).resolve().parents[1] / "analyzer" / "dativo_dbt"


@dataclass
class Graph:
    """Package -> the packages it imports, and the import counts."""

    edges: dict[str, set[str]] = field(default_factory=dict)
    internal: int = 0
    in_functions: int = 0


def _imported(node: ast.AST, module: list[str], is_init: bool) -> list[str]:
    """Dotted names an import statement imports (`from top import a` -> `top.a`)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    # a package's __init__ is the package itself: `.` is `module`, not its parent
    drop = node.level - (1 if is_init else 0)
    base = module[: len(module) - drop] if node.level else []
    target = ".".join([*base, node.module] if node.module else base)
    if "." in target:
        return [target]
    # `from top import a`: a is a package or module of top
    return [f"{target}.{a.name}" for a in node.names]


def _imports(tree: ast.AST, inside: bool = False) -> Iterator[tuple[ast.AST, bool]]:
    """Every import statement, and whether it sits inside a function."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node, inside
        func = isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        yield from _imports(node, inside or func)


def build_graph(package: Path) -> Graph:
    """The package-level import graph of the tree under `package`."""
    graph = Graph()
    name = package.name
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package)
        src = rel.parts[0] if len(rel.parts) > 1 else path.stem
        module = [name, *rel.with_suffix("").parts]
        is_init = module[-1] == "__init__"
        if is_init:
            module = module[:-1]
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for stmt, inside in _imports(tree):
            for dotted in _imported(stmt, module, is_init):
                parts = dotted.split(".")
                if parts[0] != name or len(parts) < 2:
                    continue
                graph.internal += 1
                graph.in_functions += inside
                if parts[1] != src:
                    graph.edges.setdefault(src, set()).add(parts[1])
    return graph


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one package (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = stack[stack.index(v) :]
            del stack[stack.index(v) :]
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(set(edges) | {w for ws in edges.values() for w in ws}):
        if v not in index:
            visit(v)
    return sorted(found)


def render(graph: Graph) -> str:
    """The counts, the cycles and the two-way pairs, one per line."""
    groups = cycles(graph.edges)
    pairs = sorted({tuple(sorted((a, b))) for a, bs in graph.edges.items() for b in bs})
    two_way = [
        p for p in pairs if p[0] in graph.edges.get(p[1], ()) and p[1] in graph.edges.get(p[0], ())
    ]
    lines = [
        f"internal imports: {graph.internal}, inside functions: {graph.in_functions}",
        *(f"cycle: {' '.join(g)}" for g in groups),
        *(f"two-way: {a} <-> {b}" for a, b in two_way),
        f"summary: {len(groups)} cycle(s), {len(two_way)} two-way pair(s)",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", nargs="?", type=Path, default=DEFAULT_PACKAGE)
    parser.add_argument("--enforce", action="store_true", help="exit 1 when there is a cycle")
    args = parser.parse_args(argv)
    if not args.package.is_dir():
        print(f"import_cycles: {args.package}: not a directory", file=sys.stderr)
        return 2
    graph = build_graph(args.package)
    print(render(graph))
    return 1 if args.enforce and cycles(graph.edges) else 0


if __name__ == "__main__":
    sys.exit(main())
