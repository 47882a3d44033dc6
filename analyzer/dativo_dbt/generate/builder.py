"""A validated contract -> the dbt properties (tests with config + meta.dativo) for its node.

The output follows docs/INTERFACES.md §1: model-level `config.meta.dativo`, and per test a stable
`name`, `arguments:` (dbt >= 1.10), `config: {severity, tags, meta.dativo, [store_failures, schema]}`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from dativo_dbt.checks import literals
from dativo_dbt.checks.arguments import DE, Mapped, MappingError
from dativo_dbt.checks.custom_tests import custom_arguments
from dativo_dbt.checks.expectations import map_expectation
from dativo_dbt.checks.mapping import (
    COMPOUND_UNIQUE,
    age,
    check_dimension,
    dbt_severity,
    map_soda,
    source_age,
)
from dativo_dbt.contracts.asset import InlineNullCheck, InlineRangeCheck, InlineUniqueCheck
from dativo_dbt.contracts.contract import Contract, check_ids, timestamp_column
from dativo_dbt.contracts.fields import normalize_severity
from dativo_dbt.contracts.models import CustomCheck, GreatExpectationsCheck, SlaCompleteness
from dativo_dbt.contracts.policy import CustomArgumentError
from dativo_dbt.contracts.types import contract_data_type
from dativo_dbt.core.yaml_lines import dotted
from dativo_dbt.errors import DativoError
from dativo_dbt.generate.schema_tests import schema_tests

QUARANTINE_SCHEMA = "{{ var('dativo_dbt_quarantine_schema', 'dativo_quarantine') }}"


@dataclass
class TestSpec:
    """One generated dbt test."""

    check: str
    check_type: str
    origin: str
    mapped: Mapped
    dimension: str
    severity: str
    weight: float | int | None
    action: str  # block | warn | quarantine
    column: str | None  # the column the check is about (meta), may differ from the attach column
    execution: str | None = None  # `per-check`: keeps its own test in batched execution


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9_]+", "_", text.lower()).strip("_") or "check"


def build_tests(item: Contract) -> list[TestSpec]:
    """Every enabled check of a contract (and its asset's inline checks) as dbt tests."""
    c = item.contract
    vh = c.violation_handling
    quality = vh.on_quality_violation
    out: list[TestSpec] = []
    for cid, origin, check, path in check_ids(item):
        if not check.enabled:
            continue
        try:
            if origin == "soda":
                mapped, ctype = map_soda(check), check.type
            elif origin == "great_expectations":
                assert isinstance(check, GreatExpectationsCheck)
                ctype = check.expectation_type
                mapped = map_expectation(ctype, check.column, check.kwargs)
            else:
                assert isinstance(check, CustomCheck)
                ctype = "custom"  # docs/INTERFACES.md: check_type `custom`
                args = custom_arguments(check.test, check.arguments, item.policy)
                mapped = Mapped(check.test, check.column, args)
        except (MappingError, literals.LiteralError, CustomArgumentError) as exc:
            raise DativoError(
                f"data_contract.{dotted(path)}: check {cid!r} cannot become a dbt test: {exc}",
                path=item.display,
                line=item.line(*path),
            ) from exc
        column = getattr(check, "column", None)
        out.append(
            TestSpec(
                check=cid,
                check_type=ctype,
                origin=origin,
                mapped=mapped,
                dimension=check.dimension or check_dimension(origin, ctype),
                severity=normalize_severity(check.severity),
                weight=check.weight,
                action=quality,
                column=column,
                execution=check.execution,
            )
        )
    out.extend(_inline_tests(item))
    out.extend(_sla_tests(item))
    out.extend(schema_tests(item, out))
    return out


def _inline_tests(item: Contract) -> list[TestSpec]:
    asset = item.asset
    if asset is None or asset.data_contract is None:
        return []
    link = asset.data_contract
    if not link.enabled or link.enforcement_mode == "disabled":
        return []
    action = (
        "warn"
        if link.enforcement_mode == "warn"
        else item.contract.violation_handling.on_quality_violation
    )
    out: list[TestSpec] = []
    for ic in link.inline_checks:
        if not ic.enabled:
            continue
        severity = normalize_severity(ic.severity)
        dimension = ic.dimension or check_dimension("inline", ic.type)
        base = ic.name or f"inline_{ic.type}"
        specs: list[tuple[str, Mapped, str | None]] = []
        cid: str
        if isinstance(ic, InlineNullCheck):
            for col in ic.columns:
                cid = f"{base}_{col}" if (ic.name is None or len(ic.columns) > 1) else base
                specs.append(
                    (cid, Mapped(f"{DE}.expect_column_values_to_not_be_null", col, {}), col)
                )
        elif isinstance(ic, InlineUniqueCheck):
            cid = base if ic.name else f"{base}_{'_'.join(ic.columns)}"
            if len(ic.columns) == 1:
                specs.append(
                    (
                        cid,
                        Mapped(f"{DE}.expect_column_values_to_be_unique", ic.columns[0], {}),
                        ic.columns[0],
                    )
                )
            else:
                specs.append(
                    (cid, Mapped(COMPOUND_UNIQUE, None, {"column_list": list(ic.columns)}), None)
                )
        elif isinstance(ic, InlineRangeCheck):
            cid = base if ic.name else f"{base}_{ic.column}"
            args: dict[str, Any] = {}
            if ic.min is not None:
                args["min_value"] = literals.number(ic.min)
            if ic.max is not None:
                args["max_value"] = literals.number(ic.max)
            specs.append(
                (
                    cid,
                    Mapped(f"{DE}.expect_column_values_to_be_between", ic.column, args),
                    ic.column,
                )
            )
        for check_id, mapped, about in specs:
            out.append(
                TestSpec(
                    check_id,
                    ic.type,
                    "inline",
                    mapped,
                    dimension,
                    severity,
                    ic.weight,
                    action,
                    about,
                )
            )
    return out


def _sla_tests(item: Contract) -> list[TestSpec]:
    sla = item.contract.sla
    if sla is None:
        return []
    action = item.contract.violation_handling.on_sla_violation
    out: list[TestSpec] = []
    fresh = sla.freshness
    if fresh is not None and fresh.enabled and item.contract.source is None:
        col = timestamp_column(item, "freshness")
        assert col is not None  # checked by the loader
        out.append(
            TestSpec(
                "sla_freshness",
                "sla_freshness",
                "sla",
                Mapped("dativo_dbt.recent_data", col, age(fresh.max_age_hours)),
                fresh.dimension or check_dimension("sla", "sla_freshness"),
                normalize_severity(fresh.severity),
                fresh.weight,
                action,
                col,
            )
        )
    comp = sla.completeness
    if comp is not None and comp.enabled:
        col = timestamp_column(item, "completeness")
        assert col is not None
        out.append(
            TestSpec(
                "sla_completeness",
                "sla_completeness",
                "sla",
                Mapped("dativo_dbt.min_records_per_day", col, _completeness_args(comp)),
                comp.dimension or check_dimension("sla", "sla_completeness"),
                normalize_severity(comp.severity),
                comp.weight,
                action,
                col,
            )
        )
    return out


def _completeness_args(comp: SlaCompleteness) -> dict[str, Any]:
    args: dict[str, Any] = {"min_records": comp.min_records_per_day}
    if comp.lookback_days is not None:
        args["lookback_days"] = comp.lookback_days
    return args


# --------------------------------------------------------------------------------------------
# properties


def model_meta(item: Contract) -> dict[str, Any]:
    c = item.contract
    vh = c.violation_handling
    meta: dict[str, Any] = {
        "contract": c.name,
        "contract_version": c.version,
        "owner": c.owner,
        "tier": c.tier,
        "status": c.status,
        "on_quality_violation": vh.on_quality_violation,
        "on_schema_violation": vh.on_schema_violation,
        "on_sla_violation": vh.on_sla_violation,
        "notification": {
            "channels": list(vh.notification.channels) if vh.notification else [],
            "recipients": list(vh.notification.recipients) if vh.notification else [],
        },
        "quarantine": {
            "enabled": bool(vh.quarantine.enabled)
            if vh.quarantine
            else vh.on_quality_violation == "quarantine",
            "retention_days": vh.quarantine.retention_days if vh.quarantine else None,
        },
    }
    if c.classification:
        meta["classification"] = c.classification
    if c.tags:
        meta["tags"] = list(c.tags)
    if c.documentation_url:
        meta["documentation_url"] = c.documentation_url
    if c.schema_contract:
        meta["schema_contract"] = c.schema_contract.model_dump()
    if c.sla:
        sla: dict[str, Any] = {}
        if c.sla.freshness:
            sla["freshness_max_age_hours"] = c.sla.freshness.max_age_hours
        if c.sla.completeness:
            sla["min_records_per_day"] = c.sla.completeness.min_records_per_day
        if c.sla.availability:
            sla["uptime_percentage"] = c.sla.availability.uptime_percentage
        meta["sla"] = sla
    return meta


def test_entry(item: Contract, spec: TestSpec, used_names: set[str]) -> dict[str, Any]:
    c = item.contract
    name = f"dativo_{slug(c.name)}__{slug(spec.check)}"
    base, n = name, 2
    while name in used_names:
        name, n = f"{base}_{n}", n + 1
    used_names.add(name)
    config: dict[str, Any] = {
        "severity": dbt_severity(spec.action, spec.severity),
        "tags": ["dativo", f"dativo__{slug(c.name)}"],
        "meta": {
            "dativo": {
                "contract": c.name,
                "contract_version": c.version,
                "check": spec.check,
                "check_type": spec.check_type,
                "origin": spec.origin,
                "dimension": spec.dimension,
                "severity": spec.severity,
                "weight": spec.weight,
                "column": spec.column,
            }
        },
    }
    if spec.execution:
        config["meta"]["dativo"]["execution"] = spec.execution
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
    specs = build_tests(item)
    used: set[str] = set()
    column_tests: dict[str, list[dict[str, Any]]] = {}
    node_tests: list[dict[str, Any]] = []
    for spec in specs:
        entry = test_entry(item, spec, used)
        if spec.mapped.column:
            column_tests.setdefault(spec.mapped.column, []).append(entry)
        else:
            node_tests.append(entry)
    strict = (
        bool(c.schema_contract and c.schema_contract.strict_mode and item.asset)
        and c.source is None
        and c.violation_handling.on_schema_violation == "block"
    )
    columns: list[dict[str, Any]] = []
    asset_cols = item.asset.schema_ if item.asset else []
    listed: set[str] = set()
    for col in asset_cols:  # every asset column, with or without a check (coverage counts them)
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
    meta = {"meta": {"dativo": model_meta(item)}}
    node: dict[str, Any]
    ref = c.source_ref
    if ref is None:
        config: dict[str, Any] = {}
        if strict:
            config["contract"] = {"enforced": True}
        config.update(meta)
        node = {"name": c.node_name}
        if c.description:
            node["description"] = c.description
        node["config"] = config
        if columns:
            node["columns"] = columns
        if node_tests:
            node["data_tests"] = node_tests
        return {"version": 2, "models": [node]}
    table: dict[str, Any] = {"name": ref.table}
    if ref.identifier:
        table["identifier"] = ref.identifier
    if c.description:
        table["description"] = c.description
    tconfig: dict[str, Any] = {}
    fresh = c.sla.freshness if c.sla else None
    if fresh is not None and fresh.enabled:
        loaded_at = timestamp_column(item, "freshness")
        level = (
            "error_after"
            if c.violation_handling.on_sla_violation == "block"
            and normalize_severity(fresh.severity) == "critical"
            else "warn_after"
        )
        interval = source_age(fresh.max_age_hours)
        tconfig["loaded_at_field"] = loaded_at
        tconfig["freshness"] = {
            level: {"count": interval["interval"], "period": interval["datepart"]}
        }
    tconfig.update(meta)
    table["config"] = tconfig
    if columns:
        table["columns"] = columns
    if node_tests:
        table["data_tests"] = node_tests
    source: dict[str, Any] = {"name": ref.name}
    if ref.database:
        source["database"] = ref.database
    if ref.schema_:
        source["schema"] = ref.schema_
    source["tables"] = [table]
    return {"version": 2, "sources": [source]}
