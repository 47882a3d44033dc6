"""`dativo-dbt init`: starter contracts for chosen models and sources from a parsed project.

Each selected node gets `contracts/<name>.contract.yml` holding a `data_contract:` and its
`asset:` (the node's columns, typed from catalog.json when present). The node's existing generic
tests that a contract check can run (not_null, unique, accepted_values, relationships and
dbt-expectations tests, without `where`-style config) become `great_expectations` / `custom` checks
with the default dimension and the test's severity; in-place `generate` then replaces those tests
by the contract's (adopt.matching), so nothing runs twice.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from dativo_dbt.adopt.matching import as_check, check_key
from dativo_dbt.checks.arguments import MappingError
from dativo_dbt.checks.expectations import EXPECTATIONS, map_expectation
from dativo_dbt.checks.literals import LiteralError
from dativo_dbt.checks.mapping import CUSTOM_DIMENSION, check_dimension
from dativo_dbt.core.errors import DativoError, DativoErrors

# test config that changes what a test does: such a test stays the team's own
_BLOCKING_CONFIG = ("where", "limit", "store_failures")
_DEFAULT_THRESHOLD = "!= 0"
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _read_json(path: Path, what: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DativoError(
            f"no {what} here; run `dbt parse` first (or pass its path)", path=path
        ) from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DativoError(f"cannot read {what}: {exc}", path=path) from exc
    if not isinstance(data, dict):
        raise DativoError(f"{what} is not a JSON object", path=path)
    return data


def find_node(manifest: Mapping[str, Any], name: str) -> tuple[str, Mapping[str, Any]] | None:
    """(unique_id, node) of model `name` or source table `source.table`."""
    if "." in name:
        source, _, table = name.partition(".")
        for uid, node in sorted((manifest.get("sources") or {}).items()):
            if node.get("source_name") == source and node.get("name") == table:
                return uid, node
        return None
    for uid, node in sorted((manifest.get("nodes") or {}).items()):
        if node.get("resource_type") == "model" and node.get("name") == name:
            return uid, node
    return None


# warehouse type (lower case, without parameters) -> asset type
_TYPES: dict[str, str] = {
    **dict.fromkeys(("varchar", "text", "string", "char", "character varying", "uuid"), "string"),
    **dict.fromkeys(("integer", "int", "int4", "int32", "mediumint"), "integer"),
    **dict.fromkeys(("bigint", "int8", "int64", "hugeint", "long"), "long"),
    **dict.fromkeys(("smallint", "int2", "tinyint"), "smallint"),
    **dict.fromkeys(("double", "double precision", "float8", "float64"), "double"),
    **dict.fromkeys(("real", "float", "float4"), "float"),
    **dict.fromkeys(("boolean", "bool"), "boolean"),
    "date": "date",
    **dict.fromkeys(
        (
            "timestamp",
            "datetime",
            "timestamptz",
            "timestamp with time zone",
            "timestamp without time zone",
        ),
        "timestamp",
    ),
}
_DECIMAL = re.compile(r"^(?:decimal|numeric)\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)$")


def asset_type(warehouse: str | None) -> str:
    """The asset column type of a warehouse type (unknown or missing: string)."""
    text = (warehouse or "").strip().lower()
    decimal = _DECIMAL.match(text)
    if decimal:
        return f"decimal({decimal.group(1)},{decimal.group(2) or 0})"
    if text in ("decimal", "numeric"):
        return "double"
    return _TYPES.get(re.sub(r"\s*\(.*\)$", "", text), "string")


def _columns(
    node: Mapping[str, Any], catalog_node: Mapping[str, Any] | None
) -> list[dict[str, Any]]:
    """The node's columns: catalog order and types when known, else the manifest's."""
    documented = {str(k).lower(): v for k, v in (node.get("columns") or {}).items()}
    found = (catalog_node or {}).get("columns") or {}
    ordered = sorted(found.values(), key=lambda c: int(c.get("index") or 0))
    names = [str(c["name"]) for c in ordered] or [
        str(c.get("name") or k) for k, c in (node.get("columns") or {}).items()
    ]
    out: list[dict[str, Any]] = []
    for name in names:
        if not _IDENT.match(name):
            continue  # not a contract identifier (quoted names): left to the team's own YAML
        doc = documented.get(name.lower()) or {}
        cat = found.get(name) or found.get(name.upper()) or found.get(name.lower()) or {}
        column: dict[str, Any] = {
            "name": name,
            "type": asset_type(cat.get("type") or doc.get("data_type")),
        }
        description = str(doc.get("description") or "")
        if description and "\n" not in description and "{" not in description:
            column["description"] = description
        out.append(column)
    return out


def _node_tests(
    manifest: Mapping[str, Any], uid: str
) -> list[tuple[str, str | None, dict[str, Any], dict[str, Any]]]:
    """(test, column, arguments, adoptable config) of the generic tests on node `uid`."""
    out = []
    for _tid, test in sorted((manifest.get("nodes") or {}).items()):
        if test.get("resource_type") != "test" or not test.get("test_metadata"):
            continue
        attached = (
            test.get("attached_node") or ((test.get("depends_on") or {}).get("nodes") or [None])[-1]
        )
        if attached != uid:
            continue
        config = test.get("config") or {}
        if (config.get("meta") or {}).get("dativo"):
            continue  # already a contract's
        if (
            any(config.get(k) for k in _BLOCKING_CONFIG)
            or config.get("fail_calc", "count(*)") != "count(*)"
            or any(
                config.get(k, _DEFAULT_THRESHOLD) != _DEFAULT_THRESHOLD
                for k in ("warn_if", "error_if")
            )
        ):
            continue
        meta = test["test_metadata"]
        name = str(meta.get("name"))
        if meta.get("namespace"):
            name = f"{meta['namespace']}.{name}"
        kwargs = dict(meta.get("kwargs") or {})
        column = kwargs.pop("column_name", None) or test.get("column_name")
        kwargs.pop("model", None)
        severity = str(config.get("severity") or "error").lower()
        out.append((name, column, kwargs, {"severity": severity} if severity == "warn" else {}))
    return out


def _maps(check: Mapping[str, Any]) -> bool:
    """Whether generate can write this expectation check (known test, accepted arguments)."""
    expectation = str(check["expectation"])
    if expectation not in EXPECTATIONS:
        return False
    kwargs = {k: v for k, v in check.items() if k not in ("expectation", "column")}
    try:
        map_expectation(expectation, check.get("column"), kwargs)
    except (MappingError, LiteralError):
        return False
    return True


def _checks(
    manifest: Mapping[str, Any], uid: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(great_expectations checks, custom checks) for the node's adoptable tests."""
    expectations: list[dict[str, Any]] = []
    custom: list[dict[str, Any]] = []
    names: set[str] = set()
    seen: set[str] = set()
    for test, column, args, config in _node_tests(manifest, uid):
        check = as_check(test, column, args, config)
        if check is None or check_key(check) in seen:
            continue
        if "expectation" in check and not _maps(check):
            continue  # a dbt-expectations test (or argument) the contract format does not take
        seen.add(check_key(check))
        base = "_".join(p for p in (column, test.rsplit(".", 1)[-1].removeprefix("expect_")) if p)
        name, n = base, 2
        while name in names:
            name, n = f"{base}_{n}", n + 1
        names.add(name)
        severity = "warning" if config.get("severity") == "warn" else "critical"
        if "expectation" in check:
            dimension = check_dimension("great_expectations", str(check["expectation"]))
            expectations.append(
                {"name": name, **check, "dimension": dimension, "severity": severity}
            )
        else:
            custom.append(
                {"name": name, **check, "dimension": CUSTOM_DIMENSION, "severity": severity}
            )
    return expectations, custom


HEADER = (
    "# Starter contract written by `dativo-dbt init` from {uid}.\n"
    "# The checks below are the tests the project already had; `dativo-dbt generate` manages them\n"
    "# from now on (in place, in the model's own properties file). Review owner, tier and severity.\n"
)


def starter(
    uid: str,
    node: Mapping[str, Any],
    manifest: Mapping[str, Any],
    catalog: Mapping[str, Any] | None,
    owner: str | None,
) -> str:
    """The text of the starter contract (contract + asset) of one node."""
    is_source = node.get("resource_type") == "source"
    name = str(node["name"]) if not is_source else f"{node['source_name']}__{node['name']}"
    contract: dict[str, Any] = {"name": name, "version": "1.0"}
    if owner:
        contract["owner"] = owner
    if is_source:
        contract["source"] = f"{node['source_name']}.{node['name']}"
    else:
        contract["model"] = str(node["name"])
    expectations, custom = _checks(manifest, uid)
    quality: dict[str, Any] = {}
    if expectations:
        quality["great_expectations"] = {"checks": expectations}
    if custom:
        quality["custom"] = custom
    if quality:
        contract["quality_checks"] = quality
    # block: a critical check fails the build as the team's error-severity test did
    contract["violation_handling"] = {"on_quality_violation": "block"}
    section = "sources" if is_source else "nodes"
    catalog_node = ((catalog or {}).get(section) or {}).get(uid)
    asset: dict[str, Any] = {"name": name, "schema": _columns(node, catalog_node)}
    body = yaml.safe_dump(
        {"data_contract": contract, "asset": asset},
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=10_000,
    )
    return HEADER.format(uid=uid) + body


def init_contracts(
    project_dir: Path,
    select: list[str],
    *,
    contracts_dir: Path | None = None,
    manifest_path: Path | None = None,
    catalog_path: Path | None = None,
    owner: str | None = None,
    force: bool = False,
) -> list[Path]:
    """Write one starter contract per selected model (`name`) or source table (`source.table`)."""
    manifest = _read_json(
        manifest_path or project_dir / "target" / "manifest.json", "manifest.json"
    )
    catalog_file = catalog_path or project_dir / "target" / "catalog.json"
    catalog = _read_json(catalog_file, "catalog.json") if catalog_file.is_file() else None
    out_dir = contracts_dir or project_dir / "contracts"
    errors: list[DativoError] = []
    planned: list[tuple[Path, str]] = []
    for name in select:
        found = find_node(manifest, name)
        if found is None:
            errors.append(
                DativoError(
                    f"--select {name}: no model (or source table `source.table`) of that name in the manifest"
                )
            )
            continue
        uid, node = found
        target = out_dir / f"{name.replace('.', '__')}.contract.yml"
        if target.exists() and not force:
            errors.append(
                DativoError(
                    f"{os.path.relpath(target)} exists; refusing to overwrite it (use --force)"
                )
            )
            continue
        planned.append((target, starter(uid, node, manifest, catalog, owner)))
    if errors:
        raise DativoErrors(errors)
    out_dir.mkdir(parents=True, exist_ok=True)
    for target, text in planned:
        target.write_text(text, encoding="utf-8")
    return [t for t, _ in planned]
