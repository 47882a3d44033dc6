"""Where the local history store lives and whether `score` records into it.

First match wins for the path: an explicit path (`--history-path`), `$DATIVO_HISTORY_PATH`,
`history: {path: ...}` in the project's `dativo.yml` (relative to the project directory), else
`<project-dir>/.dativo/history.duckdb`. Recording is switched off by `DATIVO_HISTORY=off` or
`history: {enabled: false}`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from dativo_dbt.core.errors import DativoError
from dativo_dbt.core.yaml_lines import load_yaml

DEFAULT_RELATIVE_PATH = Path(".dativo") / "history.duckdb"
ENV_PATH = "DATIVO_HISTORY_PATH"
ENV_ENABLED = "DATIVO_HISTORY"


def _history_config(project_dir: Path) -> dict[str, Any]:
    """The `history:` mapping of `<project_dir>/dativo.yml` ({} when absent)."""
    path = project_dir / "dativo.yml"
    if not path.is_file():
        return {}
    # DativoError naming the file and line (as the config layers report it) when not valid YAML
    data = load_yaml(path, eof_at_open_node=True)
    section = data.get("history") if isinstance(data, dict) else None
    if section is None:
        return {}
    if not isinstance(section, dict):
        raise DativoError("`history` must be a mapping with `path` and/or `enabled`", path=path)
    return section


def resolve_history_path(project_dir: str | Path = ".", explicit: str | Path | None = None) -> Path:
    """Where the local history store of `project_dir` lives (see the module docstring)."""
    project = Path(project_dir)
    if explicit:
        return Path(explicit)
    if os.environ.get(ENV_PATH):
        return Path(os.environ[ENV_PATH])
    configured = _history_config(project).get("path")
    if configured:
        candidate = Path(str(configured)).expanduser()
        return candidate if candidate.is_absolute() else project / candidate
    return project / DEFAULT_RELATIVE_PATH


def history_enabled(project_dir: str | Path = ".") -> bool:
    if os.environ.get(ENV_ENABLED, "").strip().lower() in {"0", "off", "false", "no"}:
        return False
    enabled = _history_config(Path(project_dir)).get("enabled", True)
    return enabled is not False
