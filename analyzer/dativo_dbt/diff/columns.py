"""Changes of the asset schema (columns) and of `schema_contract`."""

from __future__ import annotations

from dativo_dbt.contracts.asset import AssetColumn
from dativo_dbt.contracts.contract import Contract
from dativo_dbt.contracts.models import SchemaContract
from dativo_dbt.contracts.types import ASSET_TYPES, warehouse_type
from dativo_dbt.diff.where import Pair


def _columns(item: Contract) -> list[AssetColumn]:
    return list(item.asset.schema_) if item.asset is not None else []


def _norm_type(value: str) -> str:
    """`string`/`varchar`/`text` -> text, `int`/`integer` -> integer, `decimal(10, 2)` -> numeric."""
    lowered = value.strip().lower()
    if lowered in ASSET_TYPES or lowered.startswith(("decimal", "numeric")):
        try:
            return warehouse_type(lowered)
        except KeyError:
            return lowered
    return lowered


def schema_contract_of(item: Contract) -> SchemaContract:
    return item.contract.schema_contract or SchemaContract()


def diff_columns(pair: Pair) -> None:
    """Removed, renamed, added, retyped, required <-> nullable and documented columns."""
    old_cols, new_cols = _columns(pair.old), _columns(pair.new)
    old_by = {c.name.lower(): (i, c) for i, c in enumerate(old_cols)}
    new_by = {c.name.lower(): (i, c) for i, c in enumerate(new_cols)}
    removed = [k for k in old_by if k not in new_by]
    added = [k for k in new_by if k not in old_by]
    renamed = _renames(removed, added, old_by, new_by)
    for old_key, new_key in renamed.items():
        i, col = new_by[new_key]
        was = old_by[old_key][1].name
        pair.add(
            "column_renamed",
            True,
            f"column {was} renamed to {col.name}",
            ("schema", i, "name"),
            in_asset=True,
            subject=col.name,
            before=was,
            after=col.name,
        )
    for key in removed:
        if key not in renamed:
            col = old_by[key][1]
            pair.add(
                "column_removed",
                True,
                f"column {col.name} removed",
                ("schema",),
                in_asset=True,
                subject=col.name,
                before=col.name,
            )
    renamed_to = set(renamed.values())
    for key in added:
        if key not in renamed_to:
            i, col = new_by[key]
            req = " (required)" if col.required else ""
            pair.add(
                "column_added",
                False,
                f"column {col.name} added{req}",
                ("schema", i),
                in_asset=True,
                subject=col.name,
                after=col.name,
            )
    settings = schema_contract_of(pair.old)
    for key, (i, new) in new_by.items():
        if key in old_by:
            _diff_column(pair, old_by[key][1], new, i, settings)


def _renames(
    removed: list[str],
    added: list[str],
    old_by: dict[str, tuple[int, AssetColumn]],
    new_by: dict[str, tuple[int, AssetColumn]],
) -> dict[str, str]:
    """A removed and an added column at the same position with the same type: a rename."""
    out: dict[str, str] = {}
    for old_key in removed:
        i, old = old_by[old_key]
        for new_key in added:
            j, new = new_by[new_key]
            same_type = _norm_type(old.type) == _norm_type(new.type)
            if i == j and same_type and new_key not in out.values():
                out[old_key] = new_key
                break
    return out


def _diff_column(
    pair: Pair, old: AssetColumn, new: AssetColumn, i: int, settings: SchemaContract
) -> None:
    if _norm_type(old.type) != _norm_type(new.type):
        allowed = settings.allow_type_changes
        pair.add(
            "column_type_widened" if allowed else "column_type_changed",
            not allowed,
            f"column {new.name}: type {old.type} -> {new.type}"
            + (" (allow_type_changes: true)" if allowed else ""),
            ("schema", i, "type"),
            in_asset=True,
            subject=new.name,
            before=old.type,
            after=new.type,
        )
    if old.required and not new.required:
        allowed = settings.allow_nullable_expansion
        pair.add(
            "column_nullable_allowed" if allowed else "column_nullable",
            not allowed,
            f"column {new.name}: required -> nullable"
            + (" (allow_nullable_expansion: true)" if allowed else ""),
            ("schema", i, "required"),
            in_asset=True,
            subject=new.name,
            before=True,
            after=False,
        )
    elif new.required and not old.required:
        pair.add(
            "column_required",
            False,
            f"column {new.name}: nullable -> required",
            ("schema", i, "required"),
            in_asset=True,
            subject=new.name,
            before=False,
            after=True,
        )
    for key in ("description", "classification"):
        if getattr(old, key) != getattr(new, key):
            pair.add(
                "documentation",
                False,
                f"column {new.name}: {key} changed",
                ("schema", i, key),
                in_asset=True,
                subject=new.name,
                before=getattr(old, key),
                after=getattr(new, key),
            )


# flag -> the value that gives consumers the stronger guarantee
_STRONG = {"strict_mode": True, "allow_nullable_expansion": False, "allow_type_changes": False}


def diff_schema_contract(pair: Pair) -> None:
    """Relaxing a `schema_contract` flag is breaking; tightening one is not."""
    old, new = schema_contract_of(pair.old), schema_contract_of(pair.new)
    for flag, strong in _STRONG.items():
        before, after = getattr(old, flag), getattr(new, flag)
        if before == after:
            continue
        loosened = before == strong
        pair.add(
            "schema_contract_loosened" if loosened else "schema_contract_tightened",
            loosened,
            f"schema_contract.{flag}: {str(before).lower()} -> {str(after).lower()}",
            ("schema_contract", flag),
            subject=flag,
            before=before,
            after=after,
        )
