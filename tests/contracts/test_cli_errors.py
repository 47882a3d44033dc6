"""Broken contracts through the real `dativo-dbt` executable: one clear message each, exit 2,
no traceback (validate and generate)."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import pytest

from tests.helpers.dbt import DATIVO

GOOD = """
data_contract:
  name: customers
  version: "1"
  model: customers
  asset_ref: customers.asset.yml
  quality_checks:
    soda:
      checks:
        - {name: email_format, type: regex, column: email, pattern: "@"}
"""
ASSET = """
asset:
  name: customers
  schema:
    - {name: id, type: string}
    - {name: email, type: string}
"""

CASES = {
    "bad_yaml": (
        GOOD.replace('pattern: "@"}', 'pattern: "@"'),
        "contracts/customers.yml:10: invalid YAML:",
    ),
    "unknown_check": (
        GOOD.replace("type: regex", "type: regexp"),
        "contracts/customers.yml:9: data_contract.quality_checks.soda.checks[0].type: unknown check "
        "type 'regexp' (did you mean `regex`?)",
    ),
    "missing_column": (
        GOOD.replace("column: email", "column: e_mail"),
        "contracts/customers.yml:9: [DATIVO-DQ105] data_contract.quality_checks.soda.checks[0].column: "
        "column 'e_mail' is not in the asset schema of 'customers' (did you mean `email`?)",
    ),
    "wrong_value_type": (
        GOOD.replace('pattern: "@"', "pattern: 42"),
        "contracts/customers.yml:9: data_contract.quality_checks.soda.checks[0].pattern: expected a "
        "string, got a number (42)",
    ),
    "missing_env_var": (
        GOOD
        + "  violation_handling:\n    quarantine: {enabled: true, s3_bucket: '${DATIVO_TEST_UNSET_VAR}'}\n",
        "contracts/customers.yml:11: data_contract.violation_handling.quarantine.s3_bucket: environment "
        "variable DATIVO_TEST_UNSET_VAR is not set",
    ),
}


def _project(tmp_path: Path, contract: str) -> Path:
    (tmp_path / "contracts").mkdir()
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "customers.sql").write_text("select 1 as id, 'a@b' as email\n")
    (tmp_path / "dbt_project.yml").write_text("name: p\nversion: '1'\nprofile: p\n")
    (tmp_path / "contracts" / "customers.yml").write_text(textwrap.dedent(contract).lstrip("\n"))
    (tmp_path / "contracts" / "customers.asset.yml").write_text(textwrap.dedent(ASSET).lstrip("\n"))
    return tmp_path


@pytest.mark.parametrize("command", ["validate", "generate"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_contract(tmp_path: Path, case: str, command: str) -> None:
    contract, expected = CASES[case]
    project = _project(tmp_path, contract)
    proc = subprocess.run([DATIVO, command], cwd=project, capture_output=True, text=True)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: " + expected), proc.stderr
    assert not list((project / "models").glob("_dativo__*")), "nothing may be written"


def test_good_contract_validates(tmp_path: Path) -> None:
    project = _project(tmp_path, GOOD)
    proc = subprocess.run([DATIVO, "validate"], cwd=project, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "1 contract(s) valid (1 quality checks)" in proc.stdout
