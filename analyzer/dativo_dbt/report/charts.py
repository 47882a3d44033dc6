"""Inline SVG charts for the HTML report (no JavaScript, no network: plain markup).

Every text that reaches the SVG goes through `markupsafe.escape`; the functions return `Markup`
so the template inserts them as is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

DIMENSION_COLORS = {
    "completeness": "#2563eb",
    "accuracy": "#9333ea",
    "validity": "#0891b2",
    "consistency": "#ea580c",
    "timeliness": "#16a34a",
    "uniqueness": "#db2777",
}
SCORE_COLOR = "#0f172a"


def score_band(score: float | None) -> str:
    """CSS class name for a score: good (>= 90), ok (>= 75), poor (>= 60), bad, none."""
    if score is None:
        return "none"
    if score >= 90:
        return "good"
    if score >= 75:
        return "ok"
    if score >= 60:
        return "poor"
    return "bad"


_BAND_COLORS = {
    "good": "#16a34a",
    "ok": "#65a30d",
    "poor": "#d97706",
    "bad": "#dc2626",
    "none": "#94a3b8",
}


def fmt_score(score: float | None) -> str:
    return "\u2013" if score is None else f"{score:.1f}"


def score_ring(score: float | None, size: int = 120, label: str = "score") -> Markup:
    """A donut gauge 0..100 with the score in its centre."""
    stroke = max(6, size // 10)
    radius = (size - stroke) / 2
    circumference = 2 * 3.141592653589793 * radius
    fraction = 0.0 if score is None else max(0.0, min(100.0, score)) / 100
    color = _BAND_COLORS[score_band(score)]
    c = size / 2
    return Markup(
        f'<svg class="ring" width="{size}" height="{size}" viewBox="0 0 {size} {size}" role="img"'
        f' aria-label="{escape(label)} {escape(fmt_score(score))}">'
        f"<title>{escape(label)}: {escape(fmt_score(score))}</title>"
        f'<circle cx="{c}" cy="{c}" r="{radius:.2f}" fill="none" stroke="#e2e8f0"'
        f' stroke-width="{stroke}"/>'
        f'<circle cx="{c}" cy="{c}" r="{radius:.2f}" fill="none" stroke="{color}"'
        f' stroke-width="{stroke}" stroke-linecap="round"'
        f' stroke-dasharray="{circumference * fraction:.2f} {circumference:.2f}"'
        f' transform="rotate(-90 {c} {c})"/>'
        f'<text x="{c}" y="{c}" text-anchor="middle" dominant-baseline="central"'
        f' font-size="{size * 0.26:.0f}" font-weight="700" fill="{color}">'
        f"{escape(fmt_score(score))}</text></svg>"
    )


@dataclass
class Series:
    """One line of a chart: a label, a colour and one value per x position (None = gap)."""

    label: str
    color: str
    values: Sequence[float | None]
    width: float = 2.0
    dashed: bool = False
    css_class: str = ""  # e.g. "ink": drawn in the page's text colour (light and dark themes)


@dataclass(frozen=True)
class _Frame:
    """A chart's plot area: where value v of point i goes."""

    width: int
    height: int
    n: int
    left: int = 36
    right: int = 12
    top: int = 12
    bottom: int = 28

    def x_at(self, i: int) -> float:
        plot_w = self.width - self.left - self.right
        return self.left + (plot_w / 2 if self.n <= 1 else i * plot_w / (self.n - 1))

    def y_at(self, v: float) -> float:
        plot_h = self.height - self.top - self.bottom
        return self.top + plot_h * (1 - max(0.0, min(100.0, v)) / 100)


def line_chart(
    x_labels: Sequence[str],
    series: Sequence[Series],
    *,
    x_titles: Sequence[str] | None = None,
    width: int = 640,
    height: int = 220,
    threshold: float | None = None,
    title: str = "score over time",
) -> Markup:
    """A 0..100 line chart with grid, x labels, point tooltips, an optional threshold and legend."""
    frame = _Frame(width, height, len(x_labels))
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img"'
        f' preserveAspectRatio="xMidYMid meet" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
    ]
    parts += _axes(frame, x_labels)
    if threshold is not None:
        y = frame.y_at(threshold)
        parts.append(
            f'<line x1="{frame.left}" x2="{width - frame.right}" y1="{y:.1f}" y2="{y:.1f}"'
            f' class="threshold"><title>gate minimum {escape(fmt_score(threshold))}</title></line>'
        )
    titles = list(x_titles) if x_titles is not None else list(x_labels)
    for s in series:
        parts += _series_marks(frame, s, titles)
    parts.append("</svg>")
    return Markup("".join(parts))


def _axes(frame: _Frame, x_labels: Sequence[str]) -> list[str]:
    """The horizontal grid with its 0..100 ticks, and at most ~8 x labels."""
    parts = []
    for tick in (0, 25, 50, 75, 100):
        y = frame.y_at(tick)
        parts.append(
            f'<line x1="{frame.left}" x2="{frame.width - frame.right}" y1="{y:.1f}" y2="{y:.1f}"'
            f' class="grid"/><text x="{frame.left - 6}" y="{y:.1f}" class="axis"'
            f' text-anchor="end" dominant-baseline="central">{tick}</text>'
        )
    n = frame.n
    step = max(1, -(-n // 8))
    for i, label in enumerate(x_labels):
        if (i % step == 0 and i <= n - 1 - step / 2) or i == n - 1:
            anchor = (
                "middle" if n == 1 else ("start" if i == 0 else "end" if i == n - 1 else "middle")
            )
            parts.append(
                f'<text x="{frame.x_at(i):.1f}" y="{frame.height - 8}" class="axis"'
                f' text-anchor="{anchor}">{escape(label)}</text>'
            )
    return parts


def _series_marks(frame: _Frame, s: Series, titles: Sequence[str]) -> list[str]:
    """One series: a polyline per run of consecutive values (None breaks it), a dot per value."""
    segments: list[list[tuple[int, float]]] = [[]]
    for i, v in enumerate(s.values):
        if v is None:
            if segments[-1]:
                segments.append([])
        else:
            segments[-1].append((i, v))
    dash = ' stroke-dasharray="5 4"' if s.dashed else ""
    cls = f' class="{s.css_class}"' if s.css_class else ""
    parts = []
    for seg in segments:
        if len(seg) > 1:
            coords = " ".join(f"{frame.x_at(i):.1f},{frame.y_at(v):.1f}" for i, v in seg)
            parts.append(
                f'<polyline points="{coords}" fill="none" stroke="{s.color}"'
                f' stroke-width="{s.width}" stroke-linejoin="round"{dash}{cls}/>'
            )
    for i, v in enumerate(s.values):
        if v is not None:
            parts.append(
                f'<circle cx="{frame.x_at(i):.1f}" cy="{frame.y_at(v):.1f}"'
                f' r="{s.width + 1.5:.1f}" fill="{s.color}"{cls}><title>{escape(s.label)} · '
                f"{escape(titles[i])}: {escape(fmt_score(v))}</title></circle>"
            )
    return parts


def legend(series: Sequence[Series]) -> Markup:
    items = "".join(
        f'<span class="legend-item"><i style="background:{s.color}"'
        f"{f' class={chr(34)}{s.css_class}{chr(34)}' if s.css_class else ''}></i>"
        f"{escape(s.label)}</span>"
        for s in series
    )
    return Markup(f'<div class="legend">{items}</div>')


def sparkline(values: Sequence[float | None], width: int = 96, height: int = 24) -> Markup:
    """A tiny 0..100 trend line for tables (the last point marked)."""
    pts = [(i, v) for i, v in enumerate(values) if v is not None]
    if not pts:
        return Markup("")
    n = len(values)

    def xy(i: int, v: float) -> tuple[float, float]:
        x = 2 + (width - 4) * (0.5 if n <= 1 else i / (n - 1))
        y = 2 + (height - 4) * (1 - max(0.0, min(100.0, v)) / 100)
        return x, y

    coords = " ".join("{:.1f},{:.1f}".format(*xy(i, v)) for i, v in pts)
    lx, ly = xy(*pts[-1])
    color = _BAND_COLORS[score_band(pts[-1][1])]
    line = (
        f'<polyline points="{coords}" fill="none" stroke="#64748b" stroke-width="1.5"/>'
        if len(pts) > 1
        else ""
    )
    label = ", ".join(fmt_score(v) for v in values)
    return Markup(
        f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        f' role="img" aria-label="trend {escape(label)}"><title>{escape(label)}</title>{line}'
        f'<circle cx="{lx:.1f}" cy="{ly:.1f}" r="2.5" fill="{color}"/></svg>'
    )
