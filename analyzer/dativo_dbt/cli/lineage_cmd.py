"""`dativo-dbt lineage`: emit OpenLineage RunEvents (START + COMPLETE/FAIL per model) for the last run."""

from __future__ import annotations

from pathlib import Path

import click

from dativo_dbt.cli import options
from dativo_dbt.lineage.emit import TRANSPORTS, TransportOptions, transport_kind
from dativo_dbt.lineage.run import emit_last_run


@click.command(name="lineage")
@options.project_dir
@options.target_dir
@options.profiles
@options.scores
@click.option(
    "--transport",
    type=click.Choice(TRANSPORTS),
    default=None,
    help="console | file | http; default: `file` with --output, else openlineage.yml / OPENLINEAGE_* env.",
)
@click.option(
    "--output",
    "-o",
    type=options.FILE,
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
    type=options.FILE,
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
    opts = TransportOptions(
        kind=transport_kind(transport, output, url),
        output=output,
        url=url,
        endpoint=endpoint,
        api_key_env=api_key_env,
        config_file=openlineage_config,
    )
    count, failed = emit_last_run(
        project_dir,
        opts,
        target_dir=target_dir,
        scores=scores,
        profiles_dir=profiles_dir,
        target=dbt_target,
        namespace=namespace,
        job_namespace=job_namespace,
    )
    where = f" to {output}" if output else ""
    click.echo(f"emitted {count} OpenLineage events{where} ({failed} FAIL)", err=True)
