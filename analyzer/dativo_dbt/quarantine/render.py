"""What `dativo-dbt quarantine list / show / register / purge` print: batch tables, batch details
with their audit trail and stored rows, as text or JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence

from rich.table import Table

from dativo_dbt.quarantine.api import BatchDetail
from dativo_dbt.quarantine.batch import Batch
from dativo_dbt.quarantine.display import json_value, text_value

LIST_COLUMNS = (
    "id",
    "contract",
    "model",
    "status",
    "failures",
    "checks",
    "quarantined_at",
    "expires_at",
)


def batches_json(batches: Sequence[Batch]) -> str:
    return json.dumps([b.to_dict() for b in batches], indent=2)


def batches_table(batches: Sequence[Batch]) -> Table:
    """One row per batch (oldest first, as given)."""
    table = Table(show_header=True, header_style="bold")
    for col in LIST_COLUMNS:
        table.add_column(col)
    for b in batches:
        table.add_row(
            b.id,
            f"{b.contract} v{b.contract_version or '?'}",
            b.model,
            b.status,
            str(b.failure_count),
            ", ".join(c["check"] for c in b.checks),
            text_value(b.quarantined_at),
            text_value(b.expires_at),
        )
    return table


def detail_json(detail: BatchDetail) -> str:
    doc = detail.batch.to_dict() | {
        "audit": [{k: json_value(v) for k, v in a.items()} for a in detail.audit],
        "rows": {
            k: [{c: json_value(v) for c, v in r.items()} for r in v] for k, v in detail.rows.items()
        },
    }
    return json.dumps(doc, indent=2, default=str)


def _batch_lines(batch: Batch) -> list[str]:
    lines = [
        f"batch        {batch.id}",
        f"contract     {batch.contract} v{batch.contract_version or '?'}",
        f"model        {batch.model} ({batch.source_relation or batch.model_unique_id})",
        f"status       {batch.status}",
        f"invocation   {batch.invocation_id or '-'}",
        f"quarantined  {text_value(batch.quarantined_at)}   expires {text_value(batch.expires_at)}",
        f"reviewer     {batch.reviewer or '-'}   reviewed {text_value(batch.reviewed_at)}",
        f"failing rows {batch.failure_count}",
    ]
    for c in batch.checks:
        lines.append(f"  - {c['check']}: {c['failures']} rows [{c['status']}] -> {c['relation']}")
    return lines


def detail_lines(detail: BatchDetail) -> list[str]:
    """The batch, its checks, its audit trail and the sampled rows, as text."""
    lines = _batch_lines(detail.batch)
    lines.append("audit")
    for a in detail.audit:
        lines.append(
            f"  {text_value(a['event_at'])}  {a['action']:<8} {a['from_status'] or '-'} -> "
            f"{a['to_status']}  by {a['actor'] or '-'}"
            f"{'  (' + a['detail'] + ')' if a['detail'] else ''}"
        )
    for rel, data in detail.rows.items():
        lines.append(f"rows of {rel} ({len(data)} shown)")
        for r in data:
            lines.append("  " + ", ".join(f"{k}={text_value(v)}" for k, v in r.items()))
    return lines


def registered_line(batch: Batch) -> str:
    return (
        f"registered {batch.id}: {batch.contract} / {batch.model}, {batch.failure_count} failing "
        f"rows in {len(batch.relations)} relation(s), expires {text_value(batch.expires_at)}"
    )


def purged_text(verb: str, batches: Sequence[Batch]) -> str:
    """`purged N expired batch(es)` (or `would purge`) and their ids, one a line."""
    return f"{verb} {len(batches)} expired batch(es)" + "".join(f"\n  {b.id}" for b in batches)
