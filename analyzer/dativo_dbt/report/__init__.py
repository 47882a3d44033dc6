"""The self-contained HTML quality report (`dativo-dbt report`): `run.write_report` reads the run,
its history, a baseline and the warehouse (`source.py`, `warehouse.py`), `build.py` assembles the
view (`views.py`, `trends.py`, `diff.py`, `charts.py`) and `render.py` turns it into HTML."""

from __future__ import annotations

from dativo_dbt.report.build import build_report
from dativo_dbt.report.render import render_html
from dativo_dbt.report.views import QuarantineSummary, ReportView, SampleRows

__all__ = [
    "QuarantineSummary",
    "ReportView",
    "SampleRows",
    "build_report",
    "render_html",
]
