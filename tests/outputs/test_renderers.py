"""JSON / Markdown / JUnit / SARIF / table renderers and the atomic writer."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from dativo_dbt.core.errors import DativoError
from dativo_dbt.outputs import render, render_bytes, write_atomic
from dativo_dbt.outputs.markdown import MARKER
from dativo_dbt.scoring.api import score_project
from dativo_dbt.scoring.models import ProjectScore

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "artifacts"


@pytest.fixture(scope="module")
def project() -> ProjectScore:
    return score_project(FIX / "1.11")


def test_json_document_schema(project: ProjectScore) -> None:
    doc = json.loads(render(project, "json"))
    assert doc == json.loads(render_bytes(project, "json"))
    assert doc["schema_version"] == 1 and doc["formula_version"] == 1
    assert set(doc["summary"]) >= {"score", "models_total", "gate_passed", "checks_error", "rollup"}
    m = next(x for x in doc["models"] if x["name"] == "stg_customers")
    assert {"unique_id", "name", "score", "dimension_scores", "tier", "gate", "checks"} <= set(m)
    assert m["gate"]["passed"] is False
    assert m["gate"]["violations"][0] == {
        "code": "DATIVO-DQ102",
        "message": m["gate"]["violations"][0]["message"],
        "level": "error",
    }
    c = next(x for x in m["checks"] if x["check"] == "email_present")
    assert {
        "unique_id",
        "check",
        "dimension",
        "severity",
        "weight",
        "status",
        "passed",
        "contract",
    } <= set(c)
    assert doc["config"]["scoring"]["baseline_score"] == 70
    assert doc["artifacts"][0]["dbt_schema_version"].endswith("manifest/v12.json")
    gate_doc = json.loads(render(project, "json", gate_only=True))
    assert gate_doc["passed"] is False and "checks" not in gate_doc["models"][0]


def test_markdown_comment(project: ProjectScore) -> None:
    md = render(project, "markdown")
    assert md.startswith(MARKER)
    # 77.4: broken_model (its build errored, fail closed) now scores 75 in the roll-up
    assert "## ❌ Data quality: 77.4" in md
    assert "| ❌ | `stg_customers` | silver | 67.5 |" in md
    assert "<details><summary>7 failing check(s)</summary>" in md  # + broken_model's not-run check
    assert "`revenue_no_such_column_not_null` | `fct_revenue` | error |" in md


def test_junit(project: ProjectScore) -> None:
    root = ET.fromstring(render(project, "junit").encode())
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    s = suites["model.score_fixture.fct_revenue"]
    assert (s.get("tests"), s.get("failures"), s.get("errors"), s.get("skipped")) == (
        "5",
        "2",
        "1",
        "0",
    )
    gate = next(tc for tc in s.findall("testcase") if tc.get("name") == "quality gate")
    assert gate.find("failure") is not None and "DATIVO-DQ105" in (gate.find("failure").text or "")  # type: ignore[union-attr]
    b = suites["model.score_fixture.broken_model"]
    # its skipped test did not run because the model did not build: an error (fail closed)
    assert (b.get("skipped"), b.get("errors")) == ("0", "1")
    total_failures = sum(int(x.get("failures") or 0) for x in suites.values())
    assert root.get("failures") == str(total_failures)


def test_sarif(project: ProjectScore) -> None:
    doc = json.loads(render(project, "sarif"))
    assert doc["version"] == "2.1.0"
    run = doc["runs"][0]
    rule_ids = {r["id"] for r in run["tool"]["driver"]["rules"]}
    assert {"DATIVO-DQ102", "DATIVO-DQ105", "DATIVO-CHECK"} <= rule_ids
    dq105 = next(r for r in run["results"] if r["ruleId"] == "DATIVO-DQ105")
    assert dq105["level"] == "error"
    assert (
        dq105["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        == "models/fct_revenue.sql"
    )
    assert all(r["ruleId"] in rule_ids for r in run["results"])


def test_table_text(project: ProjectScore) -> None:
    text = render(project, "table")
    assert "stg_customers" in text and "FAIL" in text
    assert "DATIVO-DQ105 fct_revenue" in text
    assert "FAILED" in text.splitlines()[-1]
    short = render(project, "table", limit=2)
    assert "... and 4 more models" in short


def test_unknown_format(project: ProjectScore) -> None:
    with pytest.raises(DativoError, match="unknown output format"):
        render(project, "yaml")


def test_write_atomic_replaces_and_leaves_no_temp_files(tmp_path: Path) -> None:
    out = tmp_path / "score.json"
    out.write_text("old")
    write_atomic(out, "new")
    assert out.read_text() == "new"
    write_atomic(out, b"bytes")
    assert out.read_bytes() == b"bytes"
    assert sorted(os.listdir(tmp_path)) == ["score.json"]
    with pytest.raises(DativoError, match="output directory does not exist"):
        write_atomic(tmp_path / "missing" / "x.json", "x")
    # a directory in the way: nothing half-written, the old content untouched elsewhere
    (tmp_path / "adir").mkdir()
    with pytest.raises(DativoError, match="cannot write output"):
        write_atomic(tmp_path / "adir", "x")
    assert sorted(os.listdir(tmp_path)) == ["adir", "score.json"]


def test_streamed_json_is_byte_identical(project: ProjectScore, tmp_path: Path) -> None:
    import msgspec
    from dativo_dbt.outputs import iter_json

    expected = msgspec.json.encode(project) + b"\n"
    for batch in (1, 2, 500):
        assert b"".join(iter_json(project, batch=batch)) == expected
    out = tmp_path / "s.json"
    write_atomic(out, iter_json(project, batch=2))
    assert out.read_bytes() == expected
