"""Columns named by contracts against the dbt project's artifacts (DATIVO-DQ105): catalog.json,
or without it the manifest's declared columns of models with an enforced dbt contract.

The artifacts are read as raw JSON (not through `dativo_dbt.artifacts`): a catalog or manifest of
any version is read, and only the few keys used here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dativo_dbt.checks.columns import COLUMN_CODE, referenced_columns
from dativo_dbt.contracts.contract import Contract
from dativo_dbt.core.errors import DativoError
from dativo_dbt.core.vocabulary import closest


def check_against_dbt(contracts: list[Contract], project_dir: Path) -> list[DativoError]:
    """Columns named by contracts must exist in the dbt node: its real columns in catalog.json, or
    without it the manifest's declared columns of a model with an enforced contract (complete)."""
    target = project_dir / "target"
    columns = _catalog_columns(target / "catalog.json")
    source_of = "catalog.json"
    if columns is None:
        columns = _manifest_columns(target / "manifest.json")
        source_of = "manifest.json"
    if not columns:
        return []
    errors = []
    for item in contracts:
        c = item.contract
        ref = c.source_ref
        key = ("source", f"{ref.name}.{ref.table}") if ref else ("model", c.node_name)
        known = columns.get(key)
        if not known:
            continue
        lowered = {k.lower() for k in known}
        for col, field_path, line, display in referenced_columns(item):
            if col.lower() not in lowered:
                errors.append(
                    DativoError(
                        f"{field_path}: column {col!r} does not exist in dbt {key[0]} {key[1]!r} "
                        f"(target/{source_of}){closest(col.lower(), sorted(lowered))}",
                        path=display,
                        line=line,
                        code=COLUMN_CODE,
                    )
                )
    return errors


def _read_json(path: Path) -> Any:
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DativoError(f"cannot read dbt artifact: {exc}", path=path) from exc


def _catalog_columns(path: Path) -> dict[tuple[str, str], list[str]] | None:
    data = _read_json(path)
    if not isinstance(data, dict):
        return None
    out: dict[tuple[str, str], list[str]] = {}
    for section, kind in (("nodes", "model"), ("sources", "source")):
        for uid, node in (data.get(section) or {}).items():
            parts = uid.split(".")
            if kind == "model" and parts[0] == "model":
                out[("model", parts[-1])] = list((node.get("columns") or {}).keys())
            elif kind == "source" and parts[0] == "source" and len(parts) >= 4:
                out[("source", f"{parts[-2]}.{parts[-1]}")] = list(
                    (node.get("columns") or {}).keys()
                )
    return out


def _manifest_columns(path: Path) -> dict[tuple[str, str], list[str]] | None:
    """Declared columns from the manifest, only for models whose list is complete: those with an
    enforced dbt contract (dbt then requires every column to be declared). Elsewhere the manifest
    holds just the columns a YAML file documents, so an undocumented real column is no error."""
    data = _read_json(path)
    if not isinstance(data, dict):
        return None
    out: dict[tuple[str, str], list[str]] = {}
    for uid, node in (data.get("nodes") or {}).items():
        patch = str(node.get("patch_path") or node.get("original_file_path") or "")
        if "_dativo__" in patch or not node.get("columns") or not _enforced(node):
            continue
        parts = uid.split(".")
        if parts[0] == "model":
            out[("model", parts[-1])] = list(node["columns"].keys())
    return out


def _enforced(node: dict[str, Any]) -> bool:
    """The manifest node has an enforced dbt model contract (top level or in its config)."""
    for holder in (node, node.get("config") or {}):
        contract = holder.get("contract") if isinstance(holder, dict) else None
        if isinstance(contract, dict) and contract.get("enforced") is True:
            return True
    return False
