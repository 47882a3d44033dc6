"""`dativo-dbt gate`: quality gates only (the verdict per model, exit 1 when a gate fails)."""

from __future__ import annotations

from typing import Any

import click

from dativo_dbt.cli.score_cmd import run
from dativo_dbt.cli.score_options import artifact_options
from dativo_dbt.tasks.score import ScoreRequest


@click.command("gate")
@artifact_options
def command(**kwargs: Any) -> None:
    """Enforce the quality gates (tiers, coverage, required tests, min scores).

    Same inputs as `score`; the output lists only gate verdicts and violations.
    Exit codes: 0 all gates pass, 1 a gate fails, 2 bad input.
    """
    run(ScoreRequest(gate_only=True, **kwargs))
