"""The report's view objects: plain data that `render.py` turns into one self-contained HTML file."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from dativo_dbt.history.snapshot import CheckSnapshot, ModelSnapshot, RunSnapshot
from dativo_dbt.report import charts


@dataclass
class SampleRows:
    """Failing rows stored by dbt's store_failures (first rows only)."""

    columns: list[str]
    rows: list[list[str]]
    relation: str
    error: str | None = None


@dataclass
class QuarantineSummary:
    """What the quarantine registry holds, per model (optional part of the report)."""

    total_rows: int
    entries: list[dict[str, Any]]  # model, check, rows, status, quarantined_at, expires_at
    columns: list[str] = field(default_factory=list)


@dataclass
class CheckView:
    check: CheckSnapshot
    sample: SampleRows | None = None
    baseline_status: str | None = None
    is_new_failure: bool = False
    recent: list[tuple[str, str]] = field(default_factory=list)  # (when, status), oldest first
    failing_runs: int = 0  # consecutive runs, up to this one, in which the check failed

    @property
    def label(self) -> str:
        return self.check.check or self.check.name


@dataclass
class ModelView:
    model: ModelSnapshot
    anchor: str
    band: str
    checks: list[CheckView]
    counts: dict[str, int]
    dimensions: list[tuple[str, float | None, str]]
    trend_chart: Markup | None
    trend_legend: Markup | None
    sparkline: Markup
    runs_in_history: int
    baseline_score: float | None = None
    delta: float | None = None
    in_baseline: bool = False

    @property
    def search(self) -> str:
        """What the report's search box matches: names, contract, owner, tier, checks."""
        m = self.model
        words = [m.name, m.unique_id, m.contract, m.owner, m.tier]
        for c in m.checks:
            words += [c.check, c.name, c.dimension, c.column]
        return " ".join(w for w in words if w).lower()

    @property
    def state(self) -> str:
        """failing (a check errored/failed), warning (only warns), passing, or untested."""
        if self.counts.get("error") or self.counts.get("fail"):
            return "failing"
        if self.counts.get("warn"):
            return "warning"
        return "passing" if self.counts.get("pass") else "untested"


@dataclass
class DiffView:
    label: str
    overall_baseline: float | None
    overall_delta: float | None
    rows: list[dict[str, Any]]  # name, anchor, score, baseline, delta, tier, baseline_tier
    new_failures: list[dict[str, Any]]  # model, anchor, check, status, baseline_status
    fixed: list[dict[str, Any]]  # model, anchor, check, baseline_status
    added: list[str]
    removed: list[str]


@dataclass
class ReportView:
    run: RunSnapshot
    title: str
    band: str
    ring: Markup
    counts: dict[str, int]
    tiers: dict[str, int]
    gates_passed: int
    gates_failed: int
    gates_none: int
    models: list[ModelView]
    project_chart: Markup | None
    project_legend: Markup | None
    history_runs: int
    history_source: str | None
    diff: DiffView | None
    quarantine: QuarantineSummary | None
    notes: list[str]
    dimension_colors: dict[str, str] = field(default_factory=lambda: dict(charts.DIMENSION_COLORS))
