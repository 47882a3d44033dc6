"""One `dativo.yml` layer read with the line of every key (or the dbt var `dativo_dbt_scoring` as a
layer), and the nested-mapping helpers the merge uses (ATOMIC paths are replaced, never merged)."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from dativo_dbt.config.model import DativoConfig
from dativo_dbt.core.errors import DativoError
from dativo_dbt.core.pydantic_errors import allowed_keys
from dativo_dbt.core.yaml_lines import LineDict, LineList, load_yaml_text

#: Paths whose value is replaced as a whole (not merged key by key).
ATOMIC: frozenset[tuple[str, ...]] = frozenset({("scoring", "dimension_weights")})
DQ001 = "DATIVO-DQ001"

Path_ = tuple[str, ...]


@dataclass
class Layer:
    """One layer file: its data and the line of every key path."""

    path: Path
    data: dict[str, Any]
    lines: dict[Path_, int]

    def line_of(self, p: Path_) -> int | None:
        for i in range(len(p), 0, -1):
            if p[:i] in self.lines:
                return self.lines[p[:i]]
        return None


def _key_lines(node: Any, prefix: Path_, out: dict[Path_, int]) -> None:
    """The line of every key path (list indexes as text) of YAML read by core.yaml_lines."""
    if isinstance(node, LineDict):
        for key, value in node.items():
            path = (*prefix, str(key))
            out[path] = node.key_lines[key]
            _key_lines(value, path, out)
    elif isinstance(node, LineList):
        for i, item in enumerate(node):
            path = (*prefix, str(i))
            out[path] = node.item_lines[i]
            _key_lines(item, path, out)


def read_layer(path: Path) -> Layer:
    """Parse one dativo.yml (safe YAML) with the line of every key."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DativoError("config file not found", path=path, code=DQ001) from None
    except OSError as exc:
        raise DativoError(
            f"cannot read config file: {exc.strerror or exc}", path=path, code=DQ001
        ) from None
    try:  # bounded (aliases, integers), duplicate keys refused: see core/yaml_lines.py
        data = load_yaml_text(text, str(path), eof_at_open_node=True)
    except DativoError as exc:
        raise DativoError(exc.message, path=path, line=exc.line, code=DQ001) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise DativoError(
            "a dativo.yml must be a mapping of settings", path=path, line=1, code=DQ001
        )
    lines: dict[Path_, int] = {}
    _key_lines(data, (), lines)
    return Layer(path=path, data=data, lines=lines)


def flatten(data: Mapping[str, Any], prefix: Path_ = ()) -> dict[Path_, Any]:
    """Leaf paths of a nested mapping (lists and ATOMIC paths are leaves)."""
    out: dict[Path_, Any] = {}
    for k, v in data.items():
        p = (*prefix, str(k))
        if isinstance(v, Mapping) and p not in ATOMIC and v:
            out.update(flatten(v, p))
        else:
            out[p] = v
    return out


def deep_merge(base: dict[str, Any], over: Mapping[str, Any], prefix: Path_ = ()) -> dict[str, Any]:
    """A new dict: `over` merged into `base` (mappings merge; lists and ATOMIC paths replace)."""
    out = dict(base)
    for k, v in over.items():
        p = (*prefix, str(k))
        if isinstance(v, Mapping) and isinstance(out.get(k), Mapping) and p not in ATOMIC:
            out[k] = deep_merge(dict(out[k]), v, p)
        else:
            out[k] = copy.deepcopy(v)
    return out


def get_path(data: Mapping[str, Any], p: Path_) -> tuple[bool, Any]:
    """(found, value) at path `p` of nested mappings."""
    cur: Any = data
    for part in p:
        if not isinstance(cur, Mapping) or part not in cur:
            return False, None
        cur = cur[part]
    return True, cur


def layer_errors(exc: ValidationError, layer: Layer) -> list[DativoError]:
    """One DativoError (file, line, DATIVO-DQ001) per problem pydantic found in a layer."""
    out: list[DativoError] = []
    for err in exc.errors():
        loc = tuple(str(x) for x in err["loc"])
        if err["type"] == "extra_forbidden":
            allowed = allowed_keys(DativoConfig, tuple(err["loc"])[:-1])
            msg = f"unknown key `{'.'.join(loc)}`" + (
                f"; allowed here: {', '.join(allowed)}" if allowed else ""
            )
        else:
            text = err["msg"].removeprefix("Value error, ")
            msg = f"`{'.'.join(loc)}`: {text}" if loc else text
            if err["type"] not in ("value_error", "assertion_error") and "input" in err:
                msg += f" (got {json.dumps(err['input'], default=str)})"
        out.append(DativoError(msg, path=layer.path, line=layer.line_of(loc), code=DQ001))
    return out


DBT_VAR = "dativo_dbt_scoring"


def dbt_var_layer(project_dir: str | Path) -> Layer | None:
    """The dbt var `dativo_dbt_scoring` from `<project_dir>/dbt_project.yml` (top-level `vars:` or
    `vars: {dativo_dbt: ...}`) as a layer `{scoring: ...}`, or None when it is not set.

    It is the last layer, so Python scoring uses the parameters the dbt package's SQL scoring uses;
    locks of higher layers apply to it like to any layer."""
    path = Path(project_dir) / "dbt_project.yml"
    if not path.is_file():
        return None
    project = read_layer(path)
    vars_ = project.data.get("vars")
    if not isinstance(vars_, Mapping):
        return None
    prefix: Path_ = ("vars", DBT_VAR)
    value = vars_.get(DBT_VAR)
    if value is None and isinstance(vars_.get("dativo_dbt"), Mapping):
        value = vars_["dativo_dbt"].get(DBT_VAR)
        prefix = ("vars", "dativo_dbt", DBT_VAR)
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise DativoError(
            f"var {DBT_VAR} must be a mapping of scoring settings",
            path=path,
            line=project.line_of(prefix),
            code=DQ001,
        )
    lines = {
        ("scoring", *k[len(prefix) :]): v
        for k, v in project.lines.items()
        if k[: len(prefix)] == prefix
    }
    return Layer(path=path, data={"scoring": dict(value)}, lines=lines)
