"""`--format sarif`: SARIF 2.1.0 for code-scanning UIs. Gate violations (rules DATIVO-DQ102..DQ106, DQ108)
and failing checks (rule DATIVO-CHECK) located at the model's file."""

from __future__ import annotations

import json
from typing import Any

from dativo_dbt import __version__
from dativo_dbt.scoring.models import ProjectScore

RULES = {
    "DATIVO-DQ102": "Quality check failures at runtime (score below threshold)",
    "DATIVO-DQ103": "Quality gate column test coverage below the tier's minimum",
    "DATIVO-DQ104": "Required test types missing for the tier",
    "DATIVO-DQ105": "Test references a non-existent column",
    "DATIVO-DQ106": "Quality check timeout",
    "DATIVO-DQ108": "Model did not build (its checks did not run)",
    "DATIVO-DQ109": "Schema contract violated (on_schema_violation: block)",
    "DATIVO-CHECK": "A data-quality check failed",
}
_LEVEL = {"critical": "error", "warning": "warning", "info": "note"}


def render_sarif(project: ProjectScore) -> str:
    results: list[dict[str, Any]] = []
    for m in project.models:
        loc = (
            [{"physicalLocation": {"artifactLocation": {"uri": m.original_file_path}}}]
            if m.original_file_path
            else []
        )
        for v in m.gate.violations:
            results.append(
                {
                    "ruleId": v.code,
                    "level": "error" if v.level == "error" else "warning",
                    "message": {"text": f"{m.name}: {v.message}"},
                    "locations": loc,
                    "properties": {"model": m.unique_id, "tier": m.tier, "score": m.score},
                }
            )
        for c in m.checks:
            if c.scored and not c.passed:
                results.append(
                    {
                        "ruleId": "DATIVO-CHECK",
                        "level": "error"
                        if c.status == "error"
                        else _LEVEL.get(c.severity, "warning"),
                        "message": {
                            "text": f"{m.name}: check {c.check} {c.status}"
                            + (f" ({c.failures} failing rows)" if c.failures else "")
                        },
                        "locations": loc,
                        "properties": {
                            "test": c.unique_id,
                            "dimension": c.dimension,
                            "severity": c.severity,
                        },
                    }
                )
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "dativo-dbt",
                        "version": __version__,
                        "rules": [
                            {"id": k, "shortDescription": {"text": v}} for k, v in RULES.items()
                        ],
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(doc, indent=2) + "\n"
