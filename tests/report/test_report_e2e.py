"""The HTML report and the history on two real dbt runs of tests/fixtures/report_project."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from tests.report.browser import Browser
from tests.report.conftest import ReportRuns
from tests.report.htmlscan import Scan

FAILING = {"fail", "warn", "error"}


def _expected(project_path: Path) -> tuple[set[str], dict[str, str]]:
    """From the raw artifacts: the project's model ids, and every failing test id -> status."""
    manifest = json.loads((project_path / "target" / "manifest.json").read_text())
    run_results = json.loads((project_path / "target" / "run_results.json").read_text())
    models = {
        uid
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["package_name"] == "report_fixture"
    }
    failing = {
        r["unique_id"]: r["status"]
        for r in run_results["results"]
        if r["unique_id"].startswith("test.") and r["status"] in FAILING
    }
    return models, failing


def test_report_has_every_model_and_failing_check(report_runs: ReportRuns, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    proc = report_runs.project.dativo("report", "--project-dir", ".", "--output", str(out))
    assert "3 models" in proc.stdout and "2 runs of history" in proc.stdout, proc.stdout
    html = out.read_text()
    scan = Scan(html)
    models, failing = _expected(report_runs.path)
    assert failing, "the fixture's second run must still have failing (warn) checks"
    sections = {a["data-model"] for a in scan.find("details", "model")}
    assert sections == models
    rows = {a["data-check"]: a["data-status"] for a in scan.find("tr", "check-row")}
    for test_id, status in failing.items():
        assert rows.get(test_id) == status, test_id
    # Failing checks show the SQL that reproduces them (from the manifest's compiled code).
    assert "Reproduce: the compiled test SQL" in html
    assert '"main"."stg_customers"' in "".join(scan.text)
    # The contract and owner of governed models, escaped.
    assert "Orders &lt;orders-team@example.com&gt;" in html
    assert "crm-team@example.com" in html
    # Each check shows its status in the recorded runs; country's warning failed in both runs.
    assert scan.find("span", "recent")
    assert "failing for 2 runs" in "".join(scan.text)
    # Self-contained: nothing to fetch, one inline script, no external stylesheet.
    assert scan.resource_urls() == []
    assert len(scan.find("script")) == 1 and scan.find("link") == []
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in html


def test_report_shows_sample_failing_rows(report_runs: ReportRuns, tmp_path: Path) -> None:
    """A failing check with store_failures shows the first rows of its failures table."""
    out = tmp_path / "report.html"
    report_runs.project.dativo("report", "--project-dir", ".", "--output", str(out))
    scan = Scan(out.read_text())
    text = "".join(scan.text)
    assert "Sample failing rows" in text
    assert "dativo_dbt_test__audit" in text or "dbt_test__audit" in text
    cells = [t.strip() for t in scan.text]
    assert "XX" in cells  # the country outside the accepted values, read from the warehouse

    no_samples = tmp_path / "no_samples.html"
    report_runs.project.dativo(
        "report", "--project-dir", ".", "--output", str(no_samples), "--no-samples"
    )
    assert "Sample failing rows" not in no_samples.read_text()


@pytest.mark.browser
def test_report_renders_offline_in_chromium(report_runs: ReportRuns, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    report_runs.project.dativo(
        "report",
        "--project-dir",
        ".",
        "--output",
        str(out),
        "--baseline",
        str(report_runs.baseline_target),
    )
    url = out.resolve().as_uri()
    with Browser(width=1280, height=900) as browser:
        load = browser.open(url)
        assert load.problems() == []
        assert load.requests == [url]
        assert load.failed_requests == []
        # Nothing is wider than the window (long SQL scrolls inside its own box).
        assert browser.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
        assert browser.evaluate("document.documentElement.getAttribute('data-ready')") == "1"
        # Two recorded runs: every model's trend chart draws a line, and the project chart too.
        overall_line = "#trend svg.chart polyline[stroke='#0f172a']"
        assert browser.evaluate(f'document.querySelectorAll("{overall_line}").length') == 1
        assert browser.evaluate(
            "Array.from(document.querySelectorAll('details.model')).every("
            "d => d.querySelector('svg.chart polyline') !== null)"
        )
        # The baseline diff lists the checks run 2 fixed.
        fixed = browser.evaluate(
            "Array.from(document.querySelectorAll('table.diff-fixed td.check-name')).map(t => t.textContent)"
        )
        assert "amount_non_negative" in fixed and "email_format" in fixed
        # Search and filters (vanilla JS) narrow the model list.
        visible = (
            "Array.from(document.querySelectorAll('tr.model-row'))"
            ".filter(r => !r.classList.contains('hidden')).map(r => r.querySelector('a').textContent)"
        )
        assert sorted(browser.evaluate(visible)) == ["fct_revenue", "stg_customers", "stg_orders"]
        browser.evaluate(
            "(() => { const s = document.getElementById('model-search'); s.value = 'orders-team';"
            " s.dispatchEvent(new Event('input')); })()"
        )
        assert browser.evaluate(visible) == ["stg_orders"]
        assert (
            browser.evaluate("document.getElementById('shown-count').textContent")
            == "1 of 3 models"
        )
        browser.evaluate(
            "(() => { const s = document.getElementById('model-search'); s.value = '';"
            " s.dispatchEvent(new Event('input'));"
            " document.querySelector('[data-state-filter=passing]').click(); })()"
        )
        assert browser.evaluate(visible) == ["fct_revenue"]
        browser.evaluate("document.querySelector('[data-state-filter=all]').click()")
        browser.evaluate("document.getElementById('expand-all').click()")
        assert browser.evaluate(
            "Array.from(document.querySelectorAll('details.model')).every(d => d.open)"
        )
        # Copying SQL works without a secure context (file://) and logs nothing.
        browser.evaluate(
            "document.querySelector('button.copy') && document.querySelector('button.copy').click()"
        )
        shot = browser.screenshot(tmp_path / "report.png")
        late = browser.evaluate("1")  # flush events emitted by the clicks
        assert late == 1
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    keep = os.environ.get("DATIVO_REPORT_SCREENSHOT_DIR")
    if keep:
        shutil.copy(shot, Path(keep) / "report.png")
        shutil.copy(out, Path(keep) / "report.html")


def test_history_shows_two_run_trend(report_runs: ReportRuns) -> None:
    proc = report_runs.project.dativo("history", "--project-dir", ".", "--format", "json")
    data = json.loads(proc.stdout)
    assert [r["invocation_id"] for r in data["runs"]] == report_runs.invocations
    orders = data["models"]["stg_orders"]
    assert [p["invocation_id"] for p in orders] == report_runs.invocations
    assert orders[1]["score"] > orders[0]["score"]  # run 2 repaired the bad orders
    assert orders[0]["gate_passed"] is False
    assert set(orders[0]["dimensions"]) >= {"completeness", "accuracy", "validity"}
    assert data["runs"][1]["overall_score"] > data["runs"][0]["overall_score"]

    table = report_runs.project.dativo("history", "--project-dir", ".").stdout
    for name in ("project (overall)", "stg_orders", "stg_customers", "fct_revenue"):
        assert name in table
    assert any(block in table for block in "▁▂▃▄▅▆▇█")

    one = report_runs.project.dativo("history", "stg_orders", "--project-dir", ".", "--last", "1")
    run_rows = re.findall(r"^\s*\d\d-\d\d \d\d:\d\d\s", one.stdout, flags=re.MULTILINE)
    assert "stg_orders" in one.stdout and len(run_rows) == 1, one.stdout
    assert "pass" in one.stdout  # run 2's gate verdict

    missing = report_runs.project.dativo(
        "history", "no_such_model", "--project-dir", ".", expect_rc=2
    )
    assert "no_such_model" in missing.stderr and "Traceback" not in missing.stderr


def test_recording_the_same_run_again_is_idempotent(
    report_runs: ReportRuns, tmp_path: Path
) -> None:
    from dativo_dbt.history import open_store, record
    from dativo_dbt.scoring.api import score_project

    store_path = tmp_path / "history.duckdb"
    shutil.copy(report_runs.history_path, store_path)
    record(score_project(report_runs.path / "target"), path=store_path)
    with open_store(store_path, read_only=True) as store:
        assert [r.invocation_id for r in store.runs()] == report_runs.invocations
        run = store.load_run(report_runs.invocations[-1])
    assert run is not None and {m.name for m in run.models} == {
        "fct_revenue",
        "stg_customers",
        "stg_orders",
    }


def test_history_and_report_from_warehouse(report_runs: ReportRuns, tmp_path: Path) -> None:
    """The dbt package's hook recorded both runs in the warehouse: same trend, read via the profile."""
    proc = report_runs.project.dativo(
        "history", "--project-dir", ".", "--from-warehouse", "--format", "json"
    )
    data = json.loads(proc.stdout)
    assert data["source"].startswith("warehouse duckdb:")
    assert [r["invocation_id"] for r in data["runs"]] == report_runs.invocations
    local = json.loads(
        report_runs.project.dativo("history", "--project-dir", ".", "--format", "json").stdout
    )
    for name in ("stg_orders", "stg_customers"):
        wh_scores = [round(p["score"], 6) for p in data["models"][name]]
        local_scores = [round(p["score"], 6) for p in local["models"][name]]
        assert wh_scores == local_scores, name  # the SQL and Python scoring agree

    out = tmp_path / "wh.html"
    proc = report_runs.project.dativo(
        "report", "--project-dir", ".", "--from-warehouse", "--output", str(out)
    )
    assert "2 runs of history" in proc.stdout
    assert "from warehouse duckdb:" in out.read_text()


def test_report_diffs_against_a_recorded_run(report_runs: ReportRuns, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    report_runs.project.dativo(
        "report", "--project-dir", ".", "--output", str(out), "--baseline-invocation", "previous"
    )
    scan = Scan(out.read_text())
    fixed = [a for a in scan.find("table", "diff-fixed")]
    assert fixed, "run 2 fixed checks of run 1"
    text = "".join(scan.text)
    assert "Compared with run of" in text and "amount_non_negative" in text

    bad = report_runs.project.dativo(
        "report", "--output", str(tmp_path / "x.html"), "--baseline-invocation", "nope", expect_rc=2
    )
    assert "'nope' is not in the history" in bad.stderr
    assert not (tmp_path / "x.html").exists()


def test_report_from_a_scores_document(report_runs: ReportRuns, tmp_path: Path) -> None:
    """`--scores FILE` (a `score --format json` document) is reported without scoring again."""
    from dativo_dbt.scoring.api import score_project

    scores = tmp_path / "scores.json"
    scores.write_text(json.dumps(score_project(report_runs.path / "target").to_dict()))
    out = tmp_path / "r.html"
    proc = report_runs.project.dativo(
        "report", "--scores", str(scores), "--output", str(out), "--no-samples"
    )
    assert "3 models" in proc.stdout
    models, failing = _expected(report_runs.path)
    scan = Scan(out.read_text())
    assert {a["data-model"] for a in scan.find("details", "model")} == models
    assert {a["data-check"] for a in scan.find("tr", "check-row")} >= set(failing)
