"""`${VAR}` and `${VAR:-default}` references to environment variables in YAML values."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any

from dativo_dbt.core.errors import DativoError
from dativo_dbt.core.yaml_lines import dotted, line_of

#: `${VAR}` or `${VAR:-default}` (group 1: the name, group 2: the default or None)
ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
#: `${VAR}` only, where a default would be a literal value (secrets)
PLAIN_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def has_reference(text: str, *, defaults: bool = True) -> bool:
    """Whether `text` holds a reference (with `defaults=False`, only plain `${VAR}` counts)."""
    return (ENV_REF if defaults else PLAIN_REF).search(text) is not None


def expand(
    text: str,
    missing: Callable[[str], str],
    *,
    defaults: bool = True,
    found: Callable[[str], None] | None = None,
) -> str:
    """`text` with each reference replaced by the variable's value.

    An unset variable takes its `:-default` (when `defaults`), else `missing(name)` (which returns
    the replacement or raises); `found(value)` sees every value read from the environment."""

    def repl(match: re.Match[str]) -> str:
        value = os.environ.get(match.group(1))
        if value is None:
            if defaults and match.group(2) is not None:
                return match.group(2)
            return missing(match.group(1))
        if found is not None:
            found(value)
        return value

    return (ENV_REF if defaults else PLAIN_REF).sub(repl, text)


def resolve_env(raw: Any, display: str, paths: tuple[tuple[str, ...], ...]) -> list[DativoError]:
    """Expand references in place in the strings under each of `paths` of YAML data `raw`; an unset
    variable without default is one error (file, line, field) and stays as written."""
    errors: list[DativoError] = []

    def visit(node: Any, path: tuple[Any, ...]) -> Any:
        if isinstance(node, str):

            def missing(name: str) -> str:
                errors.append(
                    DativoError(
                        f"{dotted(path)}: environment variable {name} is not set "
                        f"(used as ${{{name}}}; set it or write ${{{name}:-default}})",
                        path=display,
                        line=line_of(raw, path),
                    )
                )
                return f"${{{name}}}"

            return expand(node, missing)
        if isinstance(node, dict):
            for key in list(node):
                node[key] = visit(node[key], (*path, key))
        elif isinstance(node, list):
            for i, item in enumerate(node):
                node[i] = visit(item, (*path, i))
        return node

    for env_path in paths:
        parent = _parent(raw, env_path)
        last = env_path[-1]
        if isinstance(parent, dict) and last in parent:
            parent[last] = visit(parent[last], env_path)
    return errors


def _parent(raw: Any, path: tuple[str, ...]) -> Any:
    """The mapping that holds the last key of `path` (None when the data has no such mapping)."""
    parent: Any = raw
    for seg in path[:-1]:
        parent = parent.get(seg) if isinstance(parent, dict) else None
    return parent
