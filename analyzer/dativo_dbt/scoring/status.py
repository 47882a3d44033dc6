"""The one vocabulary for a model's gate status, shown identically by `score`, `history` and the
report (and stored in the history): `pass`, `warn` (passed with warning-level findings), `fail`,
or `none` (no gate verdict, e.g. a run read from the warehouse without one)."""

from __future__ import annotations

from typing import Literal

GateStatus = Literal["pass", "warn", "fail", "none"]

# status -> the word printed for it (terminal, history, report); FAIL stands out in a column
LABELS: dict[str, str] = {"pass": "pass", "warn": "warn", "fail": "FAIL", "none": "\u2013"}
# status -> rich style in the terminal
STYLES: dict[str, str] = {"pass": "green", "warn": "yellow", "fail": "bold red", "none": "dim"}


def gate_status(passed: bool | None, warnings: int = 0) -> GateStatus:
    """A model's gate status from its verdict and its number of warning-level findings."""
    if passed is None:
        return "none"
    if not passed:
        return "fail"
    return "warn" if warnings else "pass"


def gate_label(passed: bool | None, warnings: int = 0) -> str:
    """The word shown for that status."""
    return LABELS[gate_status(passed, warnings)]
