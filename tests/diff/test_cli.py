"""`dativo-dbt diff` through the real executable: exit codes, every output format, SARIF lines,
and the `--base <git ref>` form on a temporary git repository."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.diff.fixture import ASSET, CONTRACT, edit, write_side
from tests.helpers.dbt import DATIVO

NARROW = ("values: [open, paid, shipped]", "values: [open, paid]")
RETYPE = ("- name: amount\n      type: double", "- name: amount\n      type: integer")


def dativo(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([DATIVO, "diff", *args], cwd=cwd, capture_output=True, text=True)


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line of `text` containing `needle`."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.fixture
def breaking(tmp_path: Path) -> Path:
    """old/ and new/ where new narrows a set and retypes a column without a major bump."""
    write_side(tmp_path / "old")
    write_side(tmp_path / "new", edit(CONTRACT, NARROW), edit(ASSET, RETYPE))
    return tmp_path


def test_table_and_exit_1_without_major_bump(breaking: Path) -> None:
    proc = dativo(breaking, "old", "new")
    assert proc.returncode == 1, proc.stderr
    assert "accepted_values_narrowed" in proc.stdout
    assert "column_type_changed" in proc.stdout
    assert (
        "FAIL  orders (1.4 -> 1.4): 2 breaking change(s) need a major version bump" in proc.stdout
    )
    assert f"new/orders.contract.yml:{line_of(CONTRACT, 'values: [open')}" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_exit_0_with_major_bump(breaking: Path) -> None:
    contract = breaking / "new" / "orders.contract.yml"
    contract.write_text(edit(contract.read_text(), ('version: "1.4"', 'version: "2.0"')))
    proc = dativo(breaking, "old", "new")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ok    orders (1.4 -> 2.0): 2 breaking change(s), major version bumped" in proc.stdout


def test_json(breaking: Path) -> None:
    proc = dativo(breaking, "old", "new", "--format", "json")
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    assert doc["ok"] is False
    assert doc["summary"] == {
        "contracts_changed": 1,
        "changes": 2,
        "breaking": 2,
        "missing_major_bump": ["orders"],
        "retiring": [],
    }
    (orders,) = doc["contracts"]
    assert (orders["old_version"], orders["new_version"], orders["needs_major_bump"]) == (
        "1.4",
        "1.4",
        True,
    )
    retype = next(c for c in orders["changes"] if c["kind"] == "column_type_changed")
    assert retype == {
        "contract": "orders",
        "kind": "column_type_changed",
        "breaking": True,
        "message": "column amount: type double -> integer",
        "file": "new/orders.asset.yml",
        "line": line_of(ASSET, "type: double"),
        "subject": "amount",
        "before": "double",
        "after": "integer",
    }


def test_markdown(breaking: Path) -> None:
    proc = dativo(breaking, "old", "new", "--format", "markdown")
    assert proc.returncode == 1
    text = proc.stdout
    assert text.startswith("<!-- dativo-dbt diff -->\n## ❌ Contract changes")
    assert "### ❌ orders (1.4 -> 1.4): 2 breaking change(s) need a major version bump" in text
    assert "| **breaking** | `accepted_values_narrowed` |" in text


def test_sarif_points_at_file_and_line(breaking: Path) -> None:
    proc = dativo(breaking, "old", "new", "--format", "sarif")
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    run = doc["runs"][0]
    rules = {r["id"] for r in run["tool"]["driver"]["rules"]}
    got = {}
    for res in run["results"]:
        assert res["ruleId"] in rules
        loc = res["locations"][0]["physicalLocation"]
        got[res["ruleId"]] = (
            res["level"],
            loc["artifactLocation"]["uri"],
            loc["region"]["startLine"],
        )
    assert got == {
        "dativo-diff/accepted_values_narrowed": (
            "error", "new/orders.contract.yml", line_of(CONTRACT, "values: [open"),
        ),
        "dativo-diff/column_type_changed": (
            "error", "new/orders.asset.yml", line_of(ASSET, "type: double"),
        ),
    }  # fmt: skip


def test_output_file_and_deprecated_status(tmp_path: Path) -> None:
    write_side(tmp_path / "old")
    write_side(tmp_path / "new", edit(CONTRACT, ("status: active", "status: deprecated")))
    proc = dativo(tmp_path, "old", "new", "--format", "sarif", "--output", "diff.sarif")
    assert proc.returncode == 0, proc.stderr
    assert "orders [deprecated] (1.4 -> 1.4): no breaking change" in proc.stdout
    doc = json.loads((tmp_path / "diff.sarif").read_text())
    status = [r for r in doc["runs"][0]["results"] if r["ruleId"] == "dativo-diff/status"]
    assert status[0]["message"]["text"] == "orders: contract is deprecated"
    region = status[0]["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == line_of(CONTRACT, "status: active")
    markdown = dativo(tmp_path, "old", "new", "--format", "markdown").stdout
    assert "> ⚠️ Contract `orders` is **deprecated**." in markdown


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["old"], "give two contract directories (OLD NEW), or --base REF"),
        (["old", "missing"], "no contracts directory at missing"),
        (["--base", "main", "old"], "give either --base REF or two directories OLD NEW"),
        (["old", "new", "--format", "xml"], "Invalid value for '--format'"),
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    write_side(tmp_path / "old")
    write_side(tmp_path / "new")
    proc = dativo(tmp_path, *args)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_invalid_contract_exits_2_naming_the_file(tmp_path: Path) -> None:
    write_side(tmp_path / "old")
    write_side(tmp_path / "new", edit(CONTRACT, ("type: regex", "type: regexp")))
    proc = dativo(tmp_path, "old", "new")
    assert proc.returncode == 2
    assert (
        "new/orders.contract.yml:" in proc.stderr and "unknown check type 'regexp'" in proc.stderr
    )


def test_bad_version_exits_2(tmp_path: Path) -> None:
    write_side(tmp_path / "old")
    write_side(tmp_path / "new", edit(CONTRACT, NARROW, ('version: "1.4"', 'version: "two"')))
    proc = dativo(tmp_path, "old", "new")
    assert proc.returncode == 2
    assert "new/orders.contract.yml:3: data_contract.version: 'two' is not a version" in proc.stderr


# ---------------------------------------------------------------------------------------------
# --base <git ref>


def git(cwd: Path, *args: str) -> str:
    proc = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return proc.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose `main` has the fixture contracts under project/contracts."""
    root = tmp_path / "repo"
    write_side(root / "project" / "contracts")
    git(tmp_path, "init", "-q", "-b", "main", str(root))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "contracts v1.4")
    return root


def test_base_ref_against_working_tree(repo: Path) -> None:
    contract = repo / "project" / "contracts" / "orders.contract.yml"
    contract.write_text(edit(CONTRACT, NARROW))
    proc = dativo(repo / "project", "--base", "main", "--format", "json")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["old"] == "main:project/contracts"
    assert doc["new"] == "contracts"
    kinds = [c["kind"] for c in doc["contracts"][0]["changes"]]
    assert kinds == ["accepted_values_narrowed"]
    contract.write_text(edit(CONTRACT, NARROW, ('version: "1.4"', 'version: "2.0"')))
    assert dativo(repo / "project", "--base", "main").returncode == 0


def test_base_ref_with_contracts_option_and_no_change(repo: Path) -> None:
    proc = dativo(repo, "--base", "HEAD", "--contracts", "project/contracts")
    assert proc.returncode == 0, proc.stderr
    assert "0 contract(s) changed" in proc.stdout


def test_base_ref_without_the_directory_means_all_added(repo: Path) -> None:
    write_side(repo / "other")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "other")
    extra = repo / "other" / "more.contract.yml"
    extra.write_text(
        edit(CONTRACT, ("name: orders", "name: refunds"), ("model: orders", "model: refunds"))
    )
    proc = dativo(repo, "--base", "HEAD~1", "--contracts", "other", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert sorted(c["name"] for c in doc["contracts"]) == ["orders", "refunds"]
    assert {ch["kind"] for c in doc["contracts"] for ch in c["changes"]} == {"contract_added"}


def test_invalid_contract_at_the_ref_names_ref_and_file(repo: Path) -> None:
    contract = repo / "project" / "contracts" / "orders.contract.yml"
    contract.write_text(edit(CONTRACT, ("type: regex", "type: regexp")))
    git(repo, "commit", "-qam", "broken")
    contract.write_text(CONTRACT)
    proc = dativo(repo / "project", "--base", "HEAD")
    assert proc.returncode == 2
    assert "HEAD:project/contracts/orders.contract.yml:" in proc.stderr
    assert "unknown check type 'regexp'" in proc.stderr


@pytest.mark.parametrize("ref", ["no-such-branch", "--output=x", "main;rm -rf /"])
def test_bad_ref_exits_2(repo: Path, ref: str) -> None:
    proc = dativo(repo / "project", f"--base={ref}")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert repr(ref) in proc.stderr or "no such commit" in proc.stderr


def test_base_outside_a_git_repository_exits_2(tmp_path: Path) -> None:
    write_side(tmp_path / "contracts")
    proc = dativo(tmp_path, "--base", "main")
    assert proc.returncode == 2
    assert "git rev-parse failed" in proc.stderr


def test_removed_contract_at_the_ref_sarif_uri_is_its_path(repo: Path) -> None:
    (repo / "project" / "contracts" / "orders.contract.yml").unlink()
    proc = dativo(repo, "--base", "main", "--contracts", "project/contracts", "--format", "sarif")
    assert proc.returncode == 1, proc.stderr
    (res,) = json.loads(proc.stdout)["runs"][0]["results"]
    assert res["ruleId"] == "dativo-diff/contract_removed" and res["level"] == "error"
    loc = res["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "project/contracts/orders.contract.yml"
    assert loc["region"]["startLine"] == 1
