"""The scored run the violation handlers work from: a `score --format json` document (`--scores`)
or, by default, `dativo_dbt.scoring.api.score_project` over the project's target/ artifacts, with the
manifest's nodes."""

from __future__ import annotations

from pathlib import Path

import msgspec

from dativo_dbt.artifacts.project_nodes import ProjectNodes, load_nodes
from dativo_dbt.config import load_config
from dativo_dbt.core.errors import DativoError
from dativo_dbt.scoring.api import score_project
from dativo_dbt.scoring.models import ProjectScore


def load_scores_file(path: Path) -> ProjectScore:
    """A `dativo-dbt score --format json` document (DativoError naming the file otherwise)."""
    try:
        return msgspec.json.decode(path.read_bytes(), type=ProjectScore)
    except FileNotFoundError:
        raise DativoError("scores file not found", path=path) from None
    except (OSError, msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise DativoError(
            f"not a `dativo-dbt score --format json` document: {exc}", path=path
        ) from None


def score_run(project_dir: Path, target_dir: Path | None = None) -> ProjectScore:
    """Score the project's last run with the scoring API and the project's dativo.yml layers."""
    return score_project(target_dir or project_dir / "target", load_config(project_dir=project_dir))


def scored_run(
    project_dir: Path, target_dir: Path | None = None, scores: Path | None = None
) -> tuple[ProjectScore, ProjectNodes]:
    """The run to handle (the `scores` document, else scored now) and the manifest's nodes."""
    target_dir = target_dir or project_dir / "target"
    project = load_scores_file(scores) if scores else score_run(project_dir, target_dir)
    return project, load_nodes(target_dir)
