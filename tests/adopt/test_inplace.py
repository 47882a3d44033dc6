"""In-place placement: generate edits the user's own schema.yml and undoes exactly its edits."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
import yaml
from dativo_dbt.core.errors import DativoErrors
from dativo_dbt.generate.writer import generate

from tests.helpers.dbt import REPO_ROOT, copy_project

FIXTURE = REPO_ROOT / "tests" / "fixtures" / "adopt_project"
CONTRACT = """
data_contract:
  name: orders
  version: "1.0"
  owner: data@example.com
  model: orders
  quality_checks:
    great_expectations:
      checks:
        - {name: order_id_not_null, expectation: expect_column_values_to_not_be_null, column: order_id, severity: critical}
        - {name: amount_positive, expectation: expect_column_values_to_be_between, column: amount, min_value: 0}
  violation_handling: {on_quality_violation: block}
asset:
  name: orders
  schema:
    - {name: order_id, type: integer}
    - {name: order_date, type: date, description: When the order was placed}
    - {name: amount, type: double}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = copy_project(FIXTURE, tmp_path / "project")
    (root / "contracts").mkdir()
    (root / "contracts" / "orders.contract.yml").write_text(CONTRACT)
    return root


def _removed_lines(before: str, after: str) -> list[str]:
    diff = difflib.ndiff(before.splitlines(), after.splitlines())
    return [line[2:] for line in diff if line.startswith("- ")]


@pytest.mark.parametrize("execution", ["per-check", "batched"])
def test_in_place_keeps_the_users_content_and_undoes_exactly(project: Path, execution: str) -> None:
    schema = project / "models" / "schema.yml"
    original = schema.read_text()
    result = generate(project, project / "contracts", execution=execution)
    assert result.written == [schema]
    assert not list(project.rglob("_dativo__*.yml")), "no separate file for a described model"
    edited = schema.read_text()
    # only the user's `not_null` on order_id went (the contract's check runs it now)
    assert [line.strip() for line in _removed_lines(original, edited)] == ["- not_null"]
    for kept in (
        "# Marts: what the business reads.",
        "# selected by the nightly job",
        "'{{ doc(\"orders_status\") }}'",
        "pii: true  # column meta of the team's own",
        "where: \"status != 'returned'\"",
    ):
        assert kept in edited
    doc = yaml.safe_load(edited)
    orders = next(m for m in doc["models"] if m["name"] == "orders")
    assert orders["config"]["meta"]["dativo"]["contract"] == "orders"
    names = [c["name"] for c in orders["columns"]]
    assert names == ["order_id", "customer_id", "status", "amount", "order_date"]
    assert orders["columns"][4]["description"] == "When the order was placed"
    assert "data_tests: []" not in edited and "tests: []" not in edited
    # deterministic and idempotent; --check sees no drift, then sees a hand edit
    again = generate(project, project / "contracts", execution=execution)
    assert again.unchanged == [schema] and schema.read_text() == edited
    assert generate(project, project / "contracts", check=True, execution=execution).stale == []
    schema.write_text(edited.replace("order_id_not_null", "renamed_by_hand"))
    assert generate(project, project / "contracts", check=True, execution=execution).stale == [
        schema
    ]
    # removing the contract restores the file byte for byte
    (project / "contracts" / "orders.contract.yml").unlink()
    generate(project, project / "contracts", execution=execution)
    assert schema.read_text() == original


def test_placement_separate_and_in_place(project: Path) -> None:
    with pytest.raises(DativoErrors, match=r"already describes model 'orders'.*remove `model:`"):
        generate(project, project / "contracts", placement="separate")
    (project / "dativo.yml").write_text("generate:\n  placement: in_place\n")
    (project / "contracts" / "stg.contract.yml").write_text(
        'data_contract: {name: nowhere, version: "1", model: raw_orders_copy}\n'
    )
    (project / "models" / "raw_orders_copy.sql").write_text("select 1 as id\n")
    with pytest.raises(DativoErrors, match="placement `in_place`: no properties file"):
        generate(project, project / "contracts")


def test_own_meta_dativo_is_a_conflict(project: Path) -> None:
    schema = project / "models" / "schema.yml"
    schema.write_text(
        schema.read_text().replace(
            "    description: This table has basic information about orders\n",
            "    description: This table has basic information about orders\n"
            "    config:\n      meta:\n        dativo: {owner: me}\n",
        )
    )
    with pytest.raises(DativoErrors, match=r"already has `config\.meta\.dativo` of its own"):
        generate(project, project / "contracts")


SOURCES = """version: 2

sources:
  - name: raw  # the seeds, read as a source
    schema: main
    tables:
      - name: raw_orders
        description: Orders as loaded
        columns:
          - name: id
            data_tests: [not_null]

      - name: raw_customers
"""
SOURCE_CONTRACT = """
data_contract:
  name: raw_orders
  version: "1"
  source: raw.raw_orders
  quality_checks:
    great_expectations:
      checks:
        - {name: id_not_null, expectation: expect_column_values_to_not_be_null, column: id}
"""


@pytest.mark.parametrize("execution", ["per-check", "batched"])
def test_source_table_in_place(project: Path, execution: str) -> None:
    sources = project / "models" / "staging" / "sources.yml"
    sources.write_text(SOURCES)
    (project / "contracts" / "raw.contract.yml").write_text(SOURCE_CONTRACT)
    generate(project, project / "contracts", execution=execution)
    doc = yaml.safe_load(sources.read_text())
    table = doc["sources"][0]["tables"][0]
    assert table["config"]["meta"]["dativo"]["contract"] == "raw_orders"
    assert "not_null" not in table["columns"][0].get("data_tests", [])  # taken over
    assert "\n\n      - name: raw_customers\n" in sources.read_text()
    assert generate(project, project / "contracts", check=True, execution=execution).stale == []
    (project / "contracts" / "raw.contract.yml").unlink()
    generate(project, project / "contracts", execution=execution)
    assert sources.read_text() == SOURCES  # the flow-style `[not_null]` comes back as written


def test_a_differing_config_the_contract_sets_is_a_conflict(project: Path) -> None:
    contract = project / "contracts" / "orders.contract.yml"
    contract.write_text(
        CONTRACT.replace("  owner: data@example.com\n", "  schema_contract: {strict_mode: true}\n")
    )
    schema = project / "models" / "schema.yml"
    mine = schema.read_text().replace(
        "    description: This table has basic information about orders\n",
        "    description: This table has basic information about orders\n"
        "    config:\n      contract: {enforced: false}\n",
    )
    schema.write_text(mine)
    with pytest.raises(DativoErrors, match=r"`config\.contract` is \{'enforced': False\}"):
        generate(project, project / "contracts")
    assert schema.read_text() == mine
    schema.write_text(mine.replace("enforced: false", "enforced: true"))
    generate(project, project / "contracts")  # the same setting: nothing to resolve
    orders = yaml.safe_load(schema.read_text())["models"][1]
    assert orders["config"]["contract"] == {"enforced": True}
    assert orders["columns"][0]["data_type"] == "integer"
