"""`dativo-dbt lineage`: emit OpenLineage RunEvents (START + COMPLETE/FAIL per model) for the last run."""

from __future__ import annotations

from pathlib import Path

import click

from dativo_dbt.artifacts.project_nodes import load_nodes
from dativo_dbt.lineage.emit import TRANSPORTS, TransportOptions, emit_events
from dativo_dbt.lineage.run import events_for_run
from dativo_dbt.lineage.scored import load_scores_file, score_run

_DIR = click.Path(file_okay=False, path_type=Path)


@click.command(name="lineage")
@click.option("--project-dir", type=_DIR, default=Path("."), show_default=True, help="dbt project.")
@click.option(
    "--target-dir", type=_DIR, default=None, help="dbt artifacts [default: PROJECT/target]."
)
@click.option("--profiles-dir", type=_DIR, default=None, help="Where profiles.yml is (as dbt).")
@click.option("--target", "dbt_target", default=None, help="profiles.yml target (as dbt).")
@click.option(
    "--scores",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A `dativo-dbt score --format json` document instead of scoring again.",
)
@click.option(
    "--transport",
    type=click.Choice(TRANSPORTS),
    default=None,
    help="console | file | http; default: `file` with --output, else openlineage.yml / OPENLINEAGE_* env.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the events to FILE as JSON lines (one event per line).",
)
@click.option("--url", default=None, help="http transport: the OpenLineage backend URL.")
@click.option(
    "--endpoint", default="api/v1/lineage", show_default=True, help="http transport path."
)
@click.option("--api-key-env", default=None, help="http transport: env var holding the API key.")
@click.option(
    "--openlineage-config",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="An openlineage.yml to use (default lookup: OPENLINEAGE_CONFIG, ./openlineage.yml, ~/.openlineage).",
)
@click.option(
    "--namespace", default=None, help="Dataset namespace override (default: from the profile)."
)
@click.option(
    "--job-namespace", default=None, help="Job namespace [default: $OPENLINEAGE_NAMESPACE or dbt]."
)
def command(
    project_dir: Path,
    target_dir: Path | None,
    profiles_dir: Path | None,
    dbt_target: str | None,
    scores: Path | None,
    transport: str | None,
    output: Path | None,
    url: str | None,
    endpoint: str,
    api_key_env: str | None,
    openlineage_config: Path | None,
    namespace: str | None,
    job_namespace: str | None,
) -> None:
    """Emit OpenLineage events for the last dbt run: per model a START and a COMPLETE, or FAIL when a
    blocking check failed, with the dataQualityAssertions facet and the dativo quality score facet."""
    target_dir = target_dir or project_dir / "target"
    project = load_scores_file(scores) if scores else score_run(project_dir, target_dir)
    nodes = load_nodes(target_dir)
    events = events_for_run(
        project,
        project_dir,
        nodes=nodes,
        profiles_dir=profiles_dir,
        target=dbt_target,
        namespace=namespace,
        job_namespace=job_namespace,
    )
    kind = transport or ("file" if output else ("http" if url else "config"))
    opts = TransportOptions(
        kind=kind,
        output=output,
        url=url,
        endpoint=endpoint,
        api_key_env=api_key_env,
        config_file=openlineage_config,
    )
    count = emit_events(events, opts)
    failed = sum(1 for e in events if e.eventType is not None and e.eventType.value == "FAIL")
    where = f" to {output}" if output else ""
    click.echo(f"emitted {count} OpenLineage events{where} ({failed} FAIL)", err=True)
