"""`dativo-dbt diff`: compare two versions of the contracts and classify every change.

`load_side` reads one version (a directory, or a git ref's copy of it), `diff_contracts` pairs the
contracts by name and classifies each change as breaking or not, `render` writes table, JSON,
Markdown or SARIF. A breaking change needs a major version bump of its contract.
"""

from __future__ import annotations

from dativo_dbt.diff.classify import diff_contracts
from dativo_dbt.diff.model import Change, ContractDiff, DiffResult
from dativo_dbt.diff.render import FORMATS, render
from dativo_dbt.diff.source import load_side

__all__ = [
    "FORMATS",
    "Change",
    "ContractDiff",
    "DiffResult",
    "diff_contracts",
    "load_side",
    "render",
]
