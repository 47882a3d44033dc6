"""Write (or `--check`) one `_dativo__<node>.yml` properties file per governed model or source.

Safety rules: a file is only (over)written or removed when its first line is our header. A node
the user's own properties file already describes (dbt allows one entry) is managed inside that
entry (placement auto|in_place, dativo_dbt.adopt), or is a conflict (placement separate).
Output bytes depend only on the contracts and the user's own content.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dativo_dbt.adopt.files import Target, generated_node, plan_files, resolve_placement
from dativo_dbt.adopt.matching import contract_keys
from dativo_dbt.checks.custom_tests import foldable
from dativo_dbt.checks.validate import load_contracts
from dativo_dbt.contracts.contract import Contract
from dativo_dbt.core.errors import DativoError, DativoErrors
from dativo_dbt.core.yaml_lines import load_yaml
from dativo_dbt.generate.batched import apply_execution
from dativo_dbt.generate.builder import properties
from dativo_dbt.generate.execution import resolve_execution
from dativo_dbt.generate.quarantine import quarantine_rows
from dativo_dbt.generate.render import is_generated, render
from dativo_dbt.generate.tidy import drop_empty_tests

PREFIX = "_dativo__"


@dataclass
class Planned:
    path: Path
    content: str
    contract: Contract | None  # None: a user file edited in place


@dataclass
class Result:
    written: list[Path]
    unchanged: list[Path]
    removed: list[Path]
    stale: list[Path]  # --check: files that differ, are missing, or would be removed


def project_paths(project_dir: Path) -> list[Path]:
    """The project's model-paths (dbt_project.yml), default `models`."""
    project_file = project_dir / "dbt_project.yml"
    if not project_file.is_file():
        raise DativoError(
            "no dbt_project.yml here; expected --project-dir to point at a dbt project",
            path=project_dir,
        )
    data = load_yaml(project_file)
    paths = data.get("model-paths") if isinstance(data, dict) else None
    if paths is None:
        paths = data.get("source-paths") if isinstance(data, dict) else None
    return [project_dir / p for p in (paths or ["models"])]


def _find_model(model_dirs: list[Path], name: str) -> Path | None:
    hits: list[Path] = []
    for d in model_dirs:
        if d.is_dir():
            for ext in ("sql", "py"):
                hits.extend(p for p in d.rglob(f"{name}.{ext}") if "dbt_packages" not in p.parts)
    return sorted(hits)[0] if hits else None


def _existing_patches(model_dirs: list[Path]) -> dict[tuple[str, str], Path]:
    """Nodes already described by user properties files: (kind, name) -> file."""
    out: dict[tuple[str, str], Path] = {}
    for d in model_dirs:
        if not d.is_dir():
            continue
        for path in sorted(list(d.rglob("*.yml")) + list(d.rglob("*.yaml"))):
            if "dbt_packages" in path.parts or is_generated(path):
                continue
            try:
                data = load_yaml(path)
            except DativoError:
                continue  # dbt itself will report it
            for key in _described(data):
                out.setdefault(key, path)
    return out


def _described(data: Any) -> Iterator[tuple[str, str]]:
    """(kind, name) of the models and source tables a properties document describes."""
    if not isinstance(data, dict):
        return
    for model in data.get("models") or []:
        if isinstance(model, dict) and model.get("name"):
            yield "model", str(model["name"])
    for source in data.get("sources") or []:
        if not isinstance(source, dict):
            continue
        for table in source.get("tables") or []:
            if isinstance(table, dict) and table.get("name"):
                yield "source", f"{source.get('name')}.{table['name']}"


def _document(
    item: Contract, mode: str, custom_tests: frozenset[str] | set[str] | list[str]
) -> dict[str, Any]:
    """The generated properties document of one contract in execution `mode`."""
    doc = apply_execution(properties(item), mode, custom_tests=custom_tests)[0]
    if mode == "per-check":
        doc = quarantine_rows(doc)  # batched mode writes its own failing-row samples
    return drop_empty_tests(doc)


def _conflict(item: Contract, key: tuple[str, str], other: Path, project_dir: Path) -> DativoError:
    what = f"model {key[1]!r}" if key[0] == "model" else f"source table {key[1]!r}"
    # removing `model:` only helps when the contract names the model explicitly
    explicit = key[0] == "source" or item.contract.model is not None
    hint = f", or remove `{key[0]}:` from this contract" if explicit else ""
    return DativoError(
        f"{os.path.relpath(other, project_dir)} already describes {what}, and dbt allows one "
        f"properties entry per {key[0]} (placement `separate` writes a second one): use placement "
        "`auto` (the default: manage it in that entry), or move its descriptions/tests into the "
        f"contract and delete that entry{hint}",
        path=item.display,
        line=item.line("model") or item.line("source") or item.line("name"),
    )


@dataclass
class _Project:
    """What planning needs to know of the dbt project, read once."""

    dir: Path
    model_dirs: list[Path]
    patches: dict[tuple[str, str], Path]  # nodes the user's properties files describe
    placement: str
    execution: str | None  # the --execution flag
    default_mode: str  # the flag, else the project's var, else the default
    custom_tests: frozenset[str] | set[str] | list[str]  # foldable into a batch


def plan(
    project_dir: Path,
    contracts_dir: Path,
    *,
    execution: str | None = None,
    placement: str | None = None,
) -> tuple[list[Planned], list[Path]]:
    """What to write, and the generated files no contract produces any more."""
    default_mode = resolve_execution(execution, project_dir)
    place = resolve_placement(placement, project_dir)
    custom_tests = foldable(project_dir)
    contracts = load_contracts(contracts_dir, project_dir=project_dir, display_root=Path.cwd())
    model_dirs = project_paths(project_dir)
    project = _Project(
        project_dir,
        model_dirs,
        _existing_patches(model_dirs),
        place,
        execution,
        default_mode,
        custom_tests,
    )
    errors: list[DativoError] = []
    planned: list[Planned] = []
    in_place: dict[Path, list[Target]] = {}
    for item in contracts:
        if item.contract.status == "sunset":
            continue
        try:
            one = _plan_one(project, item)
        except DativoError as exc:
            errors.append(exc)
            continue
        if isinstance(one, Planned):
            planned.append(one)
        else:
            in_place.setdefault(one[0], []).append(one[1])
    if errors:
        raise DativoErrors(errors)
    for path, text in plan_files(project_dir, model_dirs, in_place, is_generated):
        planned.append(Planned(path, text, None))
    return planned, _orphans(model_dirs, planned)


def _plan_one(project: _Project, item: Contract) -> Planned | tuple[Path, Target]:
    """One contract's own file, or (the user's properties file, the entry to manage in it)."""
    target, key = _target(project, item)
    other = project.patches.get(key)
    _check_placement(project, item, key, target, other)
    # the --execution flag, else the contract's `execution:`, else the project's / default
    mode = project.execution or item.contract.execution or project.default_mode
    doc = _document(item, mode, project.custom_tests)
    if other is not None:
        node = generated_node(doc, key[0])
        return other, Target(key[0], key[1], node, contract_keys(item), item.display)
    source_name = Path(os.path.relpath(item.path, project.dir)).as_posix()
    return Planned(target, render(doc, source_name), item)


def _target(project: _Project, item: Contract) -> tuple[Path, tuple[str, str]]:
    """The `_dativo__` file of a contract's node, and the node's (kind, name)."""
    c = item.contract
    ref = c.source_ref
    if ref is not None:
        target = project.model_dirs[0] / f"{PREFIX}{ref.name}__{ref.table}.yml"
        return target, ("source", f"{ref.name}.{ref.table}")
    sql = _find_model(project.model_dirs, c.node_name)
    if sql is None:
        dirs = ", ".join(os.path.relpath(d, project.dir) for d in project.model_dirs)
        raise DativoError(
            f"data_contract.model: no dbt model {c.node_name!r} (no {c.node_name}.sql "
            f"under {dirs})",
            path=item.display,
            line=item.line("model") or item.line("name"),
        )
    return sql.parent / f"{PREFIX}{c.node_name}.yml", ("model", c.node_name)


def _check_placement(
    project: _Project, item: Contract, key: tuple[str, str], target: Path, other: Path | None
) -> None:
    """Refuse a placement the project does not allow, and overwriting a user's file."""
    if other is not None and project.placement == "separate":
        raise _conflict(item, key, other, project.dir)
    if other is None and project.placement == "in_place":
        raise DativoError(
            f"placement `in_place`: no properties file under the model paths describes "
            f"{key[0]} {key[1]!r}; add an entry for it, or use placement `auto`",
            path=item.display,
            line=item.line("model") or item.line("source") or item.line("name"),
        )
    if other is None and target.exists() and not is_generated(target):
        raise DativoError(
            f"{os.path.relpath(target, project.dir)} exists and was not written by dativo-dbt; "
            "refusing to overwrite it: rename or delete it, then run generate again",
            path=item.display,
            line=item.line("name"),
        )


def _orphans(model_dirs: list[Path], planned: list[Planned]) -> list[Path]:
    """Generated files under the model paths that no planned file is."""
    wanted = {p.path.resolve() for p in planned}
    orphans = []
    for d in model_dirs:
        if d.is_dir():
            for path in sorted(d.rglob(f"{PREFIX}*.yml")):
                if (
                    "dbt_packages" not in path.parts
                    and path.resolve() not in wanted
                    and is_generated(path)
                ):
                    orphans.append(path)
    return orphans


def generate(
    project_dir: Path,
    contracts_dir: Path,
    *,
    check: bool = False,
    execution: str | None = None,
    placement: str | None = None,
) -> Result:
    planned, orphans = plan(project_dir, contracts_dir, execution=execution, placement=placement)
    result = Result([], [], [], [])
    for p in planned:
        current = p.path.read_text(encoding="utf-8") if p.path.exists() else None
        if current == p.content:
            result.unchanged.append(p.path)
        elif check:
            result.stale.append(p.path)
        else:
            _replace(p.path, p.content)
            result.written.append(p.path)
    for orphan in orphans:
        if check:
            result.stale.append(orphan)
        else:
            try:
                orphan.unlink()
            except OSError as exc:
                raise DativoError(f"cannot remove: {exc.strerror or exc}", path=orphan) from None
            result.removed.append(orphan)
    return result


def _replace(path: Path, content: str) -> None:
    """Write `path` through `<name>.tmp` and a rename: never a half-written file, and the temp
    file is removed when writing fails or is interrupted (Ctrl-C)."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(content, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise DativoError(f"cannot write: {exc.strerror or exc}", path=path) from None
        raise
