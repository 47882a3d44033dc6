"""`--format markdown`: a pull-request comment (GitHub/GitLab flavoured Markdown).

Starts with the marker `<!-- dativo-dbt score -->` so a CI step can update its previous comment.
"""

from __future__ import annotations

from dativo_dbt.outputs.common import deltas, fmt_delta, fmt_score, ordered_models
from dativo_dbt.scoring.models import ModelScore, ProjectScore
from dativo_dbt.scoring.status import gate_status

MARKER = "<!-- dativo-dbt score -->"

# gate status (dativo_dbt.scoring.status, the words `score` prints) -> icon
_ICONS = {"pass": "✅", "warn": "⚠️", "fail": "❌", "none": "-"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _headline(project: ProjectScore) -> list[str]:
    """The title (project score, delta vs baseline) and the counts line."""
    s = project.summary
    icon = "✅" if s.gate_passed else "❌"
    head = f"## {icon} Data quality: {fmt_score(s.score)}"
    if project.baseline is not None and project.baseline.summary_delta is not None:
        head += f" ({fmt_delta(project.baseline.summary_delta)} vs baseline)"
    counts = (
        f"Gates passed for **{s.models_passed}/{s.models_total}** models · "
        f"{s.checks_passed}/{s.checks_scored} checks passed · {s.checks_error} errored · "
        f"{s.checks_skipped} skipped · {s.checks_not_run} not run · formula v{project.formula_version}"
        + (f" · fail-under {s.fail_under:g}" if s.fail_under is not None else "")
    )
    return [head, "", counts, ""]


def _baseline_changes(project: ProjectScore, limit: int) -> list[str]:
    """Newly failing checks and tier drops vs the baseline (nothing when there are none)."""
    b = project.baseline
    if b is None or not (b.new_failures or b.tier_drops):
        return []
    out = ["### Changes vs baseline", ""]
    for f in b.new_failures[:limit]:
        was = f"was {f.baseline_status}" if f.baseline_status else "new check"
        out.append(
            f"- ❌ newly failing: `{_cell(f.check)}` on `{f.model_unique_id}` ({f.status}; {was})"
        )
    if len(b.new_failures) > limit:
        out.append(f"- … and {len(b.new_failures) - limit} more newly failing checks")
    out.extend(f"- ⬇️ tier dropped: `{uid}`" for uid in b.tier_drops)
    out.append("")
    return out


def _model_rows(project: ProjectScore, models: list[ModelScore], limit: int) -> list[str]:
    """The table of models with findings, a changed score or failing checks."""
    dmap = deltas(project)
    interesting = [
        m
        for m in models
        if m.gate.violations or (dmap.get(m.unique_id) or 0) != 0 or m.checks_failed
    ]
    if not interesting:
        return ["All models pass their gates with every check passing.", ""]
    out = ["| | model | tier | score | Δ | checks | findings |", "|---|---|---|---:|---:|---:|---|"]
    for m in interesting[:limit]:
        warnings = sum(1 for v in m.gate.violations if v.level == "warning")
        icon = _ICONS[gate_status(m.gate.passed, warnings)]
        findings = "<br>".join(_cell(f"{v.code}: {v.message}") for v in m.gate.violations[:5])
        out.append(
            f"| {icon} | `{_cell(m.name)}` | {m.tier or '-'} | {fmt_score(m.score)} | "
            f"{fmt_delta(dmap.get(m.unique_id))} | {m.checks_passed}/{m.checks_scored} | {findings} |"
        )
    if len(interesting) > limit:
        out.append(
            f"\n… and {len(interesting) - limit} more models with findings (see the JSON report)."
        )
    out.append("")
    return out


def _failing_checks(models: list[ModelScore], limit: int) -> list[str]:
    """A collapsed table of the failing checks (at most `limit * 4`)."""
    failing = [c for m in models for c in m.checks if c.scored and not c.passed]
    if not failing:
        return []
    out = [
        f"<details><summary>{len(failing)} failing check(s)</summary>",
        "",
        "| check | model | status | severity | dimension | failures |",
        "|---|---|---|---|---|---:|",
    ]
    for c in failing[: limit * 4]:
        out.append(
            f"| `{_cell(c.check)}` | `{(c.model_unique_id or '-').split('.')[-1]}` | {c.status} | {c.severity} | "
            f"{c.dimension} | {'' if c.failures is None else c.failures} |"
        )
    out += ["", "</details>", ""]
    return out


def render_markdown(project: ProjectScore, *, limit: int = 50) -> str:
    """The PR comment: headline, changes vs baseline, models with findings, failing checks."""
    models = ordered_models(project)
    out = [
        MARKER,
        *_headline(project),
        *_baseline_changes(project, limit),
        *_model_rows(project, models, limit),
        *_failing_checks(models, limit),
    ]
    return "\n".join(out)
