"""Find the contract and asset files, read and validate each one (YAML with lines, `${VAR}`,
Jinja refusal, the pydantic models)."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import ValidationError

from dativo_dbt.contracts.contract import LoadedFile
from dativo_dbt.contracts.jinja import jinja_errors
from dativo_dbt.contracts.models import ContractFile
from dativo_dbt.core.envvars import resolve_env
from dativo_dbt.core.errors import DativoError
from dativo_dbt.core.pydantic_errors import validation_errors
from dativo_dbt.core.yaml_lines import load_yaml

# where seed 000 uses ${VAR}: the quarantine/notification settings and the file links
ENV_PATHS: tuple[tuple[str, ...], ...] = (
    ("data_contract", "violation_handling"),
    ("data_contract", "asset_ref"),
    ("asset", "data_contract", "contract_path"),
)


def contract_files(directory: Path) -> list[Path]:
    """Every `*.yml` / `*.yaml` file under `directory`, in path order."""
    found = [p for p in directory.rglob("*") if p.suffix in (".yml", ".yaml")]
    for p in found:  # a contract behind a looping or dangling link must not vanish silently
        if p.is_symlink() and not p.exists():
            raise DativoError(
                "symbolic link does not resolve (a loop, or a missing target)", path=p
            )
    files = [p for p in found if p.is_file()]
    return sorted(files, key=lambda p: p.relative_to(directory).as_posix())


def read_files(directory: Path, root: Path) -> tuple[list[LoadedFile], list[DativoError]]:
    """The files under `directory` that validate, and the problems of the others (`root`: what
    file names in messages are relative to)."""
    errors: list[DativoError] = []
    loaded: list[LoadedFile] = []
    for path in contract_files(directory):
        item = read_file(path, display(path, root), errors)
        if item is not None:
            loaded.append(item)
    return loaded, errors


def read_file(path: Path, shown: str, errors: list[DativoError]) -> LoadedFile | None:
    """One file, validated (None, with its problems added to `errors`, when it is not valid)."""
    try:
        raw = load_yaml(path, shown)
    except DativoError as exc:
        errors.append(exc)
        return None
    if raw is None:
        errors.append(
            DativoError(
                "the file is empty; expected a top-level `data_contract:` or `asset:` key",
                path=shown,
            )
        )
        return None
    env_errors = resolve_env(raw, shown, ENV_PATHS) + jinja_errors(raw, shown)
    errors.extend(env_errors)
    try:
        model = ContractFile.model_validate(raw)
    except ValidationError as exc:
        # one message per field: a Jinja refusal already explains that field
        fields = {e.message.split(": ", 1)[0] for e in env_errors}
        errors.extend(
            e
            for e in validation_errors(exc, raw, shown, ContractFile)
            if e.message.split(": ", 1)[0] not in fields
        )
        return None
    return None if env_errors else LoadedFile(path, shown, raw, model)


def display(path: Path, root: Path) -> str:
    """`path` relative to `root` when it can be (as messages show it)."""
    try:
        return os.path.relpath(path, root)
    except ValueError:
        return str(path)
