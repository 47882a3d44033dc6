"""`--format json`: the ProjectScore document, schema_version 1 (docs/scoring.md)."""

from __future__ import annotations

from typing import Any

import msgspec

from dativo_dbt.scoring.models import ProjectScore


def render_json(project: ProjectScore, *, gate_only: bool = False) -> str:
    if gate_only:
        doc: Any = {
            "schema_version": project.schema_version,
            "formula_version": project.formula_version,
            "passed": project.summary.gate_passed,
            "models": [
                {
                    "unique_id": m.unique_id,
                    "name": m.name,
                    "score": m.score,
                    "tier": m.tier,
                    "gate": m.gate,
                }
                for m in project.models
            ],
            "summary": project.summary,
        }
        return msgspec.json.encode(doc).decode() + "\n"
    return msgspec.json.encode(project).decode() + "\n"
