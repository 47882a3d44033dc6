"""A scored run for the commands that work from one (report, notify, lineage, quarantine): a
`dativo-dbt score --format json` document (`--scores`), or the run in the target directory scored
now with the project's dativo.yml layers."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import msgspec

from dativo_dbt.config.loader import load_config
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


def score_or_load(
    project_dir: Path,
    target_dir: Path | None = None,
    *,
    scores: Path | None = None,
    config_paths: Sequence[Path] = (),
) -> ProjectScore:
    """The `scores` document when given, else the run in `target_dir` (default PROJECT/target)
    scored with the dativo.yml layers `config_paths` and the project's own."""
    if scores is not None:
        return load_scores_file(scores)
    config = load_config(list(config_paths), project_dir=project_dir)
    return score_project(target_dir or project_dir / "target", config)
