"""Pair the contracts of two versions by name and classify every change."""

from __future__ import annotations

from typing import Any

from dativo_dbt.contracts.contract import Contract
from dativo_dbt.diff.checks import diff_checks
from dativo_dbt.diff.columns import diff_columns, diff_schema_contract
from dativo_dbt.diff.model import Change, ContractDiff, DiffResult
from dativo_dbt.diff.version import major_of
from dativo_dbt.diff.where import Pair

_STRICTNESS = {"warn": 0, "quarantine": 1, "block": 2}
_ACTIONS = ("on_schema_violation", "on_quality_violation", "on_sla_violation")
_DOCS = ("owner", "description", "tags", "classification", "documentation_url", "tier")


def diff_contracts(
    old: list[Contract], new: list[Contract], *, old_label: str = "old", new_label: str = "new"
) -> DiffResult:
    """Every change between two loaded versions, with the semver verdict per contract."""
    result = DiffResult(old_label, new_label)
    old_by = {c.contract.name: c for c in old}
    new_by = {c.contract.name: c for c in new}
    for name in sorted(old_by.keys() | new_by.keys()):
        before, after = old_by.get(name), new_by.get(name)
        if after is None:
            assert before is not None
            result.contracts.append(_removed(before))
        elif before is None:
            result.contracts.append(_added(after))
        else:
            result.contracts.append(_compare(before, after))
    return result


def _summary(item: Contract, old_version: str | None) -> ContractDiff:
    c = item.contract
    return ContractDiff(
        c.name,
        item.display,
        c.status,
        old_version,
        c.version,
        version_line=item.line("version"),
        status_line=item.line("status"),
    )


def _removed(item: Contract) -> ContractDiff:
    c = item.contract
    retired = c.status in ("deprecated", "sunset")
    out = _summary(item, c.version)
    out.new_version = None
    message = f"contract removed (it was {c.status})" if retired else "contract removed"
    kind = "documentation" if retired else "contract_removed"
    out.changes.append(Change(c.name, kind, not retired, message, item.display, item.line()))
    return out


def _added(item: Contract) -> ContractDiff:
    out = _summary(item, None)
    c = item.contract
    out.changes.append(
        Change(
            c.name,
            "contract_added",
            False,
            f"contract added (version {c.version})",
            item.display,
            item.line(),
        )
    )
    return out


def _compare(old: Contract, new: Contract) -> ContractDiff:
    out = _summary(new, old.contract.version)
    pair = Pair(new.contract.name, old, new, out.changes)
    _diff_contract_fields(pair)
    diff_schema_contract(pair)
    diff_columns(pair)
    diff_checks(pair)
    if out.changes:
        before = major_of(old.contract.version, path=old.display, line=old.line("version"))
        after = major_of(new.contract.version, path=new.display, line=new.line("version"))
        out.major_bump = after > before
    return out


def _diff_contract_fields(pair: Pair) -> None:
    old, new = pair.old.contract, pair.new.contract
    if (old.node_name, old.source_ref is None) != (new.node_name, new.source_ref is None):
        before, after = _target(pair.old), _target(pair.new)
        pair.add(
            "contract_target_changed",
            True,
            f"governs {before} -> {after}",
            ("source" if new.source else "model",),
            before=before,
            after=after,
        )
    if old.status != new.status:
        pair.add(
            "status_changed",
            False,
            f"status {old.status} -> {new.status}",
            ("status",),
            before=old.status,
            after=new.status,
        )
    for key in _DOCS:
        before, after = getattr(old, key), getattr(new, key)
        if before != after:
            pair.add("documentation", False, f"{key} changed", (key,), before=before, after=after)
    for key in _ACTIONS:
        before, after = getattr(old.violation_handling, key), getattr(new.violation_handling, key)
        if before != after:
            looser = _STRICTNESS[after] < _STRICTNESS[before]
            kind = "violation_handling_loosened" if looser else "violation_handling_tightened"
            pair.add(
                kind,
                looser,
                f"violation_handling.{key}: {before} -> {after}",
                ("violation_handling", key),
                before=before,
                after=after,
            )


def _target(item: Contract) -> Any:
    ref = item.contract.source_ref
    return f"source {ref.name}.{ref.table}" if ref else f"model {item.contract.node_name}"
