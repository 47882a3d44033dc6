"""The scored run the violation handlers work from (`scoring.scored.score_or_load`), with the
manifest's nodes."""

from __future__ import annotations

from pathlib import Path

from dativo_dbt.artifacts.project_nodes import ProjectNodes, load_nodes
from dativo_dbt.scoring.models import ProjectScore
from dativo_dbt.scoring.scored import score_or_load


def scored_run(
    project_dir: Path, target_dir: Path | None = None, scores: Path | None = None
) -> tuple[ProjectScore, ProjectNodes]:
    """The run to handle (the `scores` document, else scored now) and the manifest's nodes."""
    target_dir = target_dir or project_dir / "target"
    return score_or_load(project_dir, target_dir, scores=scores), load_nodes(target_dir)
