"""Find, validate and merge the `dativo.yml` layers (enterprise -> domain -> product).

Which files, in this order (first = enterprise, last = product; a file appears once):
1. `$DATIVO_ENTERPRISE_CONFIG`, when set (the platform team's file, e.g. baked into the CI image);
2. each `--config FILE` in the order given, each preceded by its `extends:` chain
   (`extends: ../platform/dativo.yml`, relative to the file; ancestors first);
3. without `--config`: `<project-dir>/dativo.yml` (and its `extends:` chain) when it exists.

Merging: mappings merge key by key, deeper layers win; lists and `scoring.dimension_weights`
(weights must sum to 1 as a whole) are replaced, never merged.

Locks: `locked: [dotted.path, ...]` in a layer, or `overridable: false` inside a `gates.<tier>`
block, locks that setting for every later layer. A later layer that sets a locked setting to a
different value is error DATIVO-DQ107 naming both files. Setting the same value is allowed.

Every problem (YAML syntax, unknown key, wrong type, weights not summing to 1, unknown provider,
lock) is a `DativoError` naming the file and line (code DATIVO-DQ001, or DQ107 for locks).
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from dativo_dbt.config.model import DativoConfig
from dativo_dbt.core.pydantic_errors import allowed_keys
from dativo_dbt.core.yaml_lines import load_yaml_text
from dativo_dbt.errors import DativoError, DativoErrors

ENV_ENTERPRISE = "DATIVO_ENTERPRISE_CONFIG"
DEFAULT_FILE = "dativo.yml"
#: Paths whose value is replaced as a whole (not merged key by key).
ATOMIC: frozenset[tuple[str, ...]] = frozenset({("scoring", "dimension_weights")})
_NOT_LOCKABLE = frozenset({"locked", "extends", "layer", "version"})
DQ001 = "DATIVO-DQ001"
DQ107 = "DATIVO-DQ107"

Path_ = tuple[str, ...]


@dataclass
class Layer:
    path: Path
    data: dict[str, Any]
    lines: dict[Path_, int]

    def line_of(self, p: Path_) -> int | None:
        for i in range(len(p), 0, -1):
            if p[:i] in self.lines:
                return self.lines[p[:i]]
        return None


@dataclass
class LoadedConfig:
    """The effective config plus where each value came from."""

    config: DativoConfig
    layers: list[Layer] = field(default_factory=list)
    origin: dict[Path_, tuple[Path, int | None]] = field(
        default_factory=dict
    )  # leaf -> (file, line)

    @property
    def sources(self) -> list[Path]:
        return [layer.path for layer in self.layers]

    def explain(self) -> list[tuple[str, Any, str]]:
        """(dotted path, effective value, source) for every effective setting; source is
        `file:line` or `default`."""
        rows: list[tuple[str, Any, str]] = []
        for p, value in flatten(self.config.to_dict()).items():
            src = "default"
            for q, (f, line) in self.origin.items():
                if q == p or q[: len(p)] == p or p[: len(q)] == q:
                    src = f"{f}:{line}" if line else str(f)
            rows.append((".".join(p), value, src))
        return rows


def _compose_lines(node: yaml.Node | None, prefix: Path_, out: dict[Path_, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = (*prefix, str(k.value))
            out[key] = k.start_mark.line + 1
            _compose_lines(v, key, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            key = (*prefix, str(i))
            out[key] = item.start_mark.line + 1
            _compose_lines(item, key, out)


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
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        # bounded (aliases, integers), duplicate keys refused: see core/yaml_lines.py
        data = load_yaml_text(text, str(path))
    except DativoError as exc:
        raise DativoError(exc.message, path=path, line=exc.line, code=DQ001) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        if mark is not None and mark.line >= len(
            text.splitlines()
        ):  # at end of file: where it began
            mark = getattr(exc, "context_mark", None) or mark
        problem = getattr(exc, "problem", None) or str(exc)
        raise DativoError(
            f"invalid YAML: {problem}",
            path=path,
            line=(mark.line + 1) if mark else None,
            code=DQ001,
        ) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise DativoError(
            "a dativo.yml must be a mapping of settings", path=path, line=1, code=DQ001
        )
    lines: dict[Path_, int] = {}
    _compose_lines(node, (), lines)
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


def _get(data: Mapping[str, Any], p: Path_) -> tuple[bool, Any]:
    cur: Any = data
    for part in p:
        if not isinstance(cur, Mapping) or part not in cur:
            return False, None
        cur = cur[part]
    return True, cur


def _extends_chain(path: Path, seen: list[Path]) -> list[Path]:
    """`path`'s ancestors by `extends:` (root first), then `path`."""
    chain: list[Path] = []
    cur: Path | None = path
    visiting: list[Path] = []
    while cur is not None:
        rp = cur.resolve()
        if rp in visiting:
            raise DativoError(
                "`extends:` cycle: " + " -> ".join(str(p) for p in [*visiting, rp]),
                path=cur,
                code=DQ001,
            )
        visiting.append(rp)
        chain.append(cur)
        layer = read_layer(cur)
        parent = layer.data.get("extends")
        if parent is None:
            cur = None
        elif not isinstance(parent, str):
            raise DativoError(
                "`extends` must be a path (string)",
                path=cur,
                line=layer.lines.get(("extends",)),
                code=DQ001,
            )
        else:
            cur = Path(os.path.normpath(cur.parent / parent))
            if not cur.is_file():
                raise DativoError(
                    f"`extends: {parent}` not found ({cur})",
                    path=chain[-1],
                    line=layer.lines.get(("extends",)),
                    code=DQ001,
                )
    return list(reversed(chain))


def discover(
    config_paths: Sequence[str | Path] = (),
    project_dir: str | Path | None = None,
    env: Mapping[str, str] | None = None,
) -> list[Path]:
    """The layer files in merge order (see module docstring)."""
    env = os.environ if env is None else env
    ordered: list[Path] = []
    ent = env.get(ENV_ENTERPRISE)
    if ent:
        p = Path(ent)
        if not p.is_file():
            raise DativoError(f"${ENV_ENTERPRISE} points to a missing file", path=p, code=DQ001)
        ordered.extend(_extends_chain(p, ordered))
    if config_paths:
        for raw in config_paths:
            p = Path(raw)
            if not p.is_file():
                raise DativoError("config file not found (--config)", path=p, code=DQ001)
            ordered.extend(_extends_chain(p, ordered))
    elif project_dir is not None and (Path(project_dir) / DEFAULT_FILE).is_file():
        ordered.extend(_extends_chain(Path(project_dir) / DEFAULT_FILE, ordered))
    unique: list[Path] = []
    seen: set[Path] = set()
    for p in ordered:
        rp = p.resolve()
        if rp not in seen:
            seen.add(rp)
            unique.append(p)
    return unique


def _validation_errors(exc: ValidationError, layer: Layer) -> list[DativoError]:
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


def _lock_paths(layer: Layer) -> list[Path_]:
    out: list[Path_] = []
    locked = layer.data.get("locked") or []
    if not isinstance(locked, list) or not all(isinstance(x, str) for x in locked):
        raise DativoError(
            "`locked` must be a list of dotted setting paths",
            path=layer.path,
            line=layer.line_of(("locked",)),
            code=DQ001,
        )
    defaults = flatten(DativoConfig().to_dict())
    for item in locked:
        p = tuple(item.split("."))
        if p[0] in _NOT_LOCKABLE or not any(q[: len(p)] == p or p[: len(q)] == q for q in defaults):
            raise DativoError(
                f"`locked`: unknown setting `{item}`",
                path=layer.path,
                line=layer.line_of(("locked",)),
                code=DQ001,
            )
        out.append(p)
    gates = layer.data.get("gates")
    if isinstance(gates, Mapping):
        for tier, block in gates.items():
            if isinstance(block, Mapping) and block.get("overridable") is False:
                out.append(("gates", str(tier)))
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


def load_config(
    config_paths: Sequence[str | Path] = (),
    project_dir: str | Path | None = None,
    env: Mapping[str, str] | None = None,
) -> LoadedConfig:
    """Discover, validate, lock-check and merge the layers into the effective config.

    Layers: the dativo.yml files of `discover()`, then the dbt var `dativo_dbt_scoring` of
    `<project_dir>/dbt_project.yml` when set (see `dbt_var_layer`)."""
    files = discover(config_paths, project_dir, env)
    layers = [read_layer(p) for p in files]
    if project_dir is not None:
        var_layer = dbt_var_layer(project_dir)
        if var_layer is not None:
            layers.append(var_layer)
    merged: dict[str, Any] = DativoConfig().to_dict()  # layers merge over the defaults
    merged.pop("locked", None)
    locks: list[tuple[Path_, Layer]] = []
    origin: dict[Path_, tuple[Path, int | None]] = {}
    errors: list[DativoError] = []
    for layer in layers:
        data = {k: v for k, v in layer.data.items() if k not in ("extends",)}
        # Locks from earlier layers.
        for p, leaf_value in flatten(data).items():
            if p[0] in _NOT_LOCKABLE:
                continue
            for lp, owner in locks:
                if p[: len(lp)] == lp or lp[: len(p)] == p:
                    _, before = _get(merged, p)
                    if before != leaf_value:
                        errors.append(
                            DativoError(
                                f"`{'.'.join(p)}` overrides `{'.'.join(lp)}`, which is locked by "
                                f"{owner.path}:{owner.line_of(lp) or 1}; remove the override (locked value: "
                                f"{json.dumps(_get(merged, lp)[1], default=str)})",
                                path=layer.path,
                                line=layer.line_of(p),
                                code=DQ107,
                            )
                        )
                    break
        candidate = deep_merge(merged, data)
        candidate.pop("locked", None)
        try:
            DativoConfig.model_validate(candidate)
        except ValidationError as exc:
            errors.extend(_validation_errors(exc, layer))
            continue
        try:
            locks.extend((p, layer) for p in _lock_paths(layer))
        except DativoError as exc:
            errors.append(exc)
        merged = candidate
        for p in flatten(data):
            if p[0] not in _NOT_LOCKABLE and p[0] != "layer":
                origin[p] = (layer.path, layer.line_of(p))
    if errors:
        raise errors[0] if len(errors) == 1 else DativoErrors(errors)
    merged["locked"] = sorted({".".join(p) for p, _ in locks})
    config = DativoConfig.model_validate(merged)
    return LoadedConfig(config=config, layers=layers, origin=origin)
