"""The options of `score` and `gate`: the run to score, its outputs, and the violation handlers.

@artifact_options          # score and gate: --project-dir ... --quiet
@violation_options         # score only: --notify, --notify-config, --lineage, ...
def command(**kwargs):
    violations = pop_violation_options(kwargs)   # a `tasks.score_hooks.ViolationOptions`
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from dativo_dbt.cli import options
from dativo_dbt.cli.bounds import BoundedFloat, count
from dativo_dbt.cli.options import F, stack
from dativo_dbt.outputs import FORMATS
from dativo_dbt.tasks.score_hooks import ViolationOptions

_PATH = click.Path(path_type=Path)

_INPUTS = (
    click.option(
        "--run-results",
        "run_results",
        multiple=True,
        type=_PATH,
        help="run_results file(s) to merge, latest result per test wins (repeatable) "
        "[default: TARGET_DIR/run_results.json].",
    ),
    click.option(
        "--catalog",
        type=_PATH,
        default=None,
        help="catalog.json for column lists [default: TARGET_DIR/catalog.json when present].",
    ),
    click.option(
        "--no-catalog", is_flag=True, help="Ignore catalog.json (columns from the manifest)."
    ),
    click.option(
        "--sources",
        "sources",
        multiple=True,
        type=_PATH,
        help="sources.json of `dbt source freshness` to score (repeatable, latest result per "
        "source wins) [default: TARGET_DIR/sources.json when present].",
    ),
    click.option(
        "--no-sources", is_flag=True, help="Ignore sources.json (no source freshness checks)."
    ),
)

_GATES_AND_OUTPUTS = (
    click.option(
        "--baseline",
        type=_PATH,
        default=None,
        help="A previous run's target dir (e.g. from main): score deltas, newly failing checks, "
        "tier drops.",
    ),
    click.option(
        "--fail-under",
        type=BoundedFloat(0, 100),
        default=None,
        help="Also fail (exit 1) when the project score is below N (a number from 0 to 100).",
    ),
    click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="Output format (to --output, else stdout).",
    ),
    click.option(
        "--output",
        "-o",
        type=options.FILE,
        default=None,
        help="Write the --format document to FILE (atomically); the terminal still gets the table.",
    ),
    click.option(
        "--limit",
        type=count(),
        default=50,
        show_default=True,
        help="Rows in the table / Markdown (worst first); 0 = all (at most 1,000,000).",
    ),
    click.option("--quiet", "-q", is_flag=True, help="No terminal table when writing --output."),
)

_VIOLATIONS = (
    click.option(
        "--notify", is_flag=True, help="Send contract violation notifications (see `notify`)."
    ),
    options.notify_config,
    click.option(
        "--lineage",
        is_flag=True,
        help="Emit OpenLineage events (transport from openlineage.yml / OPENLINEAGE_* env).",
    ),
    click.option(
        "--lineage-output",
        type=options.FILE,
        default=None,
        help="Emit OpenLineage events to FILE as JSON lines.",
    ),
    click.option(
        "--quarantine",
        is_flag=True,
        help="Register quarantined failing rows in the warehouse registry.",
    ),
)

_VIOLATION_NAMES = ("notify", "notify_config", "lineage", "lineage_output", "quarantine")


def artifact_options(f: F) -> F:
    """The options `score` and `gate` share (in this order in --help)."""
    shared = (options.project_dir, options.target_dir, *_INPUTS, options.config_layers)
    return stack(f, (*shared, *_GATES_AND_OUTPUTS))


def violation_options(f: F) -> F:
    """`--notify`, `--notify-config`, `--lineage`, `--lineage-output`, `--quarantine`."""
    return stack(f, _VIOLATIONS)


def pop_violation_options(kwargs: dict[str, Any]) -> ViolationOptions:
    """Take the violation handler options out of a command's kwargs."""
    return ViolationOptions(**{n: kwargs.pop(n) for n in _VIOLATION_NAMES if n in kwargs})
