"""Which schema tests `generate` writes for a `schema_contract`, and the DQ109 gate rule."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from dativo_dbt.checks.contract_tests import build_tests
from dativo_dbt.checks.validate import load_contracts
from dativo_dbt.config.model import DativoConfig
from dativo_dbt.generate.builder import properties
from dativo_dbt.scoring.gates import evaluate_gate
from dativo_dbt.scoring.models import CheckResult

ASSET = """
asset:
  name: t
  schema:
    - {name: id, type: int, required: true}
    - {name: email, type: string, required: true}
    - {name: amount, type: "decimal(10,2)"}
  data_contract:
    inline_checks:
      - {type: null_check, columns: [id]}
"""


def _contract(
    tmp_path: Path, target: str, action: str, schema_contract: str
) -> list[tuple[Any, ...]]:
    root = tmp_path / "contracts"
    root.mkdir()
    (root / "t.asset.yml").write_text(ASSET)
    (root / "t.contract.yml").write_text(
        f"data_contract:\n  name: t\n  version: '1'\n  {target}\n  asset_ref: t.asset.yml\n"
        f"  schema_contract: {schema_contract}\n"
        f"  violation_handling: {{on_schema_violation: {action}}}\n"
    )
    (item,) = load_contracts(root)
    return [(s.check, s.mapped.test, s.mapped.arguments, s.action, s.dimension)
            for s in build_tests(item) if s.origin == "schema"]  # fmt: skip


FULL = "{strict_mode: true, allow_type_changes: false}"
COLUMNS = ("schema_columns", "dativo_dbt.schema_columns_match",
           {"columns": ["id", "email", "amount"]})  # fmt: skip
TYPES = ("schema_types", "dativo_dbt.schema_column_types", {"columns": [
    {"name": "id", "type": "integer"}, {"name": "email", "type": "text"},
    {"name": "amount", "type": "numeric(10,2)"}]})  # fmt: skip
# id has an inline null_check already: only email gets the required check
REQUIRED = ("schema_required_email", "dbt_expectations.expect_column_values_to_not_be_null", {})


@pytest.mark.parametrize(
    ("target", "action", "expected"),
    [
        ("source: raw.t", "block", [COLUMNS, TYPES, REQUIRED]),
        ("source: raw.t", "warn", [COLUMNS, TYPES, REQUIRED]),
        ("model: t", "warn", [COLUMNS, TYPES, REQUIRED]),
        ("model: t", "quarantine", [COLUMNS, TYPES, REQUIRED]),
        ("model: t", "block", [REQUIRED]),  # dbt's enforced model contract checks names and types
    ],
)
def test_schema_tests_per_target_and_action(
    tmp_path: Path, target: str, action: str, expected: list[tuple[Any, ...]]
) -> None:
    got = _contract(tmp_path, target, action, FULL)
    assert [g[:3] for g in got] == expected
    assert {(g[3], g[4]) for g in got} == {(action, "consistency")}


def test_only_the_flags_set_give_tests(tmp_path: Path) -> None:
    got = _contract(tmp_path, "model: t", "warn", "{allow_nullable_expansion: false}")
    assert [g[:3] for g in got] == [REQUIRED]


def test_no_schema_contract_no_schema_tests(tmp_path: Path) -> None:
    root = tmp_path / "contracts"
    root.mkdir()
    (root / "t.asset.yml").write_text(ASSET)
    (root / "t.contract.yml").write_text(
        "data_contract:\n  name: t\n  version: '1'\n  model: t\n  asset_ref: t.asset.yml\n"
    )
    (item,) = load_contracts(root)
    assert [s for s in build_tests(item) if s.origin == "schema"] == []


def test_source_strict_mode_properties(tmp_path: Path) -> None:
    root = tmp_path / "contracts"
    root.mkdir()
    (root / "t.asset.yml").write_text(ASSET)
    (root / "t.contract.yml").write_text(
        "data_contract:\n  name: t\n  version: '1'\n  source: raw.t\n  asset_ref: t.asset.yml\n"
        f"  schema_contract: {FULL}\n"
    )
    (item,) = load_contracts(root)
    doc = properties(item)
    table = doc["sources"][0]["tables"][0]
    assert "contract" not in table["config"]
    tests = [next(iter(t)) for t in table["data_tests"]]
    assert tests == ["dativo_dbt.schema_columns_match", "dativo_dbt.schema_column_types"]
    body = next(iter(table["data_tests"][0].values()))
    assert body["config"]["severity"] == "error"  # block (the default) -> error


def _check(check: str, origin: str, status: str, dbt_severity: str) -> CheckResult:
    passed = status == "pass"
    return CheckResult(
        unique_id=f"test.p.{check}", name=check, check=check, check_type="strict_mode",
        test_name=None, test_namespace=None, model_unique_id="model.p.t", column=None,
        dimension="consistency", scored_dimension="consistency", severity="critical",
        weight=3.0, status=status, scored=True, passed=passed, origin=origin,  # type: ignore[arg-type]
        dbt_severity=dbt_severity,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("check", "codes"),
    [
        (_check("schema_columns", "schema", "fail", "error"), ["DATIVO-DQ109"]),
        (_check("schema_types", "schema", "error", "error"), ["DATIVO-DQ109"]),
        (_check("schema_columns", "schema", "warn", "warn"), []),  # warn / quarantine
        (_check("schema_columns", "schema", "pass", "error"), []),
        (_check("email_format", "soda", "fail", "error"), []),  # not a schema check
    ],
)
def test_dq109_only_for_failed_block_schema_checks(check: CheckResult, codes: list[str]) -> None:
    gate = evaluate_gate(checks=[check], score=None, tier=None, columns=None, config=DativoConfig())
    got = [v.code for v in gate.violations if v.code == "DATIVO-DQ109"]
    assert got == codes
    if codes:
        assert not gate.passed
        assert check.check in gate.violations[-1].message
