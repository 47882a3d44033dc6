"""Render a `ReportView` into one self-contained HTML file (inline CSS, JS and SVG)."""

from __future__ import annotations

from datetime import datetime, timezone
from importlib import resources

import jinja2
from markupsafe import Markup

from dativo_dbt import __version__
from dativo_dbt.core.errors import DativoError
from dativo_dbt.history.snapshot import STATUS_ORDER
from dativo_dbt.history.timestamps import parse_timestamp
from dativo_dbt.report.views import ReportView

BAND_WORDS = {
    "good": "Good",
    "ok": "Fair",
    "poor": "Needs work",
    "bad": "Poor",
    "none": "Not scored",
}


def _asset(name: str) -> str:
    return (resources.files("dativo_dbt.report") / "templates" / name).read_text(encoding="utf-8")


def when(iso: str | None) -> str:
    """'2026-11-22T05:39:29.624453Z' -> '2026-11-22 05:39 UTC' (unparseable values unchanged)."""
    if not iso:
        return ""
    try:
        moment = parse_timestamp(iso)
    except DativoError:
        return iso
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("dativo_dbt.report", "templates"),
        autoescape=True,  # every value from artifacts, contracts and the warehouse is escaped
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
    )
    env.filters["when"] = when
    return env


def render_html(view: ReportView, *, now: datetime | None = None) -> str:
    """The report as an HTML string."""
    template = _environment().get_template("report.html.j2")
    js = _asset("report.js")
    if "</script" in js.lower():  # pragma: no cover - guards our own static file
        raise AssertionError("report.js must not contain a closing script tag")
    moment = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return template.render(
        view=view,
        css=Markup(_asset("report.css")),
        js=Markup(js),
        version=__version__,
        generated_at=moment.replace(microsecond=0, tzinfo=None).isoformat() + "Z",
        statuses=STATUS_ORDER,
        band_words=BAND_WORDS,
    )
