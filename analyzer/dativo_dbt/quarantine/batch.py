"""A quarantined batch (one model's failing rows from one dbt invocation) and its lifecycle
vocabulary: statuses, allowed transitions, and the batch as a registry row."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from dativo_dbt.core.errors import DativoError
from dativo_dbt.quarantine.tables import REGISTRY_COLUMNS

STATUSES = ("quarantined", "reviewed", "released", "replayed", "deleted")
# action -> (allowed from-statuses, to-status)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "review": (("quarantined",), "reviewed"),
    "release": (("quarantined", "reviewed"), "released"),
    "replay": (("reviewed", "released"), "replayed"),
    "purge": (("quarantined", "reviewed", "released", "replayed"), "deleted"),
}


def utcnow() -> datetime:
    """Now in UTC, naive, to the second (as the registry stores timestamps)."""
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


class TransitionError(DativoError):
    """A state change that the lifecycle does not allow (exit code 2)."""


@dataclass
class Batch:
    """One registry row: a batch, its checks and the relations holding its rows."""

    id: str
    contract: str
    contract_version: str | None
    model: str
    model_unique_id: str
    source_relation: str | None
    checks: list[dict[str, Any]]
    failure_count: int
    invocation_id: str | None
    quarantined_at: datetime
    expires_at: datetime
    status: str = "quarantined"
    reviewer: str | None = None
    reviewed_at: datetime | None = None
    updated_at: datetime | None = None
    relations: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        for k in ("quarantined_at", "expires_at", "reviewed_at", "updated_at"):
            out[k] = out[k].isoformat() if out[k] else None
        return out

    def expired(self, now: datetime) -> bool:
        return self.expires_at <= now

    def row(self) -> tuple[Any, ...]:
        """The values of its registry row, in the order of tables.REGISTRY_COLUMNS."""
        values = self.__dict__ | {
            "checks": json.dumps(self.checks),
            "failing_relations": json.dumps(self.relations),
        }
        return tuple(values[c.name] for c in REGISTRY_COLUMNS)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Batch:
        """A batch from a registry row (as `query` returns it)."""
        return cls(
            id=row["id"],
            contract=row["contract"],
            contract_version=row["contract_version"],
            model=row["model"],
            model_unique_id=row["model_unique_id"],
            source_relation=row["source_relation"],
            checks=json.loads(row["checks"]),
            failure_count=int(row["failure_count"]),
            invocation_id=row["invocation_id"],
            quarantined_at=row["quarantined_at"],
            expires_at=row["expires_at"],
            status=row["status"],
            reviewer=row["reviewer"],
            reviewed_at=row["reviewed_at"],
            updated_at=row["updated_at"],
            relations=json.loads(row["failing_relations"]),
        )
