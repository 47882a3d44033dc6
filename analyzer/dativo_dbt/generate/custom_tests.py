"""Which custom generic tests of a dbt project can run inside a batch.

A contract's `custom:` check names a generic test of the project (`test: balance_within_training_range`
or `test: my_package.my_test`). In batched execution such a test can be counted as its own
subquery of the batch query (`select count(*) from (<its SQL>)`: dbt's default `fail_calc`), but
only when its SQL is all there is to it. So a test is batched only when its definition is found
and its body calls none of:

* `config(...)`: it may set `fail_calc`, `where`, `warn_if`... (what dbt counts), or severity;
* `ref(...)` / `source(...)`: dbt learns a test's dependencies while parsing it, which a batch
  does not do for the tests inside it.

Everything else keeps its own test node, as in per-check execution.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

_TEST_BLOCK = re.compile(
    r"\{%-?\s*test\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(.*?%\}(.*?)\{%-?\s*endtest\s*-?%\}", re.DOTALL
)
_DISQUALIFYING = re.compile(r"\b(config|ref|source)\s*\(")


def _macro_paths(project_dir: Path) -> list[Path]:
    try:
        data: Any = yaml.safe_load((project_dir / "dbt_project.yml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        data = None
    paths = (data or {}).get("macro-paths") if isinstance(data, dict) else None
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        paths = ["macros"]
    # generic tests may also live under test-paths/generic (dbt's convention)
    tests = (data or {}).get("test-paths") if isinstance(data, dict) else None
    generic = [f"{p}/generic" for p in (tests if isinstance(tests, list) else ["tests"])]
    return [project_dir / p for p in [*paths, *generic] if isinstance(p, str)]


def _scan(paths: list[Path], prefix: str) -> dict[str, bool]:
    found: dict[str, bool] = {}
    for root in paths:
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*.sql")):
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            for match in _TEST_BLOCK.finditer(text):
                name = prefix + match.group(1)
                ok = _DISQUALIFYING.search(match.group(2)) is None
                # defined twice: batch it only if every definition qualifies
                found[name] = found.get(name, True) and ok
    return found


def foldable(project_dir: Path) -> frozenset[str]:
    """Test names (`name` of the project, `package.name` of an installed package) whose SQL a
    batch can run as its own subquery."""
    found = _scan(_macro_paths(project_dir), "")
    packages = project_dir / "dbt_packages"
    if packages.is_dir():
        for package in sorted(p for p in packages.iterdir() if p.is_dir()):
            found.update(_scan(_macro_paths(package), package.name + "."))
    return frozenset(name for name, ok in found.items() if ok)
