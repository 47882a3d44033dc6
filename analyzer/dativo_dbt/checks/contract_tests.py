"""A validated contract -> every dbt test `generate` writes for it (`TestSpec`s, in order).

Quality checks (soda, great_expectations, custom) and SLA blocks here; an asset's inline checks
in `inline_tests`, the `schema_contract` tests in `schema_tests`.
"""

from __future__ import annotations

from typing import Any

from dativo_dbt.checks import literals
from dativo_dbt.checks.arguments import Mapped, MappingError
from dativo_dbt.checks.custom_tests import custom_arguments
from dativo_dbt.checks.expectations import map_expectation
from dativo_dbt.checks.inline_tests import inline_tests
from dativo_dbt.checks.mapping import age, check_dimension, map_soda
from dativo_dbt.checks.schema_tests import schema_tests
from dativo_dbt.checks.spec import TestSpec
from dativo_dbt.contracts.contract import Contract, check_ids, timestamp_column
from dativo_dbt.contracts.fields import normalize_severity
from dativo_dbt.contracts.models import CustomCheck, GreatExpectationsCheck, SlaCompleteness
from dativo_dbt.contracts.policy import CustomArgumentError
from dativo_dbt.core.errors import DativoError
from dativo_dbt.core.yaml_lines import dotted


def build_tests(item: Contract) -> list[TestSpec]:
    """Every enabled check of a contract (and its asset's inline checks) as dbt tests."""
    out = _quality_tests(item)
    out.extend(inline_tests(item))
    out.extend(_sla_tests(item))
    out.extend(schema_tests(item, out))
    return out


def _quality_tests(item: Contract) -> list[TestSpec]:
    """The enabled `quality_checks` (soda, great_expectations, custom)."""
    quality = item.contract.violation_handling.on_quality_violation
    out: list[TestSpec] = []
    for cid, origin, check, path in check_ids(item):
        if not check.enabled:
            continue
        try:
            mapped, ctype = _mapped(item, origin, check)
        except (MappingError, literals.LiteralError, CustomArgumentError) as exc:
            raise DativoError(
                f"data_contract.{dotted(path)}: check {cid!r} cannot become a dbt test: {exc}",
                path=item.display,
                line=item.line(*path),
            ) from exc
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
                column=getattr(check, "column", None),
                execution=check.execution,
            )
        )
    return out


def _mapped(item: Contract, origin: str, check: Any) -> tuple[Mapped, str]:
    """(the dbt test, check_type) of one quality check."""
    if origin == "soda":
        return map_soda(check), check.type
    if origin == "great_expectations":
        assert isinstance(check, GreatExpectationsCheck)
        ctype = check.expectation_type
        return map_expectation(ctype, check.column, check.kwargs), ctype
    assert isinstance(check, CustomCheck)
    args = custom_arguments(check.test, check.arguments, item.policy)
    return Mapped(check.test, check.column, args), "custom"  # INTERFACES.md: check_type `custom`


def _sla_tests(item: Contract) -> list[TestSpec]:
    """The enabled SLA blocks: freshness (models only; a source's is dbt source freshness) and
    completeness."""
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
