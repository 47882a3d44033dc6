"""`dativo-dbt diff`: classify the changes between two versions of the contracts.

Two directories (`dativo-dbt diff OLD NEW`), or the contracts directory against a git ref
(`dativo-dbt diff --base main`). Exit 1 when a contract has a breaking change without a major
version bump, 0 otherwise, 2 on bad input.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import click

from dativo_dbt.cli import options
from dativo_dbt.core.errors import DativoError, GateFailure
from dativo_dbt.diff import FORMATS, diff_contracts, load_side, render
from dativo_dbt.diff.source import Side, git_side
from dativo_dbt.outputs import write_atomic


@click.command("diff")
@click.argument("old", required=False, type=options.DIRECTORY)
@click.argument("new", required=False, type=options.DIRECTORY)
@click.option("--base", "ref", default=None, help="Compare the contracts against this git ref.")
@options.contracts_dir
@options.project_dir
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option(
    "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here, not stdout."
)
def command(
    old: Path | None,
    new: Path | None,
    ref: str | None,
    contracts_dir: Path | None,
    project_dir: Path,
    fmt: str,
    output: Path | None,
) -> None:
    """Classify contract changes as breaking or not; a breaking change needs a major bump."""
    with contextlib.ExitStack() as stack:
        before, after = _sides(stack, old, new, ref, contracts_dir or project_dir / "contracts")
        result = diff_contracts(
            before.contracts, after.contracts, old_label=before.label, new_label=after.label
        )
    text = render(result, fmt)
    if output is not None:
        write_atomic(output, text)
        click.echo(render(result, "table") if fmt != "table" else text, nl=False)
    else:
        click.echo(text, nl=False)
    if not result.ok:
        raise GateFailure()


def _sides(
    stack: contextlib.ExitStack,
    old: Path | None,
    new: Path | None,
    ref: str | None,
    contracts: Path,
) -> tuple[Side, Side]:
    if ref is not None:
        if old is not None:
            raise DativoError("give either --base REF or two directories OLD NEW, not both")
        return stack.enter_context(git_side(contracts, ref)), load_side(contracts)
    if old is None or new is None:
        raise DativoError("give two contract directories (OLD NEW), or --base REF")
    return load_side(old), load_side(new)
