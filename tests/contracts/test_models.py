"""The pydantic models: the seed's examples load, values are strict, defaults are as documented."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dativo_dbt.contracts.fields import normalize_severity
from dativo_dbt.contracts.models import ContractFile, DataContract
from dativo_dbt.contracts.schema import SCHEMA_FILE, render
from dativo_dbt.core.yaml_lines import load_yaml
from pydantic import ValidationError

from tests.helpers.dbt import REPO_ROOT

EXAMPLES = sorted((REPO_ROOT / "contracts" / "examples").glob("*.yml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_seed_examples_are_valid(path: Path) -> None:
    model = ContractFile.model_validate(load_yaml(path))
    assert model.data_contract is not None or model.asset is not None


def test_stripe_example_fields() -> None:
    model = ContractFile.model_validate(
        load_yaml(REPO_ROOT / "contracts/examples/stripe_customers.contract.yml")
    )
    c = model.data_contract
    assert c is not None
    assert c.sla and c.sla.freshness and c.sla.freshness.max_age_hours == 2
    assert c.sla.availability and c.sla.availability.uptime_percentage == 99.5
    assert c.schema_contract and c.schema_contract.strict_mode is True
    soda = c.quality_checks.soda
    assert soda is not None and [s.type for s in soda.checks] == [
        "regex",
        "uniqueness",
        "range",
        "freshness",
    ]
    ge = c.quality_checks.great_expectations
    assert ge is not None and ge.checks[1].kwargs == {"value_set": ["USD", "EUR", "GBP", "CAD"]}
    assert c.quality_checks.custom[0].test == "balance_within_training_range"
    assert c.violation_handling.on_quality_violation == "quarantine"
    assert c.violation_handling.quarantine and c.violation_handling.quarantine.retention_days == 30
    assert c.node_name == "stripe_customers"


def test_asset_example_fields() -> None:
    model = ContractFile.model_validate(
        load_yaml(REPO_ROOT / "contracts/examples/stripe_customers.asset.yml")
    )
    a = model.asset
    assert a is not None and [c.name for c in a.schema_][:2] == ["id", "email"]
    assert a.data_contract and a.data_contract.enforcement_mode == "strict"
    assert [i.type for i in a.data_contract.inline_checks] == [
        "null_check",
        "unique_check",
        "range_check",
    ]
    assert a.governance and a.governance.retention_days == 90


def _contract(**extra: object) -> dict[str, object]:
    return {"name": "c", "version": "1", **extra}


def test_defaults() -> None:
    c = DataContract.model_validate(_contract())
    assert c.status == "active" and c.tier is None and c.node_name == "c"
    assert c.violation_handling.on_quality_violation == "warn"
    assert c.violation_handling.on_schema_violation == "block"
    check = DataContract.model_validate(
        _contract(
            quality_checks={"soda": {"checks": [{"name": "n", "type": "not_null", "column": "id"}]}}
        )
    ).quality_checks.soda.checks[0]  # type: ignore[union-attr]
    assert check.severity == "warning" and check.enabled is True and check.dimension is None


def test_error_means_critical() -> None:
    assert normalize_severity("error") == "critical"
    assert normalize_severity("info") == "info"


@pytest.mark.parametrize(
    "extra",
    [
        {"owner": 5},  # a number where a string is expected
        {"tier": "platinum"},
        {"model": "bad-name"},
        {"model": "a", "source": "s.t"},
        {"unknown_key": 1},
        {
            "quality_checks": {
                "soda": {"checks": [{"name": "r", "type": "range", "column": "x", "min": "1"}]}
            }
        },
        {"quality_checks": {"soda": {"checks": [{"name": "r", "type": "range", "column": "x"}]}}},
        {
            "quality_checks": {
                "soda": {
                    "checks": [{"name": "r", "type": "range", "column": "x", "min": 5, "max": 1}]
                }
            }
        },
        {"quality_checks": {"soda": {"checks": [{"name": "r", "type": "row_count", "min": True}]}}},
        {"quality_checks": {"soda": {"checks": [{"name": "u", "type": "uniqueness"}]}}},
        {"quality_checks": {"custom": [{"name": "c", "function": "pkg.fn"}]}},
        {"quality_checks": {"custom": [{"name": "c", "test": "x; drop"}]}},
        {"sla": {"freshness": {"max_age_hours": -1}}},
        {"sla": {"completeness": {"min_records_per_day": 1.5}}},
    ],
)
def test_invalid_values_are_rejected(extra: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        DataContract.model_validate(_contract(**extra))


def test_source_forms() -> None:
    a = DataContract.model_validate(_contract(source="shop.orders"))
    assert a.source_ref is not None and (a.source_ref.name, a.source_ref.table) == (
        "shop",
        "orders",
    )
    b = DataContract.model_validate(
        _contract(source={"name": "shop", "table": "orders", "schema": "raw"})
    )
    assert b.node_name == "orders" and b.source_ref is not None and b.source_ref.schema_ == "raw"


def test_json_schema_is_fresh() -> None:
    path = REPO_ROOT / "contracts" / "schema" / SCHEMA_FILE
    assert path.read_text(encoding="utf-8") == render(), (
        "contracts/schema is stale: run `python -m dativo_dbt.contracts.schema`"
    )
    doc = json.loads(render())
    contract = doc["$defs"]["DataContract"]
    assert contract["additionalProperties"] is False
    assert {"name", "version", "sla", "quality_checks", "violation_handling", "tier"} <= set(
        contract["properties"]
    )
