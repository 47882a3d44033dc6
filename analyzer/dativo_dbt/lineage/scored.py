"""The scored run the violation handlers work from: a `score --format json` document (`--scores`)
or, by default, `dativo_dbt.scoring.score_project` over the project's target/ artifacts."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import msgspec

from dativo_dbt.errors import DativoError
from dativo_dbt.scoring.models import ProjectScore


def load_scores_file(path: Path) -> ProjectScore:
    try:
        return msgspec.json.decode(path.read_bytes(), type=ProjectScore)
    except FileNotFoundError:
        raise DativoError("scores file not found", path=path) from None
    except (OSError, msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise DativoError(
            f"not a `dativo-dbt score --format json` document: {exc}", path=path
        ) from None


def _load_config(project_dir: Path) -> Any:
    """The effective dativo.yml configuration (issue #4's `dativo_dbt.config.load_config`), or None
    for the documented defaults when that loader is not available."""
    try:
        from dativo_dbt import config as config_mod
    except ImportError:
        return None
    load_config: Any = getattr(config_mod, "load_config", None)
    if load_config is None:
        return None
    params = inspect.signature(load_config).parameters
    if "project_dir" in params:
        return load_config(project_dir=project_dir)
    return load_config(project_dir)


def score_run(project_dir: Path, target_dir: Path | None = None) -> ProjectScore:
    """Score the project's last run with the scoring API (`dativo_dbt.scoring.api.score_project`)."""
    from dativo_dbt.scoring.api import score_project

    return score_project(target_dir or project_dir / "target", _load_config(project_dir))
