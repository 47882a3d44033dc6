"""Rules every kind of check shares when it becomes a `CheckResult` (docs/INTERFACES.md section 2):
which statuses are scored, dbt severity -> dativo severity, what makes a meta.dativo invalid,
when a check timed out, and the dimension its weight counts under."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dativo_dbt.core.vocabulary import DBT_SEVERITY_TO_SEVERITY, DIMENSIONS, SEVERITIES


@dataclass(frozen=True)
class CheckOptions:
    """What every check builder takes from the configuration (`scoring:`, check timeouts)."""

    severity_weights: Mapping[str, float]
    dimension_weights: Mapping[str, float]
    timeout_seconds: float | None
    manifest_path: str | Path | None = None  # named in error messages

    @property
    def uniq_fold(self) -> bool:
        """Whether `uniqueness` checks count under `consistency` (no `uniqueness` weight)."""
        return "uniqueness" not in self.dimension_weights


SCORED_STATUSES = frozenset({"pass", "fail", "warn", "error"})
_SEV_LOWER = {"ERROR": "error", "error": "error", "WARN": "warn", "warn": "warn"}
_TIMEOUT_RE = re.compile(
    r"time(d)?[ -]?out|statement timeout|canceling statement|query was cancel", re.I
)


def dbt_severity(raw: str | None) -> str:
    """A test's config.severity lower-cased (`error` when unset)."""
    return (_SEV_LOWER.get(raw) or raw.lower()) if raw else "error"


def check_severity(meta_severity: str | None, dbt_sev: str) -> str:
    """meta.dativo.severity (contract `error` means critical), else from the dbt severity."""
    severity = meta_severity or DBT_SEVERITY_TO_SEVERITY.get(dbt_sev, "critical")
    return "critical" if severity == "error" else severity


def meta_problem(dimension: str, severity: str, weight: float | None) -> str | None:
    """Why a check's meta.dativo (its dimension, severity, explicit weight) is invalid, or None."""
    if dimension not in DIMENSIONS:
        return f"meta.dativo.dimension {dimension!r} is not one of {', '.join(DIMENSIONS)}"
    if severity not in SEVERITIES:
        return f"meta.dativo.severity {severity!r} is not one of critical, warning, info"
    if weight is not None and not (math.isfinite(weight) and weight >= 0):
        return "meta.dativo.weight must be a finite number >= 0"
    return None


def timed_out(
    status: str, message: str | None, exec_time: float | None, timeout_seconds: float | None
) -> bool:
    """An error whose message says the query timed out, or a run longer than the timeout."""
    if status == "error" and message and _TIMEOUT_RE.search(message):
        return True
    return timeout_seconds is not None and exec_time is not None and exec_time > timeout_seconds


def scored_dimension(dimension: str, uniq_fold: bool) -> str:
    """The dimension a check's weight counts under: `uniqueness` folds into `consistency` unless
    the dimension weights have their own `uniqueness` key (`uniq_fold` False)."""
    return "consistency" if (uniq_fold and dimension == "uniqueness") else dimension
