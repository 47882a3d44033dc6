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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from dativo_dbt.config.discovery import discover
from dativo_dbt.config.layers import (
    Layer,
    Path_,
    dbt_var_layer,
    deep_merge,
    flatten,
    layer_errors,
    read_layer,
)
from dativo_dbt.config.locks import NOT_LOCKABLE, lock_paths, lock_violations
from dativo_dbt.config.model import DativoConfig
from dativo_dbt.core.errors import DativoError, DativoErrors


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


def load_config(
    config_paths: Sequence[str | Path] = (),
    project_dir: str | Path | None = None,
    env: Mapping[str, str] | None = None,
) -> LoadedConfig:
    """Discover, validate, lock-check and merge the layers into the effective config.

    Layers: the dativo.yml files of `discover()`, then the dbt var `dativo_dbt_scoring` of
    `<project_dir>/dbt_project.yml` when set (see `dbt_var_layer`)."""
    layers = [read_layer(p) for p in discover(config_paths, project_dir, env)]
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
        merged = _merge_layer(layer, merged, locks, origin, errors)
    if errors:
        raise errors[0] if len(errors) == 1 else DativoErrors(errors)
    merged["locked"] = sorted({".".join(p) for p, _ in locks})
    config = DativoConfig.model_validate(merged)
    return LoadedConfig(config=config, layers=layers, origin=origin)


def _merge_layer(
    layer: Layer,
    merged: dict[str, Any],
    locks: list[tuple[Path_, Layer]],
    origin: dict[Path_, tuple[Path, int | None]],
    errors: list[DativoError],
) -> dict[str, Any]:
    """`merged` with `layer` merged in, its locks added to `locks` and where its settings come
    from to `origin`; `merged` itself when the layer does not validate (problems in `errors`)."""
    data = {k: v for k, v in layer.data.items() if k not in ("extends",)}
    errors.extend(lock_violations(layer, data, merged, locks))  # locks from earlier layers
    candidate = deep_merge(merged, data)
    candidate.pop("locked", None)
    try:
        DativoConfig.model_validate(candidate)
    except ValidationError as exc:
        errors.extend(layer_errors(exc, layer))
        return merged
    try:
        locks.extend((p, layer) for p in lock_paths(layer))
    except DativoError as exc:
        errors.append(exc)
    for p in flatten(data):
        if p[0] not in NOT_LOCKABLE and p[0] != "layer":
            origin[p] = (layer.path, layer.line_of(p))
    return candidate
