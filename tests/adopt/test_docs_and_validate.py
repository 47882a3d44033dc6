"""Doc references in descriptions, and `validate` reporting what `generate` would refuse."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from dativo_dbt.checks.validate import load_contracts
from dativo_dbt.contracts.docref import only_doc_refs
from dativo_dbt.core.errors import DativoErrors
from dativo_dbt.generate.writer import generate

from tests.helpers.dbt import DATIVO, REPO_ROOT, copy_project

FIXTURE = REPO_ROOT / "tests" / "fixtures" / "adopt_project"


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ('{{ doc("orders_status") }}', True),
        ("{{doc('orders_status')}} and more text", True),
        ('{{ doc("a") }} {{ doc("b") }}', True),
        ("plain text", True),
        ("{{ doc(var('x')) }}", False),
        ('{{ doc("pkg", "name") }}', False),
        ('{{ doc("bad name") }}', False),
        ("{{ env_var('SECRET') }}", False),
        ('{{ doc("a") }}{% if true %}x{% endif %}', False),
        ("{# comment #}", False),
    ],
)
def test_only_doc_refs(text: str, ok: bool) -> None:
    assert only_doc_refs(text) is ok


def _contract(root: Path, description: str) -> None:
    (root / "contracts").mkdir(exist_ok=True)
    (root / "contracts" / "orders.contract.yml").write_text(
        yaml.safe_dump(
            {
                "data_contract": {"name": "orders", "version": "1"},
                "asset": {
                    "name": "orders",
                    "schema": [
                        {"name": "status", "type": "string", "description": description},
                        {"name": "order_date", "type": "date"},
                    ],
                },
            }
        )
    )


def test_doc_reference_passes_through_to_the_properties(tmp_path: Path) -> None:
    root = copy_project(FIXTURE, tmp_path / "p")
    (root / "models" / "schema.yml").unlink()  # no user entry: a separate file
    _contract(root, '{{ doc("orders_status") }}')
    generate(root, root / "contracts")
    doc = yaml.safe_load((root / "models" / "_dativo__orders.yml").read_text())
    columns = doc["models"][0]["columns"]
    assert columns == [
        {"name": "status", "description": '{{ doc("orders_status") }}'},
        {"name": "order_date"},
    ]


def test_other_jinja_in_a_description_is_refused(tmp_path: Path) -> None:
    root = copy_project(FIXTURE, tmp_path / "p")
    _contract(root, "{{ env_var('SECRET') }}")
    with pytest.raises(DativoErrors, match=r"asset\.schema\[0\]\.description: `{{`"):
        load_contracts(root / "contracts", project_dir=root)


def test_validate_reports_what_generate_would_refuse(tmp_path: Path) -> None:
    root = copy_project(FIXTURE, tmp_path / "p")
    _contract(root, "status")
    (root / "dativo.yml").write_text("generate:\n  placement: separate\n")
    proc = subprocess.run([DATIVO, "validate"], cwd=root, capture_output=True, text=True)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "models/schema.yml already describes model 'orders'" in proc.stderr
    assert "remove `model:`" not in proc.stderr  # the contract has no `model:`
    assert "Traceback" not in proc.stderr
    (root / "dativo.yml").unlink()
    ok = subprocess.run([DATIVO, "validate"], cwd=root, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr


def test_no_empty_test_lists_in_a_separate_file(tmp_path: Path) -> None:
    root = copy_project(FIXTURE, tmp_path / "p")
    (root / "models" / "schema.yml").unlink()
    _contract(root, "status")
    path = root / "contracts" / "orders.contract.yml"
    data = yaml.safe_load(path.read_text())
    data["data_contract"]["quality_checks"] = {
        "great_expectations": {
            "checks": [
                {"name": "expect_column_values_to_not_be_null", "column": "status"},
            ]
        }
    }
    path.write_text(yaml.safe_dump(data))
    generate(root, root / "contracts", execution="batched")
    text = (root / "models" / "_dativo__orders.yml").read_text()
    assert "dativo_dbt.batched_checks" in text  # the column's test went into the batch
    assert "data_tests: []" not in text and "tests: []" not in text
