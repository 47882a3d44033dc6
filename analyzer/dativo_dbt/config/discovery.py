"""Which `dativo.yml` layer files apply, in merge order (see `config.loader`)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from dativo_dbt.config.layers import DQ001, read_layer
from dativo_dbt.core.errors import DativoError

ENV_ENTERPRISE = "DATIVO_ENTERPRISE_CONFIG"
DEFAULT_FILE = "dativo.yml"


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
