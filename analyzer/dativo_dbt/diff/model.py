"""The result of a contract diff: changes, per contract, and for the whole comparison."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# kind -> one-line description (also the SARIF rules); breaking kinds first.
KINDS: dict[str, str] = {
    "contract_removed": "A contract was removed (it was not deprecated or sunset)",
    "contract_target_changed": "The contract governs another dbt model or source",
    "column_removed": "A column was removed from the schema",
    "column_renamed": "A column was renamed",
    "column_type_changed": "A column's type changed (allow_type_changes is false)",
    "column_nullable": "A required column became nullable (allow_nullable_expansion is false)",
    "accepted_values_narrowed": "Accepted values were removed from a set",
    "range_narrowed": "A range or bound was narrowed",
    "uniqueness_dropped": "A uniqueness guarantee was dropped or weakened",
    "sla_loosened": "An SLA was loosened or removed",
    "check_removed": "A check was removed or disabled",
    "check_changed": "A check's definition changed (it may accept other data)",
    "check_weakened": "A check's severity was lowered",
    "schema_contract_loosened": "A schema_contract guarantee was relaxed",
    "violation_handling_loosened": "A violation's handling became less strict",
    "contract_added": "A contract was added",
    "column_added": "A column was added",
    "column_type_widened": "A column's type changed (allowed: allow_type_changes is true)",
    "column_nullable_allowed": "A required column became nullable (allow_nullable_expansion)",
    "column_required": "A nullable column became required",
    "accepted_values_widened": "Accepted values were added to a set",
    "range_widened": "A range or bound was widened",
    "uniqueness_strengthened": "A uniqueness guarantee was added or strengthened",
    "sla_tightened": "An SLA was tightened or added",
    "check_added": "A check was added or enabled",
    "check_strengthened": "A check's severity was raised",
    "schema_contract_tightened": "A schema_contract guarantee was added",
    "violation_handling_tightened": "A violation's handling became stricter",
    "status_changed": "The contract's status changed",
    "documentation": "Documentation or metadata changed",
}


@dataclass
class Change:
    """One classified change of one contract."""

    contract: str
    kind: str
    breaking: bool
    message: str
    file: str | None = None
    line: int | None = None
    subject: str | None = None
    before: Any = None
    after: Any = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "contract": self.contract,
            "kind": self.kind,
            "breaking": self.breaking,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "subject": self.subject,
            "before": self.before,
            "after": self.after,
        }


@dataclass
class ContractDiff:
    """Every change of one contract, with its versions and the semver verdict."""

    name: str
    file: str | None
    status: str | None
    old_version: str | None
    new_version: str | None
    version_line: int | None = None
    status_line: int | None = None
    changes: list[Change] = field(default_factory=list)
    major_bump: bool = False

    @property
    def breaking(self) -> list[Change]:
        return [c for c in self.changes if c.breaking]

    @property
    def needs_major_bump(self) -> bool:
        """A breaking change without a major version bump (a removed contract cannot be bumped)."""
        return bool(self.breaking) and not self.major_bump

    @property
    def retiring(self) -> bool:
        return self.status in ("deprecated", "sunset")

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "file": self.file,
            "status": self.status,
            "old_version": self.old_version,
            "new_version": self.new_version,
            "major_bump": self.major_bump,
            "breaking_changes": len(self.breaking),
            "needs_major_bump": self.needs_major_bump,
            "changes": [c.to_dict() for c in self.changes],
        }


@dataclass
class DiffResult:
    """The comparison of two versions of a contracts directory."""

    old_label: str
    new_label: str
    contracts: list[ContractDiff] = field(default_factory=list)

    @property
    def changed(self) -> list[ContractDiff]:
        return [c for c in self.contracts if c.changes]

    @property
    def failures(self) -> list[ContractDiff]:
        return [c for c in self.contracts if c.needs_major_bump]

    @property
    def ok(self) -> bool:
        return not self.failures

    def to_dict(self) -> dict[str, Any]:
        changes = [ch for c in self.contracts for ch in c.changes]
        return {
            "old": self.old_label,
            "new": self.new_label,
            "ok": self.ok,
            "summary": {
                "contracts_changed": len(self.changed),
                "changes": len(changes),
                "breaking": sum(1 for ch in changes if ch.breaking),
                "missing_major_bump": [c.name for c in self.failures],
                "retiring": [c.name for c in self.contracts if c.retiring],
            },
            "contracts": [c.to_dict() for c in self.contracts if c.changes or c.retiring],
        }
