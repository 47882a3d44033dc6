"""Locks: `locked: [dotted.path, ...]` in a layer, or `overridable: false` in a `gates.<tier>`
block, lock a setting for every later layer (DATIVO-DQ107 when a later layer changes it)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from dativo_dbt.config.layers import DQ001, Layer, Path_, flatten, get_path
from dativo_dbt.config.model import DativoConfig
from dativo_dbt.core.errors import DativoError

#: top-level keys that are no settings (never locked, never recorded as an origin)
NOT_LOCKABLE = frozenset({"locked", "extends", "layer", "version"})
DQ107 = "DATIVO-DQ107"


def lock_paths(layer: Layer) -> list[Path_]:
    """The setting paths a layer locks (raises DativoError for a bad `locked:`)."""
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
        if p[0] in NOT_LOCKABLE or not any(q[: len(p)] == p or p[: len(q)] == q for q in defaults):
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


def lock_violations(
    layer: Layer,
    data: Mapping[str, Any],
    merged: Mapping[str, Any],
    locks: list[tuple[Path_, Layer]],
) -> list[DativoError]:
    """`data` of `layer` changing a setting an earlier layer locked (`merged`: the earlier layers)."""
    errors: list[DativoError] = []
    for p, leaf_value in flatten(data).items():
        if p[0] in NOT_LOCKABLE:
            continue
        for lp, owner in locks:
            if p[: len(lp)] == lp or lp[: len(p)] == p:
                _, before = get_path(merged, p)
                if before != leaf_value:
                    errors.append(
                        DativoError(
                            f"`{'.'.join(p)}` overrides `{'.'.join(lp)}`, which is locked by "
                            f"{owner.path}:{owner.line_of(lp) or 1}; remove the override (locked value: "
                            f"{json.dumps(get_path(merged, lp)[1], default=str)})",
                            path=layer.path,
                            line=layer.line_of(p),
                            code=DQ107,
                        )
                    )
                break
    return errors
