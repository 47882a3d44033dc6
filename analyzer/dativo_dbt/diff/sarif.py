"""`dativo-dbt diff --format sarif`: one result per change, at the contract (or asset) file and
line. A breaking change without the major version bump is an `error`, with the bump a `warning`,
a non-breaking change a `note`; a deprecated or sunset contract is a `note` at its status."""

from __future__ import annotations

import json
from typing import Any

from dativo_dbt import __version__
from dativo_dbt.diff.model import KINDS, DiffResult

STATUS_RULE = "dativo-diff/status"


def _location(file: str | None, line: int | None, ref: str = "") -> list[dict[str, Any]]:
    """A removed contract lives only in the old version: `main:contracts/x.yml` -> its path."""
    if not file:
        return []
    if ref and file.startswith(ref):
        file = file[len(ref) :]
    physical: dict[str, Any] = {"artifactLocation": {"uri": file.replace("\\", "/")}}
    if line:
        physical["region"] = {"startLine": line}
    return [{"physicalLocation": physical}]


def _level(breaking: bool, needs_bump: bool) -> str:
    if not breaking:
        return "note"
    return "error" if needs_bump else "warning"


def render_sarif(result: DiffResult) -> str:
    results: list[dict[str, Any]] = []
    ref = result.old_label.split(":", 1)[0] + ":" if ":" in result.old_label else ""
    for c in result.contracts:
        for ch in c.changes:
            level = _level(ch.breaking, c.needs_major_bump)
            results.append(
                {
                    "ruleId": f"dativo-diff/{ch.kind}",
                    "level": level,
                    "message": {"text": f"{c.name}: {ch.message}"},
                    "locations": _location(ch.file, ch.line, ref),
                    "properties": {
                        "contract": c.name,
                        "breaking": ch.breaking,
                        "old_version": c.old_version,
                        "new_version": c.new_version,
                    },
                }
            )
        if c.retiring:
            results.append(
                {
                    "ruleId": STATUS_RULE,
                    "level": "note",
                    "message": {"text": f"{c.name}: contract is {c.status}"},
                    "locations": _location(c.file, c.status_line or c.version_line),
                }
            )
    rules = [{"id": f"dativo-diff/{k}", "shortDescription": {"text": v}} for k, v in KINDS.items()]
    rules.append({"id": STATUS_RULE, "shortDescription": {"text": "Contract deprecated/sunset"}})
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {"name": "dativo-dbt diff", "version": __version__, "rules": rules}
                },
                "results": results,
            }
        ],
    }
    return json.dumps(doc, indent=2) + "\n"
