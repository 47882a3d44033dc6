"""Rendering the report from hand-built runs: escaping, self-containment, diff, charts, writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from dativo_dbt.history.queries import RunSummary, TrendPoint
from dativo_dbt.history.snapshot import RunSnapshot
from dativo_dbt.report import build_report, render_html
from dativo_dbt.report.charts import Series, line_chart, score_ring, sparkline
from dativo_dbt.report.run import write_html
from dativo_dbt.report.views import QuarantineSummary, SampleRows

from tests.history.synth import check, model, run, two_runs
from tests.report.htmlscan import Scan

EVIL = "<script>alert('x')</script>"


def _hostile() -> RunSnapshot:
    return run(
        "inv-evil",
        "2026-02-01T00:00:00Z",
        [
            model(
                f"m_{EVIL}",
                55.0,
                [
                    check(
                        f"chk_{EVIL}",
                        "fail",
                        message=f"Got {EVIL} </script><img src=x onerror=alert(1)>",
                        compiled_sql=f"select '{EVIL}' -- </pre></script>",
                        contract=f"c_{EVIL}",
                        relation_name='"db"."audit"."t"',
                    )
                ],
                owner=f"o_{EVIL}",
                contract=f"c_{EVIL}",
                tier="gold",
            )
        ],
    )


def test_every_value_is_escaped_and_nothing_is_fetched() -> None:
    hostile = _hostile()
    samples = {
        "test.p.chk_" + EVIL: SampleRows(["col<b>"], [[EVIL]], '"db"."audit"."t"'),
    }
    quarantine = QuarantineSummary(3, [{"model": EVIL, "rows": 3}], ["model", "rows"])
    html = render_html(
        build_report(hostile, samples=samples, quarantine=quarantine, notes=[EVIL], title=EVIL)
    )
    scan = Scan(html)
    assert "<script>alert" not in html and "<img" not in html
    assert len(scan.find("script")) == 1  # only the report's own inline script
    assert scan.find("img") == [] and scan.find("link") == [] and scan.find("iframe") == []
    assert scan.resource_urls() == []
    text = "".join(scan.text)
    assert f"m_{EVIL}" in text and f"o_{EVIL}" in text and f"select '{EVIL}'" in text
    # The Content-Security-Policy forbids any fetch even if something slipped through.
    csp = [m for m in scan.find("meta") if m.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in (csp[0]["content"] or "")


def test_failing_checks_come_first_with_sql_and_samples() -> None:
    first, _ = two_runs()
    html = render_html(build_report(first))
    scan = Scan(html)
    rows = [(a["data-check"], a["data-status"]) for a in scan.find("tr", "check-row")]
    orders = [r for r in rows if "orders" in (r[0] or "")]
    assert orders == [("test.p.orders_unique", "fail"), ("test.p.orders_nn", "pass")]
    assert "select 1" in html
    # Worst model first (failing gate), and it is expanded.
    sections = scan.find("details", "model")
    assert sections[0]["data-model"] == "model.p.orders" and "open" in sections[0]
    assert "open" not in sections[1]


def test_baseline_diff_and_history_trend() -> None:
    first, second = two_runs()
    runs = [RunSummary("inv-1", first.generated_at, first.overall_score, False, 2, 1)]
    trends = {
        "orders": [TrendPoint("inv-1", first.generated_at, 60.0, {"validity": 60.0}, False, "gold")]
    }
    view = build_report(
        second, history_runs=runs, history_trends=trends, baseline=first, baseline_label="main"
    )
    assert view.history_runs == 2  # the current run joins the recorded one
    assert view.diff is not None
    assert [f["check"] for f in view.diff.new_failures] == ["orders_nn"]
    assert [f["check"] for f in view.diff.fixed] == ["orders_unique"]
    assert view.diff.added == ["added"] and view.diff.removed == ["gone"]
    assert view.diff.overall_delta == pytest.approx(97.5 - 70.0)
    orders = next(m for m in view.models if m.model.name == "orders")
    assert orders.delta == pytest.approx(35.0) and orders.runs_in_history == 2
    assert orders.trend_chart is not None and "<polyline" in orders.trend_chart
    html = render_html(view)
    assert "Compared with main" in html and "+27.5" in html
    assert "Trends appear after two or more runs" not in html

    lone = render_html(build_report(second))
    assert "Trends appear after two or more runs" in lone


def test_charts_draw_gaps_thresholds_and_clamp() -> None:
    chart = line_chart(
        ["a", "b", "c", "d"],
        [Series("s<1>", "#000", [10.0, None, 30.0, 40.0])],
        threshold=80.0,
    )
    assert chart.count("<polyline") == 1  # the gap splits the line; a lone point has no line
    assert chart.count("<circle") == 3
    assert 'class="threshold"' in chart and "s&lt;1&gt;" in chart
    assert 'stroke-dasharray="0.00' in score_ring(-5.0)  # clamped to an empty ring
    assert sparkline([None, None]) == ""
    assert "<polyline" in sparkline([50.0, 60.0])


def test_write_is_atomic(tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.html"
    write_html(target, "first")
    assert target.read_text() == "first"
    with pytest.raises(TypeError):
        write_html(target, 42)  # type: ignore[arg-type]
    assert target.read_text() == "first"
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.html"]


def test_report_cli_input_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from dativo_dbt.cli.main import main

    out = tmp_path / "r.html"
    with pytest.raises(SystemExit) as exit_:
        main(["report", "--project-dir", str(tmp_path), "--output", str(out)])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "error:" in err and "Traceback" not in err
    assert not out.exists()

    bad = tmp_path / "scores.json"
    bad.write_text("{not json")
    with pytest.raises(SystemExit) as exit_:
        main(["report", "--scores", str(bad), "--output", str(out)])
    assert exit_.value.code == 2
    assert "scores.json" in capsys.readouterr().err
    assert not out.exists()


def test_dimension_means_per_run() -> None:
    from dativo_dbt.report.trends import dimension_means

    trends = {
        "a": [
            TrendPoint("r1", "t1", 50.0, {"validity": 40.0}),
            TrendPoint("r2", "t2", 90.0, {"validity": 80.0}),
        ],
        "b": [TrendPoint("r2", "t2", 70.0, {"validity": 60.0, "accuracy": None})],
    }
    assert dimension_means(trends, ["r1", "r2", "r3"]) == {"validity": [40.0, 70.0, None]}


def test_an_older_unrecorded_run_is_placed_by_time() -> None:
    from dativo_dbt.report.trends import merge_history

    first, second = two_runs()
    runs = [RunSummary("inv-2", "2026-01-02T08:00:00Z", 97.5, True, 2, 1)]
    trends = {"orders": [TrendPoint("inv-2", "2026-01-02T08:00:00Z", 95.0)]}
    merged_runs, merged_trends = merge_history(first, runs, trends)
    assert [r.invocation_id for r in merged_runs] == ["inv-1", "inv-2"]
    assert [p.invocation_id for p in merged_trends["orders"]] == ["inv-1", "inv-2"]
    assert merge_history(second, runs, trends) == (runs, trends)  # already recorded


def test_check_rows_show_recent_statuses_and_failing_streak() -> None:
    _, second = two_runs()
    second.models[0].checks[1].status = "fail"  # orders_nn fails now...
    runs = [
        RunSummary("inv-0", "2025-12-31T10:00:00Z", 50.0, False, 1, 1),
        RunSummary("inv-1", "2026-01-01T10:00:00Z", 60.0, False, 1, 1),
    ]
    statuses = {"test.p.orders_nn": {"inv-0": "pass", "inv-1": "warn"}}  # ...and failed before
    view = build_report(second, history_runs=runs, check_statuses=statuses)
    orders = next(m for m in view.models if m.model.name == "orders")
    nn = next(c for c in orders.checks if c.check.name == "orders_nn")
    assert [s for _, s in nn.recent] == ["pass", "warn", "fail"]
    assert nn.failing_runs == 2
    unique = next(c for c in orders.checks if c.check.name == "orders_unique")
    assert [s for _, s in unique.recent] == ["none", "none", "pass"] and unique.failing_runs == 0
    html = render_html(view)
    assert "failing for 2 runs" in html
