"""run_results that cannot be scored are refused (issue 14 items 2 and 3): statuses dbt does not
write, and files written by a command that runs no tests; a `dbt run` file merged with a build
counts toward the fail-closed verdicts (DATIVO-DQ108)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from dativo_dbt.core.errors import DativoError
from dativo_dbt.scoring.api import score_project

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "artifacts" / "1.11"


def target_with(tmp_path: Path, edit: Any, name: str = "target") -> Path:
    """A copy of the 1.11 fixture's target dir whose run_results.json `edit(doc)` changed."""
    target = tmp_path / name
    target.mkdir()
    shutil.copy(FIX / "manifest.json", target / "manifest.json")
    doc = json.loads((FIX / "run_results.json").read_text())
    edit(doc)
    (target / "run_results.json").write_text(json.dumps(doc))
    return target


def set_status(uid_part: str, status: str) -> Any:
    def edit(doc: dict[str, Any]) -> None:
        hit = [r for r in doc["results"] if uid_part in r["unique_id"]]
        assert hit
        for r in hit:
            r["status"] = status

    return edit


@pytest.mark.parametrize("status", ["PASSED", "ok", "success", ""])
def test_unknown_test_status_is_refused_naming_file_and_status(tmp_path: Path, status: str) -> None:
    target = target_with(tmp_path, set_status("test.score_fixture.unique_stg_customers_id", status))
    with pytest.raises(DativoError) as exc:
        score_project(target)
    text = exc.value.render()
    assert str(target / "run_results.json") in text
    assert f"unknown result status {status!r}" in text and "unique_stg_customers_id" in text


def test_unknown_model_status_is_refused(tmp_path: Path) -> None:
    target = target_with(tmp_path, set_status("model.score_fixture.stg_orders", "built"))
    with pytest.raises(DativoError, match="unknown result status 'built'"):
        score_project(target)


def test_known_statuses_in_any_case_are_accepted(tmp_path: Path) -> None:
    target = target_with(tmp_path, set_status("test.score_fixture.unique_stg_customers_id", "PASS"))
    ps = score_project(target)
    check = next(c for c in ps.checks() if c.name == "unique_stg_customers_id")
    assert check.status == "pass" and check.passed


def which(command: str) -> Any:
    def edit(doc: dict[str, Any]) -> None:
        doc["args"] = {"which": command}

    return edit


@pytest.mark.parametrize(
    ("command", "label"),
    [
        ("generate", "dbt docs generate"),
        ("compile", "dbt compile"),
        ("parse", "dbt parse"),
        ("list", "dbt ls"),
        ("show", "dbt show"),
        ("run-operation", "dbt run-operation"),
    ],
)
def test_commands_without_results_are_refused(tmp_path: Path, command: str, label: str) -> None:
    target = target_with(tmp_path, which(command))
    with pytest.raises(DativoError) as exc:
        score_project(target)
    text = exc.value.render()
    assert f"run_results.json was written by `{label}`, which runs no tests" in text
    assert "run `dbt build` or `dbt test`" in text and str(target / "run_results.json") in text
    # merged with a good build it is refused too: its `success` results would hide the tests'
    build = target_with(tmp_path, which("build"), name="build")
    with pytest.raises(DativoError, match=f"written by `{label}`"):
        score_project(build, run_results=[build, target])


@pytest.mark.parametrize("command", ["run", "seed", "snapshot"])
def test_model_only_commands_are_refused_alone(tmp_path: Path, command: str) -> None:
    target = target_with(tmp_path, which(command))
    with pytest.raises(DativoError, match=f"written by `dbt {command}`, which runs no tests"):
        score_project(target)


def test_a_failed_dbt_run_merged_with_a_build_fails_the_model(tmp_path: Path) -> None:
    build = target_with(tmp_path, which("build"), name="build")
    before = score_project(build).model("stg_orders")
    assert before.build_status is None and before.gate.passed

    def failed_run(doc: dict[str, Any]) -> None:
        model = next(
            r for r in doc["results"] if r["unique_id"] == "model.score_fixture.stg_orders"
        )
        model.update(status="error", message="Compilation Error: contract mismatch")
        for t in model.get("timing", []):
            t["completed_at"] = "2099-01-01T00:00:00Z"  # later than the build
        doc["results"] = [model]
        doc["args"] = {"which": "run"}
        doc["metadata"]["generated_at"] = "2099-01-01T00:00:00Z"

    run = target_with(tmp_path, failed_run, name="run")
    ps = score_project(build, run_results=[build, run])
    m = ps.model("stg_orders")
    assert m.build_status == "error" and not m.gate.passed
    dq108 = [v for v in m.gate.violations if v.code == "DATIVO-DQ108"]
    assert len(dq108) == 1 and "contract mismatch" in dq108[0].message
    # its tests ran in the build and keep their statuses; nothing is counted twice
    assert [c.status for c in m.checks] == [c.status for c in before.checks]


def test_governed_model_without_any_result_fails_closed(tmp_path: Path) -> None:
    uid = "model.score_fixture.stg_customers"
    nodes = json.loads((FIX / "manifest.json").read_text())["nodes"]
    gone = {uid} | {k for k, n in nodes.items() if n.get("attached_node") == uid}

    def drop_customers(doc: dict[str, Any]) -> None:
        doc["results"] = [r for r in doc["results"] if r["unique_id"] not in gone]

    target = target_with(tmp_path, drop_customers)
    m = score_project(target).model("stg_customers")
    assert m.contract == "customers"  # governed: its email_present check comes from a contract
    assert m.build_status == "not_run" and not m.gate.passed
    assert {c.status for c in m.checks} == {"error"}
    assert m.score is not None and m.score < 100


def test_ungoverned_model_without_results_is_only_not_run(tmp_path: Path) -> None:
    uid = "model.score_fixture.stg_orders"
    nodes = json.loads((FIX / "manifest.json").read_text())["nodes"]
    gone = {uid} | {k for k, n in nodes.items() if n.get("attached_node") == uid}

    def drop_orders(doc: dict[str, Any]) -> None:
        doc["results"] = [r for r in doc["results"] if r["unique_id"] not in gone]

    m = score_project(target_with(tmp_path, drop_orders)).model("stg_orders")
    # no contract governs it: a partial run (not selected) is not a failed build
    assert m.contract is None and m.build_status is None
    assert "not_run" in {c.status for c in m.checks} and "error" not in {c.status for c in m.checks}
