"""A validated contract -> the dbt properties (tests with config + meta.dativo) for its node.

The output follows docs/INTERFACES.md §1: model-level `config.meta.dativo`, and per test a stable
`name`, `arguments:` (dbt >= 1.10), `config: {severity, tags, meta.dativo, [store_failures, schema]}`.
The tests themselves come from `contract_tests.build_tests`.
"""

from __future__ import annotations

import re
from typing import Any

from dativo_dbt.artifacts.interface import (
    ModelMeta,
    NotificationMeta,
    QuarantineMeta,
    SlaMeta,
    TestMeta,
)
from dativo_dbt.checks.contract_tests import build_tests
from dativo_dbt.checks.mapping import dbt_severity, source_age
from dativo_dbt.checks.spec import TestSpec
from dativo_dbt.contracts.contract import Contract, timestamp_column
from dativo_dbt.contracts.fields import normalize_severity
from dativo_dbt.contracts.models import Sla, SourceRef
from dativo_dbt.contracts.types import contract_data_type

QUARANTINE_SCHEMA = "{{ var('dativo_dbt_quarantine_schema', 'dativo_quarantine') }}"

Entry = dict[str, Any]  # one `data_tests:` entry, `{<test>: {name, arguments, config}}`


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9_]+", "_", text.lower()).strip("_") or "check"


def model_meta(item: Contract) -> ModelMeta:
    """The node's `meta.dativo` (artifacts.interface.ModelMeta)."""
    c = item.contract
    vh = c.violation_handling
    return ModelMeta(
        contract=c.name,
        contract_version=c.version,
        owner=c.owner,
        tier=c.tier,
        status=c.status,
        on_quality_violation=vh.on_quality_violation,
        on_schema_violation=vh.on_schema_violation,
        on_sla_violation=vh.on_sla_violation,
        notification=NotificationMeta(
            channels=list(vh.notification.channels) if vh.notification else [],
            recipients=list(vh.notification.recipients) if vh.notification else [],
        ),
        quarantine=QuarantineMeta(
            enabled=bool(vh.quarantine.enabled)
            if vh.quarantine
            else vh.on_quality_violation == "quarantine",
            retention_days=vh.quarantine.retention_days if vh.quarantine else None,
        ),
        classification=c.classification or None,
        tags=list(c.tags) if c.tags else None,
        documentation_url=c.documentation_url or None,
        schema_contract=c.schema_contract.model_dump() if c.schema_contract else None,
        sla=_sla_meta(c.sla) if c.sla else None,
    )


def _sla_meta(sla: Sla) -> SlaMeta:
    return SlaMeta(
        freshness_max_age_hours=sla.freshness.max_age_hours if sla.freshness else None,
        min_records_per_day=sla.completeness.min_records_per_day if sla.completeness else None,
        uptime_percentage=sla.availability.uptime_percentage if sla.availability else None,
    )


def test_entry(item: Contract, spec: TestSpec, used_names: set[str]) -> Entry:
    """One test of the properties file: a name unique among `used_names`, its arguments, and its
    config (severity, tags, meta.dativo, the quarantine store)."""
    c = item.contract
    name = f"dativo_{slug(c.name)}__{slug(spec.check)}"
    base, n = name, 2
    while name in used_names:
        name, n = f"{base}_{n}", n + 1
    used_names.add(name)
    meta = TestMeta(
        contract=c.name,
        contract_version=c.version,
        check=spec.check,
        check_type=spec.check_type,
        origin=spec.origin,
        dimension=spec.dimension,
        severity=spec.severity,
        weight=spec.weight,
        column=spec.column,
        execution=spec.execution or None,
    )
    config: dict[str, Any] = {
        "severity": dbt_severity(spec.action, spec.severity),
        "tags": ["dativo", f"dativo__{slug(c.name)}"],
        "meta": {"dativo": meta.to_dict()},
    }
    quarantine = c.violation_handling.quarantine
    if spec.action == "quarantine" and (quarantine is None or quarantine.enabled):
        config["store_failures"] = True
        config["schema"] = QUARANTINE_SCHEMA
    body: dict[str, Any] = {"name": name}
    if spec.mapped.arguments:
        body["arguments"] = spec.mapped.arguments
    body["config"] = config
    return {spec.mapped.test: body}


def properties(item: Contract) -> dict[str, Any]:
    """The whole properties document (`version: 2` + models/sources) for one contract."""
    c = item.contract
    column_tests, node_tests = _entries(item)
    strict = (
        bool(c.schema_contract and c.schema_contract.strict_mode and item.asset)
        and c.source is None
        and c.violation_handling.on_schema_violation == "block"
    )
    columns = _columns(item, column_tests, strict)
    meta = {"meta": {"dativo": model_meta(item).to_dict()}}
    node: dict[str, Any]
    if c.source_ref is None:
        config: dict[str, Any] = {}
        if strict:
            config["contract"] = {"enforced": True}
        config.update(meta)
        node = {"name": c.node_name}
        if c.description:
            node["description"] = c.description
        node["config"] = config
        _add_tests(node, columns, node_tests)
        return {"version": 2, "models": [node]}
    return {"version": 2, "sources": [_source(item, c.source_ref, meta, columns, node_tests)]}


def _entries(item: Contract) -> tuple[dict[str, list[Entry]], list[Entry]]:
    """The contract's test entries: per column they attach to, and the node-level ones."""
    used: set[str] = set()
    column_tests: dict[str, list[Entry]] = {}
    node_tests: list[Entry] = []
    for spec in build_tests(item):
        entry = test_entry(item, spec, used)
        if spec.mapped.column:
            column_tests.setdefault(spec.mapped.column, []).append(entry)
        else:
            node_tests.append(entry)
    return column_tests, node_tests


def _columns(
    item: Contract, column_tests: dict[str, list[Entry]], strict: bool
) -> list[dict[str, Any]]:
    """Every asset column, with or without a check (coverage counts them), then the other
    columns that have tests."""
    columns: list[dict[str, Any]] = []
    listed: set[str] = set()
    for col in item.asset.schema_ if item.asset else []:
        column: dict[str, Any] = {"name": col.name}
        if col.description:
            column["description"] = col.description
        if strict:
            column["data_type"] = contract_data_type(col.type)
        if col.classification:
            column["config"] = {"meta": {"dativo": {"classification": col.classification}}}
        if col.name in column_tests:
            column["data_tests"] = column_tests[col.name]
        columns.append(column)
        listed.add(col.name)
    for name in sorted(set(column_tests) - listed):
        columns.append({"name": name, "data_tests": column_tests[name]})
    return columns


def _add_tests(node: dict[str, Any], columns: list[dict[str, Any]], tests: list[Entry]) -> None:
    if columns:
        node["columns"] = columns
    if tests:
        node["data_tests"] = tests


def _source(
    item: Contract,
    ref: SourceRef,
    meta: dict[str, Any],
    columns: list[dict[str, Any]],
    node_tests: list[Entry],
) -> dict[str, Any]:
    """The `sources:` entry of a source contract: its one table, with dbt source freshness."""
    c = item.contract
    table: dict[str, Any] = {"name": ref.table}
    if ref.identifier:
        table["identifier"] = ref.identifier
    if c.description:
        table["description"] = c.description
    tconfig: dict[str, Any] = _source_freshness(item)
    tconfig.update(meta)
    table["config"] = tconfig
    _add_tests(table, columns, node_tests)
    source: dict[str, Any] = {"name": ref.name}
    if ref.database:
        source["database"] = ref.database
    if ref.schema_:
        source["schema"] = ref.schema_
    source["tables"] = [table]
    return source


def _source_freshness(item: Contract) -> dict[str, Any]:
    """`loaded_at_field` + `freshness` of a source table with an enabled SLA freshness block:
    error_after when a violation blocks and the check is critical, else warn_after."""
    c = item.contract
    fresh = c.sla.freshness if c.sla else None
    if fresh is None or not fresh.enabled:
        return {}
    level = (
        "error_after"
        if c.violation_handling.on_sla_violation == "block"
        and normalize_severity(fresh.severity) == "critical"
        else "warn_after"
    )
    interval = source_age(fresh.max_age_hours)
    return {
        "loaded_at_field": timestamp_column(item, "freshness"),
        "freshness": {level: {"count": interval["interval"], "period": interval["datepart"]}},
    }
