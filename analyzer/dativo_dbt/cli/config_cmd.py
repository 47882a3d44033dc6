"""`dativo-dbt config show [--explain]`: the effective dativo.yml configuration and its sources."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.group("config")
def command() -> None:
    """Inspect the dativo.yml configuration layers (enterprise -> domain -> product)."""


@command.command("show")
@click.option(
    "--project-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
)
@click.option(
    "--config",
    "config_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="dativo.yml layer(s), enterprise first (repeatable).",
)
@click.option(
    "--explain",
    is_flag=True,
    help="Print every effective setting with the file:line it comes from.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True
)
def show(project_dir: Path, config_paths: tuple[Path, ...], explain: bool, fmt: str) -> None:
    """Print the effective configuration (after merging layers and checking locks)."""
    import yaml

    from dativo_dbt.config.loader import load_config

    loaded = load_config(config_paths, project_dir=project_dir)
    if explain:
        rows = loaded.explain()
        if fmt == "json":
            click.echo(
                json.dumps([{"setting": p, "value": v, "source": s} for p, v, s in rows], indent=2)
            )
            return
        click.echo(
            "# layers (enterprise first): "
            + (", ".join(str(p) for p in loaded.sources) or "none (defaults)")
        )
        width = max(len(p) for p, _, _ in rows)
        for p, v, s in rows:
            click.echo(f"{p.ljust(width)} = {json.dumps(v)}    # {s}")
        return
    data = loaded.config.to_dict()
    if fmt == "json":
        click.echo(json.dumps(data, indent=2))
    else:
        click.echo(yaml.safe_dump(data, sort_keys=False).rstrip())
