"""Changes of checks: quality checks, the asset's inline checks and the SLA blocks.

Each check is keyed by its id (names are unique per contract) and compared field by field:
narrowed sets and ranges, looser SLAs, dropped uniqueness, lower severity, removed or disabled
checks and any other change of what a check accepts are breaking; the rest is not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dativo_dbt.contracts.contract import Contract, check_ids
from dativo_dbt.diff.where import Pair

UNIQUE_EXPECTATIONS = frozenset(
    {
        "expect_column_values_to_be_unique",
        "expect_compound_columns_to_be_unique",
        "expect_select_column_values_to_be_unique_within_record",
    }
)
DOC_KEYS = ("name", "description", "dimension", "weight", "execution", "expectation_suite")
_RANK = {"info": 1, "warning": 2, "error": 3, "critical": 3}
# SLA-like numbers: the direction that loosens the guarantee
_LOOSER_UP = ("max_age_hours",)
_LOOSER_DOWN = ("min_records_per_day", "uptime_percentage")
_BOUNDS = (("min", "max"), ("min_value", "max_value"))
_SETS = ("values", "value_set")
_UNIQUE_KEYS = ("column", "columns", "column_list")


@dataclass
class Entry:
    """One check of one version: its fields, its family and where it is."""

    key: str
    family: str  # uniqueness | sla | check
    data: dict[str, Any]
    path: tuple[Any, ...]
    in_asset: bool = False

    @property
    def enabled(self) -> bool:
        return bool(self.data.get("enabled", True))

    @property
    def unique_columns(self) -> set[str]:
        many = self.data.get("columns") or self.data.get("column_list") or []
        cols = [self.data.get("column"), *many]
        return {str(c).lower() for c in cols if c}


def entries(item: Contract) -> dict[str, Entry]:
    """Every check of a contract (and of its asset's inline checks and SLA) by id."""
    out: dict[str, Entry] = {}
    for cid, origin, check, path in check_ids(item):
        data = check.model_dump(by_alias=True)
        kind = data.get("expectation") or data.get("name") if origin == "great_expectations" else ""
        unique = data.get("type") in ("uniqueness", "duplicate_count") or (
            kind in UNIQUE_EXPECTATIONS
        )
        out[cid] = Entry(cid, "uniqueness" if unique else "check", data, path)
    sla = item.contract.sla
    for block in ("freshness", "completeness", "availability"):
        value = getattr(sla, block, None) if sla else None
        if value is not None:
            key = f"sla.{block}"
            out[key] = Entry(key, "sla", value.model_dump(by_alias=True), ("sla", block))
    out.update(_inline_entries(item))
    return out


def _inline_entries(item: Contract) -> dict[str, Entry]:
    link = item.asset.data_contract if item.asset else None
    if link is None:
        return {}
    live = link.enabled and link.enforcement_mode != "disabled"
    out: dict[str, Entry] = {}
    for i, ic in enumerate(link.inline_checks):
        data = ic.model_dump(by_alias=True)
        data["enabled"] = bool(data.get("enabled", True)) and live
        cols = data.get("columns") or [data.get("column")]
        key = ic.name or f"inline_{ic.type}_{'_'.join(str(c) for c in cols)}"
        family = "uniqueness" if ic.type == "unique_check" else "check"
        path = ("data_contract", "inline_checks", i)
        out[key] = Entry(key, family, data, path, in_asset=True)
    return out


def diff_checks(pair: Pair) -> None:
    old, new = entries(pair.old), entries(pair.new)
    for key, entry in old.items():
        if key not in new:
            _removed(pair, entry)
    for key, entry in new.items():
        if key not in old:
            _added(pair, entry)
        else:
            _compare(pair, old[key], entry)


def _label(entry: Entry) -> str:
    return entry.key if entry.family == "sla" else f"check {entry.key}"


def _removed(pair: Pair, entry: Entry) -> None:
    where = entry.path[:-1]
    if not entry.enabled:
        pair.add(
            "documentation",
            False,
            f"disabled {_label(entry)} removed",
            where,
            in_asset=entry.in_asset,
            subject=entry.key,
        )
        return
    kind = {"uniqueness": "uniqueness_dropped", "sla": "sla_loosened"}.get(
        entry.family, "check_removed"
    )
    pair.add(
        kind, True, f"{_label(entry)} removed", where, in_asset=entry.in_asset, subject=entry.key
    )


def _added(pair: Pair, entry: Entry) -> None:
    kind = {"uniqueness": "uniqueness_strengthened", "sla": "sla_tightened"}.get(
        entry.family, "check_added"
    )
    state = "" if entry.enabled else " (disabled)"
    pair.add(
        kind,
        False,
        f"{_label(entry)} added{state}",
        entry.path,
        in_asset=entry.in_asset,
        subject=entry.key,
    )


def _compare(pair: Pair, old: Entry, new: Entry) -> None:
    def add(kind: str, breaking: bool, message: str, key: str, before: Any, after: Any) -> None:
        path = (*new.path, key) if key else new.path
        pair.add(
            kind,
            breaking,
            f"{_label(new)}: {message}",
            path,
            in_asset=new.in_asset,
            subject=new.key,
            before=before,
            after=after,
        )

    for ident in ("type", "expectation", "test"):
        if old.data.get(ident) != new.data.get(ident):
            before, after = old.data.get(ident), new.data.get(ident)
            add("check_changed", True, f"{ident} {before} -> {after}", ident, before, after)
            return
    if old.enabled != new.enabled:
        if old.enabled:
            kind = "uniqueness_dropped" if new.family == "uniqueness" else "check_removed"
            add(kind, True, "disabled", "enabled", True, False)
        else:
            add("check_added", False, "enabled", "enabled", False, True)
        return
    if not new.enabled:
        return
    _compare_severity(old, new, add)
    _compare_fields(old, new, add)


def _compare_severity(old: Entry, new: Entry, add: Any) -> None:
    before, after = old.data.get("severity"), new.data.get("severity")
    rank_before, rank_after = _RANK.get(str(before), 0), _RANK.get(str(after), 0)
    if rank_after < rank_before:
        add("check_weakened", True, f"severity {before} -> {after}", "severity", before, after)
    elif rank_after > rank_before:
        add("check_strengthened", False, f"severity {before} -> {after}", "severity", before, after)


def _compare_fields(old: Entry, new: Entry, add: Any) -> None:
    handled = {"type", "expectation", "test", "enabled", "severity"}
    for low, high in _BOUNDS:
        handled.update((low, high))
        _compare_bounds(old, new, low, high, add)
    if new.family == "uniqueness":
        handled.update(_UNIQUE_KEYS)
        _compare_unique(old, new, add)
    for key in sorted((set(old.data) | set(new.data)) - handled):
        before, after = old.data.get(key), new.data.get(key)
        if before == after:
            continue
        if key in DOC_KEYS:
            add("documentation", False, f"{key} changed", key, before, after)
        elif key in _SETS:
            _compare_set(before, after, key, add)
        elif key in _LOOSER_UP + _LOOSER_DOWN and _numbers(before, after):
            looser = (after > before) == (key in _LOOSER_UP)  # type: ignore[operator]
            kind = "sla_loosened" if looser else "sla_tightened"
            add(kind, looser, f"{key} {before} -> {after}", key, before, after)
        else:
            add("check_changed", True, f"{key} {before!r} -> {after!r}", key, before, after)


def _numbers(*values: Any) -> bool:
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


def _compare_set(before: Any, after: Any, key: str, add: Any) -> None:
    old_set, new_set = set(map(str, before or [])), set(map(str, after or []))
    gone, extra = sorted(old_set - new_set), sorted(new_set - old_set)
    if gone:
        add(
            "accepted_values_narrowed",
            True,
            f"{key} narrowed: removed {', '.join(gone)}",
            key,
            before,
            after,
        )
    elif extra:
        add(
            "accepted_values_widened",
            False,
            f"{key} widened: added {', '.join(extra)}",
            key,
            before,
            after,
        )


def _compare_bounds(old: Entry, new: Entry, low: str, high: str, add: Any) -> None:
    before = (old.data.get(low), old.data.get(high))
    after = (new.data.get(low), new.data.get(high))
    if before == after:
        return
    text = f"[{_b(before[0])}, {_b(before[1])}] -> [{_b(after[0])}, {_b(after[1])}]"
    key = low if before[0] != after[0] else high
    values = [v for v in (*before, *after) if v is not None]
    if not _numbers(*values):
        add("check_changed", True, f"bounds {text}", key, list(before), list(after))
        return
    narrowed = _tighter(before[0], after[0], lambda a, b: b > a) or _tighter(
        before[1], after[1], lambda a, b: b < a
    )
    kind = "range_narrowed" if narrowed else "range_widened"
    add(kind, narrowed, f"range {text}", key, list(before), list(after))


def _tighter(before: Any, after: Any, stricter: Any) -> bool:
    if after is None:
        return False
    return before is None or bool(stricter(before, after))


def _b(value: Any) -> str:
    return "-" if value is None else str(value)


def _compare_unique(old: Entry, new: Entry, add: Any) -> None:
    before, after = old.unique_columns, new.unique_columns
    if before == after:
        return
    text = f"unique on ({', '.join(sorted(before))}) -> ({', '.join(sorted(after))})"
    if after < before:
        add("uniqueness_strengthened", False, text, "columns", sorted(before), sorted(after))
    else:
        add("uniqueness_dropped", True, text, "columns", sorted(before), sorted(after))
