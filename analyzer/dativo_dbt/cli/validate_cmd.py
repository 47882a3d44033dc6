"""`dativo-dbt validate`: check every contract (and its columns against dbt artifacts)."""

from __future__ import annotations

from pathlib import Path

import click

from dativo_dbt.checks.validate import load_contracts
from dativo_dbt.cli import options
from dativo_dbt.contracts.models import QualityChecks
from dativo_dbt.generate.writer import plan


@click.command("validate")
@options.project_dir
@options.contracts_dir
def command(project_dir: Path, contracts_dir: Path | None) -> None:
    """Validate contracts; exit 2 with every problem (file:line: field: message) when invalid.

    The project's target/manifest.json or catalog.json is used when present."""
    directory = contracts_dir or project_dir / "contracts"
    contracts = load_contracts(directory, project_dir=project_dir, display_root=Path.cwd())
    checks = sum(_count(c.contract.quality_checks) for c in contracts)
    if (project_dir / "dbt_project.yml").is_file():
        # every conflict `generate` would hit (models, properties entries, placement); no writes
        plan(project_dir, directory)
    click.echo(f"{len(contracts)} contract(s) valid ({checks} quality checks) in {directory}")


def _count(checks: QualityChecks) -> int:
    """The quality checks of one contract (soda, Great Expectations and custom)."""
    soda = checks.soda.checks if checks.soda else []
    expectations = checks.great_expectations.checks if checks.great_expectations else []
    return len(soda) + len(expectations) + len(checks.custom)
