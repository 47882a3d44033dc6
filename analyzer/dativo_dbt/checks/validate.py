"""Load and validate contract and asset files; every problem names file, line, field and expectation.

`load_contracts(dir)` reads every `*.yml`/`*.yaml` under the contracts directory, resolves
`${VAR}` placeholders (in `violation_handling` and the paths that link contracts and assets, where
seed 000 uses them), validates against the pydantic models, pairs each contract with its asset and
checks that every referenced column exists (asset schema; dbt's catalog.json, or without it the
manifest's columns of a model with an enforced contract: DATIVO-DQ105). All problems of all files
are collected, then raised together.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dativo_dbt.checks.arguments import MappingError
from dativo_dbt.checks.columns import asset_column_errors
from dativo_dbt.checks.contract_tests import build_tests
from dativo_dbt.checks.custom_tests import custom_arguments, project_policy
from dativo_dbt.checks.dbt_columns import check_against_dbt
from dativo_dbt.checks.expectations import map_expectation
from dativo_dbt.contracts.contract import Contract, check_ids
from dativo_dbt.contracts.loader import read_contracts
from dativo_dbt.contracts.models import CustomCheck, GreatExpectationsCheck
from dativo_dbt.contracts.policy import CustomArgumentError, CustomPolicy
from dativo_dbt.contracts.rules import Duplicates, sla_errors
from dativo_dbt.core.errors import DativoError, DativoErrors
from dativo_dbt.core.yaml_lines import dotted


def load_contracts(
    directory: Path,
    *,
    project_dir: Path | None = None,
    display_root: Path | None = None,
    policy: CustomPolicy | None = None,
) -> list[Contract]:
    """Load, validate and cross-check every contract under `directory` (raises DativoErrors).

    `policy`: which tests custom checks may name (default: the project's, see `project_policy`)."""
    if not directory.is_dir():
        raise DativoError(f"no contracts directory at {directory}", path=directory)
    policy = policy if policy is not None else project_policy(project_dir)
    contracts, errors = read_contracts(directory, display_root or Path.cwd())
    for item in contracts:
        item.policy = policy
    duplicates = Duplicates()
    for item in contracts:
        errors.extend(duplicates.check(item))
        errors.extend(check_contract(item))
    if project_dir is not None:
        errors.extend(check_against_dbt(contracts, project_dir))
    if errors:
        errors.sort(key=lambda e: (e.path or "", e.line or 0))
        raise DativoErrors(errors)
    return contracts


def check_contract(item: Contract) -> list[DativoError]:
    """Every problem of one contract: check names used twice, checks that cannot become dbt tests,
    columns missing from the asset schema, SLA blocks; then what `build_tests` refuses."""
    errors: list[DativoError] = []
    seen: dict[str, tuple[Any, ...]] = {}
    for cid, origin, check, path in check_ids(item):
        if cid in seen:
            errors.append(
                DativoError(
                    f"data_contract.{dotted(path)}.name: check name {cid!r} is used twice "
                    f"(also {dotted(seen[cid])}); check names are unique per contract",
                    path=item.display,
                    line=item.line(*path, "name"),
                )
            )
        seen.setdefault(cid, path)
        if origin == "great_expectations":
            assert isinstance(check, GreatExpectationsCheck)
            errors.extend(_check_expectation(item, check, path))
        if origin == "custom":
            errors.extend(_check_custom(item, check, path))
    errors.extend(asset_column_errors(item))
    errors.extend(sla_errors(item))
    if not errors:  # whatever generate would refuse, validate reports too
        try:
            build_tests(item)
        except DativoError as exc:
            errors.append(exc)
    return errors


def _check_custom(item: Contract, check: CustomCheck, path: tuple[Any, ...]) -> list[DativoError]:
    """The test a custom check names and its arguments (README "Security model")."""
    try:
        custom_arguments(check.test, check.arguments, item.policy)
    except CustomArgumentError as exc:
        where = (*path, "arguments", exc.key) if exc.key else (*path, "test")
        text = str(exc).removeprefix(f"`{exc.key}`: ")
        return [
            DativoError(
                f"data_contract.{dotted(where)}: {text}",
                path=item.display,
                line=item.line(*where),
            )
        ]
    return []


def _check_expectation(
    item: Contract, check: GreatExpectationsCheck, path: tuple[Any, ...]
) -> list[DativoError]:
    """A GE-style check's expectation and arguments (`checks.expectations`)."""
    try:
        map_expectation(check.expectation_type, check.column, check.kwargs)
    except MappingError as exc:
        key = (
            exc.key if exc.key in (check.kwargs or {}) or exc.key in ("name", "column") else "name"
        )
        text = str(exc).removeprefix(f"`{key}`: ")
        return [
            DativoError(
                f"data_contract.{dotted((*path, key))}: {text}",
                path=item.display,
                line=item.line(*path, key),
            )
        ]
    return []
