"""The self-contained HTML quality report (`dativo-dbt report`)."""

from __future__ import annotations

from dativo_dbt.report.build import QuarantineSummary, ReportView, SampleRows, build_report
from dativo_dbt.report.render import render_html, write_atomic

__all__ = [
    "QuarantineSummary",
    "ReportView",
    "SampleRows",
    "build_report",
    "render_html",
    "write_atomic",
]
