"""Which user properties files generate edits in place, and their new text."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dativo_dbt.adopt import roundtrip
from dativo_dbt.adopt.inplace import InPlaceError, apply, entries, find_entry, record_of, undo
from dativo_dbt.config.loader import load_config
from dativo_dbt.core.errors import DativoError, DativoErrors

PLACEMENTS = ("auto", "in_place", "separate")


@dataclass
class Target:
    """One contract's generated node, to merge into the user's entry `name` (kind model|source)."""

    kind: str
    name: str
    node: dict[str, Any]
    keys: set[str] = field(default_factory=set)
    contract: str = ""  # the contract file, for messages


def resolve_placement(flag: str | None, project_dir: Path) -> str:
    """The --placement flag, else dativo.yml `generate.placement`, else auto."""
    if flag is not None:
        return flag
    return load_config(project_dir=project_dir).config.generate.placement


def generated_node(doc: dict[str, Any], kind: str) -> dict[str, Any]:
    """The governed node of a generated properties document (model, or source table)."""
    if kind == "model":
        return dict(doc["models"][0])
    return dict(doc["sources"][0]["tables"][0])


def _candidates(model_dirs: list[Path], is_generated: Callable[[Path], bool]) -> list[Path]:
    out: list[Path] = []
    for d in model_dirs:
        if d.is_dir():
            for path in sorted([*d.rglob("*.yml"), *d.rglob("*.yaml")]):
                if "dbt_packages" not in path.parts and not is_generated(path):
                    out.append(path)
    return out


def _load(path: Path, project_dir: Path) -> roundtrip.Document:
    try:
        return roundtrip.load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, roundtrip.YAMLError) as exc:
        raise DativoError(
            f"cannot read it for in-place editing: {exc}".splitlines()[0],
            path=os.path.relpath(path, project_dir),
        ) from exc


def plan_files(
    project_dir: Path,
    model_dirs: list[Path],
    targets: dict[Path, list[Target]],
    is_generated: Callable[[Path], bool],
) -> list[tuple[Path, str]]:
    """(file, new text) of every user file with a target or with managed content left over."""
    files = set(targets)
    for path in _candidates(model_dirs, is_generated):
        if path not in files and "dativo" in path.read_text(encoding="utf-8", errors="replace"):
            doc = _load(path, project_dir)
            if any(record_of(e) is not None for e in entries(doc.data)):
                files.add(path)
    out: list[tuple[Path, str]] = []
    errors: list[DativoError] = []
    for path in sorted(files):
        doc = _load(path, project_dir)
        for entry in entries(doc.data):
            undo(entry)
        for target in targets.get(path, []):
            found = find_entry(doc.data, target.kind, target.name)
            assert found is not None  # the file was chosen because it describes the node
            try:
                apply(found, target.node, target.keys)
            except InPlaceError as exc:
                what = "model" if target.kind == "model" else "source table"
                errors.append(
                    DativoError(
                        f"cannot manage {what} {target.name!r} in place in "
                        f"{os.path.relpath(path, project_dir)}: {exc}",
                        path=target.contract,
                    )
                )
        out.append((path, roundtrip.dump(doc)))
    if errors:
        raise DativoErrors(errors)
    return out
