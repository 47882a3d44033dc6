"""`dativo-dbt diff --format table|json|markdown|sarif`."""

from __future__ import annotations

import json

from dativo_dbt.core.errors import DativoError
from dativo_dbt.diff.model import ContractDiff, DiffResult
from dativo_dbt.diff.sarif import render_sarif

FORMATS = ("table", "json", "markdown", "sarif")
MARKER = "<!-- dativo-dbt diff -->"


def render(result: DiffResult, fmt: str) -> str:
    """The diff in `fmt` (table, json, markdown or sarif)."""
    if fmt == "json":
        return json.dumps(result.to_dict(), indent=2, default=str) + "\n"
    if fmt == "markdown":
        return render_markdown(result)
    if fmt == "sarif":
        return render_sarif(result)
    if fmt == "table":
        return render_table(result)
    raise DativoError(f"unknown output format {fmt!r}; use one of {', '.join(FORMATS)}")


def verdict(c: ContractDiff) -> str:
    """One line on the contract's versions and whether they satisfy the semver rule."""
    versions = f"{c.old_version or '-'} -> {c.new_version or '-'}"
    if c.new_version is None:
        tail = "needs a deprecation first" if c.needs_major_bump else "removed"
    elif c.needs_major_bump:
        tail = f"{len(c.breaking)} breaking change(s) need a major version bump"
    elif c.breaking:
        tail = f"{len(c.breaking)} breaking change(s), major version bumped"
    else:
        tail = "no breaking change"
    status = f" [{c.status}]" if c.retiring else ""
    return f"{c.name}{status} ({versions}): {tail}"


def _headline(result: DiffResult) -> str:
    breaking = sum(len(c.breaking) for c in result.contracts)
    changes = sum(len(c.changes) for c in result.contracts)
    return (
        f"{result.old_label} -> {result.new_label}: {len(result.changed)} contract(s) changed, "
        f"{changes} change(s), {breaking} breaking, "
        f"{len(result.failures)} missing a major version bump"
    )


def render_table(result: DiffResult) -> str:
    rows = [("CONTRACT", "CLASS", "CHANGE", "WHERE", "DETAIL")]
    for c in result.contracts:
        for ch in c.changes:
            where = f"{ch.file}:{ch.line}" if ch.line else (ch.file or "")
            label = "BREAKING" if ch.breaking else "ok"
            rows.append((c.name, label, ch.kind, where, ch.message))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = [_headline(result), ""]
    if len(rows) > 1:
        lines += ["  ".join(r[i].ljust(widths[i]) for i in range(4)) + "  " + r[4] for r in rows]
        lines.append("")
    for c in result.contracts:
        if c.changes or c.retiring:
            mark = "FAIL" if c.needs_major_bump else "ok"
            lines.append(f"{mark:4}  {verdict(c)}")
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(result: DiffResult) -> str:
    icon = "✅" if result.ok else "❌"
    out = [MARKER, f"## {icon} Contract changes", "", _cell(_headline(result)), ""]
    retiring = [c for c in result.contracts if c.retiring]
    for c in retiring:
        out.append(f"> ⚠️ Contract `{c.name}` is **{c.status}**.")
    if retiring:
        out.append("")
    for c in result.changed:
        mark = "❌" if c.needs_major_bump else "✅"
        out += [f"### {mark} {_cell(verdict(c))}", ""]
        out += ["| | Change | Where | Detail |", "|---|---|---|---|"]
        for ch in c.changes:
            where = f"`{ch.file}:{ch.line}`" if ch.line else f"`{ch.file}`"
            label = "**breaking**" if ch.breaking else "non-breaking"
            out.append(f"| {label} | `{ch.kind}` | {_cell(where)} | {_cell(ch.message)} |")
        out.append("")
    if not result.changed:
        out += ["No contract changed.", ""]
    return "\n".join(out)
