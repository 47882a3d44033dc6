"""`dativo-dbt init` on a synthetic manifest: which tests become checks, and bad input."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from dativo_dbt.adopt.init import asset_type, init_contracts
from dativo_dbt.checks.validate import load_contracts
from dativo_dbt.core.errors import DativoErrors

from tests.helpers.dbt import DATIVO

UID = "model.shop.orders"


def _test(name: str, column: str | None, namespace: str | None = None, **kw: Any) -> dict[str, Any]:
    config = {"severity": kw.pop("severity", "ERROR"), "where": kw.pop("where", None), "meta": {}}
    kwargs = {"model": "{{ get_where_subquery(ref('orders')) }}", **kw}
    if column:
        kwargs["column_name"] = column
    return {
        "resource_type": "test",
        "attached_node": UID,
        "config": config,
        "test_metadata": {"name": name, "namespace": namespace, "kwargs": kwargs},
    }


MANIFEST = {
    "nodes": {
        UID: {
            "resource_type": "model",
            "name": "orders",
            "columns": {
                "order_id": {"name": "order_id", "description": "The key"},
                "status": {"name": "status", "description": "line one\nline two"},
            },
        },
        "test.a": _test("not_null", "order_id"),
        "test.b": _test("unique", "order_id", severity="WARN"),
        "test.c": _test("accepted_values", "status", values=["a", "b"], where="1=1"),
        "test.d": _test("relationships", "customer_id", to="ref('customers')", field="id"),
        "test.e": _test(
            "expect_column_values_to_be_between", "amount", "dbt_expectations", min_value=0
        ),
        "test.f": _test(
            "expect_column_values_to_be_between",
            "amount",
            "dbt_expectations",
            min_value=1,
            row_condition="id > 3",
        ),
        "test.g": _test("my_own_test", "status"),
    }
}
CATALOG = {
    "nodes": {
        UID: {
            "columns": {
                "order_id": {"name": "order_id", "type": "INTEGER", "index": 1},
                "status": {"name": "status", "type": "VARCHAR", "index": 2},
                "amount": {"name": "amount", "type": "DECIMAL(10,2)", "index": 3},
                "customer_id": {"name": "customer_id", "type": "BIGINT", "index": 4},
            }
        }
    }
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "target").mkdir()
    (tmp_path / "target" / "manifest.json").write_text(json.dumps(MANIFEST))
    (tmp_path / "target" / "catalog.json").write_text(json.dumps(CATALOG))
    return tmp_path


def test_starter_contract_from_manifest_and_catalog(project: Path) -> None:
    [path] = init_contracts(project, ["orders"], owner="me@x.test")
    data = yaml.safe_load(path.read_text())
    contract, asset = data["data_contract"], data["asset"]
    assert contract["model"] == "orders" and contract["owner"] == "me@x.test"
    checks = contract["quality_checks"]["great_expectations"]["checks"]
    assert [(c["name"], c["severity"], c["dimension"]) for c in checks] == [
        ("order_id_not_null", "critical", "completeness"),
        ("order_id_unique", "warning", "uniqueness"),
        ("amount_column_values_to_be_between", "critical", "accuracy"),
    ]
    assert checks[2]["min_value"] == 0  # the row_condition variant stays the team's
    [custom] = contract["quality_checks"]["custom"]
    assert custom["test"] == "relationships"
    assert custom["arguments"] == {"to": "ref('customers')", "field": "id"}
    assert asset["schema"] == [
        {"name": "order_id", "type": "integer", "description": "The key"},
        {"name": "status", "type": "string"},  # multi-line descriptions stay in schema.yml
        {"name": "amount", "type": "decimal(10,2)"},
        {"name": "customer_id", "type": "long"},
    ]
    assert len(load_contracts(project / "contracts")) == 1  # valid as written


@pytest.mark.parametrize(
    ("warehouse", "asset"),
    [
        ("character varying(20)", "string"),
        ("timestamp with time zone", "timestamp"),
        ("NUMERIC", "double"),
        ("geometry", "string"),
        (None, "string"),
        ("int8", "long"),
    ],
)
def test_asset_types(warehouse: str | None, asset: str) -> None:
    assert asset_type(warehouse) == asset


def test_bad_input(project: Path, tmp_path: Path) -> None:
    with pytest.raises(DativoErrors, match="--select nope: no model"):
        init_contracts(project, ["nope"])
    init_contracts(project, ["orders"])
    with pytest.raises(DativoErrors, match="exists; refusing to overwrite it"):
        init_contracts(project, ["orders"])
    assert init_contracts(project, ["orders"], force=True)
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = subprocess.run(
        [DATIVO, "init", "-s", "orders"], cwd=empty, capture_output=True, text=True
    )
    assert proc.returncode == 2 and "run `dbt parse` first" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_source_table(tmp_path: Path) -> None:
    uid = "source.shop.raw.orders"
    manifest = {
        "sources": {uid: {"resource_type": "source", "source_name": "raw", "name": "orders"}},
        "nodes": {
            "test.s": {
                **_test("not_null", "id"),
                "attached_node": None,
                "depends_on": {"nodes": [uid]},
            }
        },
    }
    catalog = {"sources": {uid: {"columns": {"id": {"name": "id", "type": "text", "index": 1}}}}}
    (tmp_path / "target").mkdir()
    (tmp_path / "target" / "manifest.json").write_text(json.dumps(manifest))
    (tmp_path / "target" / "catalog.json").write_text(json.dumps(catalog))
    [path] = init_contracts(tmp_path, ["raw.orders"])
    assert path.name == "raw__orders.contract.yml"
    data = yaml.safe_load(path.read_text())
    assert data["data_contract"]["source"] == "raw.orders"
    [check] = data["data_contract"]["quality_checks"]["great_expectations"]["checks"]
    assert check["column"] == "id" and check["expectation"].endswith("not_be_null")
    assert data["asset"]["schema"] == [{"name": "id", "type": "string"}]
