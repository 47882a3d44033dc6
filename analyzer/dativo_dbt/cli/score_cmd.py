"""`dativo-dbt score`: quality scores and gates from dbt artifacts (exit 0 pass, 1 gate fails, 2 bad input)."""

from __future__ import annotations

import gc
from typing import Any

import click

from dativo_dbt.cli.cloud_options import dbt_cloud_options, pop_cloud_run
from dativo_dbt.cli.main import keep_until_exit
from dativo_dbt.cli.score_options import artifact_options, pop_violation_options, violation_options
from dativo_dbt.core.errors import GateFailure
from dativo_dbt.tasks.score import ScoreRequest, run_score


def run(request: ScoreRequest) -> None:
    """`score` / `gate`: check the options, score, exit 1 (GateFailure) when a gate fails."""
    # A short-lived process building ~10 objects per dbt test: cyclic GC passes only cost time.
    gc.disable()
    if not request.project_dir.is_dir():
        raise click.BadParameter(
            f"{request.project_dir} is not a directory", param_hint="--project-dir"
        )
    if request.no_sources and request.sources:
        raise click.UsageError("--sources cannot be combined with --no-sources")
    project = run_score(request, keep=keep_until_exit)
    if not project.summary.gate_passed:
        raise GateFailure()


@click.command("score")
@artifact_options
@dbt_cloud_options
@violation_options
def command(**kwargs: Any) -> None:
    """Score every model's quality from dbt artifacts and enforce the quality gates.

    Reads TARGET_DIR/manifest.json and run_results.json (and catalog.json and sources.json when
    present) after `dbt build` (and `dbt source freshness`), or a dbt Cloud run's artifacts with
    --dbt-cloud-run RUN_ID.
    Exit codes: 0 all gates pass, 1 a gate fails (or --fail-under), 2 bad input.
    """
    cloud = pop_cloud_run(kwargs)
    violations = pop_violation_options(kwargs)
    if cloud is not None and (kwargs["target_dir"] is not None or kwargs["run_results"]):
        raise click.UsageError(
            "--dbt-cloud-run cannot be combined with --target-dir or --run-results"
        )
    run(ScoreRequest(cloud=cloud, violations=violations, **kwargs))
