"""`dativo-dbt validate`: check every contract (and its columns against dbt artifacts)."""

from __future__ import annotations

from pathlib import Path

import click

from dativo_dbt.checks.validate import load_contracts
from dativo_dbt.generate.builder import build_tests
from dativo_dbt.generate.writer import plan


@click.command("validate")
@click.option(
    "--project-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The dbt project (its target/manifest.json or catalog.json is used when present).",
)
@click.option(
    "--contracts",
    "contracts_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Contracts directory (default: <project-dir>/contracts).",
)
def command(project_dir: Path, contracts_dir: Path | None) -> None:
    """Validate contracts; exit 2 with every problem (file:line: field: message) when invalid."""
    directory = contracts_dir or project_dir / "contracts"
    contracts = load_contracts(
        directory, build_tests=build_tests, project_dir=project_dir, display_root=Path.cwd()
    )
    checks = sum(
        len(c.contract.quality_checks.soda.checks if c.contract.quality_checks.soda else [])
        + len(
            c.contract.quality_checks.great_expectations.checks
            if c.contract.quality_checks.great_expectations
            else []
        )
        + len(c.contract.quality_checks.custom)
        for c in contracts
    )
    if (project_dir / "dbt_project.yml").is_file():
        # every conflict `generate` would hit (models, properties entries, placement); no writes
        plan(project_dir, directory)
    click.echo(f"{len(contracts)} contract(s) valid ({checks} quality checks) in {directory}")
