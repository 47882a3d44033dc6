"""When a dbt result completed, from its `timing` steps; ISO timestamps compared as numbers."""

from __future__ import annotations

from datetime import datetime, timezone

from dativo_dbt.artifacts.schema import RunResultLean, SourceFreshnessResult


def execute_completed_at(result: RunResultLean | SourceFreshnessResult) -> str | None:
    """When the last `execute` step of a result completed (None without one): the time a check
    reports when its merged entry carries none."""
    completed = None
    for t in result.timing:
        if t.name == "execute":
            completed = t.completed_at
    return completed


def completed_at(result: RunResultLean | SourceFreshnessResult) -> str | None:
    """The first `execute` step's completion, else the last step's that has one: the time
    merging compares."""
    for t in result.timing:
        if t.name == "execute" and t.completed_at:
            return t.completed_at
    for t in reversed(result.timing):
        if t.completed_at:
            return t.completed_at
    return None


def timestamp(value: str | None) -> float:
    """Seconds since the epoch of an ISO time (naive means UTC); -inf when absent or invalid."""
    if not value:
        return float("-inf")
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return float("-inf")
    if dt.tzinfo is None:  # dbt writes naive UTC in some versions
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.timestamp()
