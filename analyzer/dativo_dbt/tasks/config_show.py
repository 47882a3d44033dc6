"""`dativo-dbt config show`: the effective dativo.yml configuration as YAML or JSON, or with
`explain` every effective setting and the file:line it comes from."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import yaml

from dativo_dbt.config.loader import LoadedConfig, load_config


def show_config(project_dir: Path, config_paths: Sequence[Path], *, explain: bool, fmt: str) -> str:
    """The document `config show` prints (no trailing newline); `fmt` is `yaml` or `json`."""
    loaded = load_config(config_paths, project_dir=project_dir)
    if explain:
        return _explain(loaded, fmt)
    data = loaded.config.to_dict()
    if fmt == "json":
        return json.dumps(data, indent=2)
    return yaml.safe_dump(data, sort_keys=False).rstrip()


def _explain(loaded: LoadedConfig, fmt: str) -> str:
    rows = loaded.explain()
    if fmt == "json":
        return json.dumps([{"setting": p, "value": v, "source": s} for p, v, s in rows], indent=2)
    layers = ", ".join(str(p) for p in loaded.sources) or "none (defaults)"
    width = max(len(p) for p, _, _ in rows)
    lines = [f"# layers (enterprise first): {layers}"]
    lines += [f"{p.ljust(width)} = {json.dumps(v)}    # {s}" for p, v, s in rows]
    return "\n".join(lines)
