"""The dbt project file (`dbt_project.yml`) as the analyzer reads it: through the bounded YAML
loader, leniently (a project file that is missing or unreadable reads as None, and each caller
falls back to dbt's defaults)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dativo_dbt.core.errors import DativoError
from dativo_dbt.core.yaml_lines import load_yaml

PROJECT_FILE = "dbt_project.yml"


def read_dbt_project(project_dir: Path) -> dict[str, Any] | None:
    """`<project_dir>/dbt_project.yml` as a mapping; None when missing, unreadable or no mapping."""
    try:
        data = load_yaml(project_dir / PROJECT_FILE)
    except DativoError:
        return None
    return data if isinstance(data, dict) else None


def project_vars(project_dir: Path) -> dict[str, Any]:
    """The project's top-level `vars:` ({} when there are none)."""
    found = (read_dbt_project(project_dir) or {}).get("vars")
    return found if isinstance(found, dict) else {}
