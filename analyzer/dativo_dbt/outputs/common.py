"""Small formatting helpers shared by the renderers."""

from __future__ import annotations

from dativo_dbt.scoring.models import ModelScore, ProjectScore

DIM_ABBR = {
    "completeness": "Compl",
    "accuracy": "Accur",
    "validity": "Valid",
    "consistency": "Consis",
    "timeliness": "Timel",
    "uniqueness": "Uniq",
}


def fmt_score(v: float | None) -> str:
    return "-" if v is None else f"{v:.1f}"


def fmt_delta(v: float | None) -> str:
    if v is None:
        return ""
    if abs(v) < 0.05:
        return "±0.0"
    return f"{v:+.1f}"


def ordered_models(project: ProjectScore) -> list[ModelScore]:
    """Failing gates first, then warnings, then the rest; lowest score first within each group."""

    def key(m: ModelScore) -> tuple[int, float, str]:
        warn = any(v.level == "warning" for v in m.gate.violations)
        rank = 0 if not m.gate.passed else (1 if warn else 2)
        return (rank, m.score if m.score is not None else 101.0, m.unique_id)

    return sorted(project.models, key=key)


def deltas(project: ProjectScore) -> dict[str, float | None]:
    if project.baseline is None:
        return {}
    return {d.unique_id: d.delta for d in project.baseline.models}
