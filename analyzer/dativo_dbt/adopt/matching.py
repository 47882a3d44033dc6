"""The user's dbt tests as contract checks, and the key that says two checks are the same test.

`init` writes a user test as the check `as_check` returns; in-place `generate` replaces a user test
whose `test_key` is the key of one of the contract's checks (`contract_keys`), so a test taken
into a contract is managed by it from then on and never runs twice.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from dativo_dbt.contracts.contract import Contract, check_ids
from dativo_dbt.contracts.models import CustomCheck, GreatExpectationsCheck

DE_PREFIX = "dbt_expectations."
# dbt's built-in generic tests -> (expectation, {dbt argument: expectation kwarg})
_BUILTIN: dict[str, tuple[str, dict[str, str]]] = {
    "not_null": ("expect_column_values_to_not_be_null", {}),
    "unique": ("expect_column_values_to_be_unique", {}),
    "accepted_values": ("expect_column_values_to_be_in_set", {"values": "value_set"}),
}
_CUSTOM_BUILTIN = frozenset({"relationships"})
# test config an adopted test may carry (anything else changes what the test does)
_ADOPTABLE_CONFIG = frozenset({"severity"})


def split_entry(entry: Any) -> tuple[str, dict[str, Any], dict[str, Any], str | None] | None:
    """(`test`, arguments, config, name) of a `data_tests:` entry, or None for forms we skip."""
    if isinstance(entry, str):
        return entry, {}, {}, None
    if not isinstance(entry, Mapping) or len(entry) != 1:
        return None
    test, body = next(iter(entry.items()))
    if body is None:
        body = {}
    if not isinstance(body, Mapping):
        return None
    config = dict(body.get("config") or {})
    if "arguments" in body:
        args = dict(body.get("arguments") or {})
        extra = {k for k in body if k not in ("arguments", "config", "name")}
    else:  # kwargs beside config (dbt < 1.10 style)
        args = {k: v for k, v in body.items() if k not in ("config", "name")}
        extra = set()
    if extra:
        return None
    name = body.get("name")
    return str(test), args, config, str(name) if name else None


def is_managed(entry: Any) -> bool:
    """A test entry written by dativo-dbt (its config carries meta.dativo)."""
    split = split_entry(entry)
    if split is None:
        return False
    meta = split[2].get("meta")
    return isinstance(meta, Mapping) and isinstance(meta.get("dativo"), Mapping)


def as_check(
    test: str, column: str | None, args: Mapping[str, Any], config: Mapping[str, Any]
) -> dict[str, Any] | None:
    """The contract check (a `great_expectations` or `custom` entry without name, dimension and
    severity) that runs `test`, or None when it cannot be adopted."""
    if set(config) - _ADOPTABLE_CONFIG or any(_has_jinja(v) for v in args.values()):
        return None
    bare = test.removeprefix("dbt.")
    if bare in _BUILTIN:
        expectation, renames = _BUILTIN[bare]
        if set(args) - set(renames):
            return None
        check: dict[str, Any] = {"expectation": expectation}
        if column:
            check["column"] = column
        check.update({renames[k]: plain(v) for k, v in args.items()})
        return check if column else None
    if bare in _CUSTOM_BUILTIN:
        if not column:
            return None
        return {"test": bare, "column": column, "arguments": plain(dict(args))}
    if test.startswith(DE_PREFIX):
        check = {"expectation": test.removeprefix(DE_PREFIX)}
        if column:
            check["column"] = column
        check.update({str(k): plain(v) for k, v in args.items()})
        return check
    return None


def _has_jinja(value: Any) -> bool:
    if isinstance(value, str):
        return "{{" in value or "{%" in value
    if isinstance(value, Mapping):
        return any(_has_jinja(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_jinja(v) for v in value)
    return False


def plain(value: Any) -> Any:
    """ruamel nodes -> plain Python (dict, list, str, numbers)."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def check_key(check: Mapping[str, Any]) -> str:
    """The identity of a check: what it runs on which column, not its name or scoring."""
    body: dict[str, Any]
    if "test" in check:
        body = {"t": "custom:" + str(check["test"]).removeprefix("dbt.")}
        body["a"] = plain(dict(check.get("arguments") or {}))
    else:
        body = {"t": str(check["expectation"])}
        body["a"] = {
            k: plain(v)
            for k, v in check.items()
            if k not in ("expectation", "column", "name", "dimension", "severity", "description")
        }
    body["c"] = (str(check["column"]).lower()) if check.get("column") else None
    return json.dumps(body, sort_keys=True, default=str)


def test_key(entry: Any, column: str | None) -> str | None:
    split = split_entry(entry)
    if split is None:
        return None
    check = as_check(split[0], column, split[1], split[2])
    return check_key(check) if check is not None else None


def contract_keys(item: Contract) -> set[str]:
    """The keys of the contract's enabled great_expectations and custom checks."""
    keys: set[str] = set()
    for _cid, _origin, check, _path in check_ids(item):
        if not check.enabled:
            continue
        if isinstance(check, GreatExpectationsCheck):
            keys.add(
                check_key(
                    {"expectation": check.expectation_type, "column": check.column} | check.kwargs
                )
            )
        elif isinstance(check, CustomCheck):
            keys.add(
                check_key(
                    {"test": check.test, "column": check.column, "arguments": check.arguments}
                )
            )
    return keys
