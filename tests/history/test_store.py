"""The local history store: recording, idempotence, ordering, trends, location and errors."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from dativo_dbt.core.errors import DativoError
from dativo_dbt.history import history_enabled, open_store, record, resolve_history_path
from dativo_dbt.history.snapshot import RunSnapshot

from tests.history import synth
from tests.history.synth import two_runs


def _store_with_both(tmp_path: Path) -> Path:
    path = tmp_path / "h" / "history.duckdb"
    first, second = two_runs()
    with open_store(path) as store:
        # Recorded out of order: reading orders by when dbt ran.
        assert store.record(second) is False
        assert store.record(first) is False
    return path


def test_round_trip_keeps_every_field(tmp_path: Path) -> None:
    path = _store_with_both(tmp_path)
    first, _ = two_runs()
    with open_store(path, read_only=True) as store:
        loaded = store.load_run("inv-1")
        assert store.load_run("nope") is None
    assert loaded is not None
    assert loaded.to_dict() == first.to_dict()
    with open_store(path, read_only=True) as store:
        again = store.load_run("inv-2")
    assert again is not None
    assert again.generated_at == "2026-01-02T08:00:00Z"  # normalised to UTC
    assert RunSnapshot.from_dict(again.to_dict()).to_dict() == again.to_dict()


def test_large_runs_round_trip_through_the_bulk_json_path(tmp_path: Path) -> None:
    """Above _UNNEST_MAX_ROWS rows the store inserts through a JSON file: same result."""
    models = [
        synth.model(
            f"m{i}",
            50.0 + i % 50,
            [
                synth.check(
                    f"m{i}_c{j}",
                    "fail" if j % 7 == 0 else "pass",
                    message='O\'Brien \\ "quoted" \u00e9' if j % 5 == 0 else None,
                    compiled_sql="select 1 as n" if j % 7 == 0 else None,
                    weight=0.5 * (j % 3) or None,
                )
                for j in range(12)
            ],
            tier="gold" if i % 3 == 0 else None,
        )
        for i in range(300)
    ]
    big = synth.run("inv-big", "2026-01-03T00:00:00Z", models)
    path = tmp_path / "big.duckdb"
    with open_store(path) as store:
        store.record(big)
    with open_store(path, read_only=True) as store:
        loaded = store.load_run("inv-big")
    assert loaded is not None
    assert sum(len(m.checks) for m in loaded.models) == 3600
    assert loaded.to_dict() == big.to_dict()


def test_recording_an_invocation_again_replaces_it(tmp_path: Path) -> None:
    path = _store_with_both(tmp_path)
    first, _ = two_runs()
    first.models[0].score = 61.5
    with open_store(path) as store:
        assert store.record(first) is True
        runs = store.runs()
        assert [r.invocation_id for r in runs] == ["inv-1", "inv-2"]
        orders = store.model_trends("orders")["orders"]
    assert [p.score for p in orders] == [61.5, 95.0]


def test_runs_and_trends_oldest_first_with_last_n(tmp_path: Path) -> None:
    path = _store_with_both(tmp_path)
    with open_store(path, read_only=True) as store:
        runs = store.runs()
        assert [(r.invocation_id, r.models, r.failing_checks) for r in runs] == [
            ("inv-1", 2, 1),
            ("inv-2", 2, 1),
        ]
        assert [r.invocation_id for r in store.runs(last=1)] == ["inv-2"]
        trends = store.model_trends()
        assert set(trends) == {"orders", "gone", "added"}
        assert [p.invocation_id for p in trends["gone"]] == ["inv-1"]
        assert trends["orders"][0].dimensions == {"completeness": 100.0, "validity": 60.0}
        assert [p.gate_passed for p in trends["orders"]] == [False, True]
        assert set(store.model_trends(last=1)) == {"orders", "added"}
        assert set(store.model_trends("model.p.added")) == {"added"}
        assert store.project_trend()[-1].score == pytest.approx(97.5)
        latest = store.latest_run()
    assert latest is not None and latest.invocation_id == "inv-2"


def test_record_api_writes_default_location(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATIVO_HISTORY_PATH", raising=False)
    monkeypatch.delenv("DATIVO_HISTORY", raising=False)
    first, _ = two_runs()
    written = record(
        first, project_dir=tmp_path, recorded_at=datetime(2026, 1, 1, tzinfo=timezone.utc)
    )
    assert written == tmp_path / ".dativo" / "history.duckdb"
    with open_store(written, read_only=True) as store:
        assert [r.invocation_id for r in store.runs()] == ["inv-1"]


def test_history_location_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATIVO_HISTORY_PATH", raising=False)
    assert resolve_history_path(tmp_path) == tmp_path / ".dativo" / "history.duckdb"
    (tmp_path / "dativo.yml").write_text("history:\n  path: quality/hist.duckdb\n")
    assert resolve_history_path(tmp_path) == tmp_path / "quality" / "hist.duckdb"
    monkeypatch.setenv("DATIVO_HISTORY_PATH", str(tmp_path / "env.duckdb"))
    assert resolve_history_path(tmp_path) == tmp_path / "env.duckdb"
    assert resolve_history_path(tmp_path, tmp_path / "cli.duckdb") == tmp_path / "cli.duckdb"


def test_history_can_be_switched_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATIVO_HISTORY_PATH", raising=False)
    monkeypatch.delenv("DATIVO_HISTORY", raising=False)
    assert history_enabled(tmp_path)
    (tmp_path / "dativo.yml").write_text("history:\n  enabled: false\n")
    assert not history_enabled(tmp_path)
    assert record(two_runs()[0], project_dir=tmp_path) is None
    assert not (tmp_path / ".dativo").exists()
    (tmp_path / "dativo.yml").write_text("scoring: {}\n")
    monkeypatch.setenv("DATIVO_HISTORY", "off")
    assert not history_enabled(tmp_path)


def test_bad_history_config_and_files_are_input_errors(tmp_path: Path) -> None:
    (tmp_path / "dativo.yml").write_text("history: [1, 2]\n")
    with pytest.raises(DativoError) as err:
        resolve_history_path(tmp_path)
    assert "dativo.yml" in err.value.render() and "history" in err.value.render()

    (tmp_path / "dativo.yml").write_text("history: {path: [unclosed\n")
    with pytest.raises(DativoError) as err:
        resolve_history_path(tmp_path)
    assert err.value.line is not None

    with pytest.raises(DativoError) as err:
        open_store(tmp_path / "missing.duckdb", read_only=True).__enter__()
    assert "no history yet" in err.value.render()

    garbage = tmp_path / "garbage.duckdb"
    garbage.write_bytes(b"this is not a database" * 100)
    with pytest.raises(DativoError) as err:
        open_store(garbage).__enter__()
    assert str(garbage) in err.value.render()


def test_history_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from dativo_dbt.cli.main import main

    path = _store_with_both(tmp_path)
    main(["history", "--history-path", str(path), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert [r["invocation_id"] for r in data["runs"]] == ["inv-1", "inv-2"]
    assert [p["score"] for p in data["models"]["orders"]] == [60.0, 95.0]

    main(["history", "--history-path", str(path)])
    table = capsys.readouterr().out
    assert "project (overall)" in table and "orders" in table and "+35.0" in table

    main(["history", "orders", "--history-path", str(path)])
    out = capsys.readouterr().out
    assert "orders" in out and "01-01 10:00" in out and "01-02 08:00" in out

    with pytest.raises(SystemExit) as exit_:
        main(["history", "nope", "--history-path", str(path)])
    assert exit_.value.code == 2
    assert "nope" in capsys.readouterr().err

    with pytest.raises(SystemExit) as exit_:
        main(["history", "--history-path", str(tmp_path / "none.duckdb")])
    assert exit_.value.code == 2
    assert "no history yet" in capsys.readouterr().err


def test_sparkline_uses_the_absolute_scale() -> None:
    from dativo_dbt.history.display import spark

    assert spark([0.0, 50.0, 100.0, None]) == "▁▅█ "


def test_record_or_warn_never_fails_the_caller(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from dativo_dbt.history import record_or_warn

    garbage = tmp_path / "garbage.duckdb"
    garbage.write_bytes(b"not a database" * 100)
    assert record_or_warn(two_runs()[0], path=garbage) is None
    assert "warning: score history not recorded" in capsys.readouterr().err
    good = tmp_path / "good.duckdb"
    assert record_or_warn(two_runs()[0], path=good) == good


def test_concurrent_writers_wait_for_the_lock(tmp_path: Path) -> None:
    """Several `score` processes finishing at once all get their run recorded."""
    import subprocess
    import sys

    path = tmp_path / "history.duckdb"
    script = (
        "import sys\n"
        "from dativo_dbt.history import record\n"
        "from tests.history.synth import two_runs\n"
        "for i in range(5):\n"
        "    run = two_runs()[0]\n"
        "    run.invocation_id = f'{sys.argv[2]}-{i}'\n"
        "    record(run, path=sys.argv[1])\n"
    )
    root = Path(__file__).resolve().parents[2]
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(path), f"w{n}"], cwd=root)
        for n in range(4)
    ]
    assert [p.wait() for p in procs] == [0, 0, 0, 0]
    with open_store(path, read_only=True) as store:
        assert len(store.runs()) == 20


def test_detached_writer_records_and_readers_wait_for_it(tmp_path: Path) -> None:
    """`score` on a big run records its history in a detached child (history/detached.py): the
    parent exits first, a reader opening the store right after still sees the run."""
    import os
    import subprocess
    import sys

    fix = Path(__file__).resolve().parents[1] / "fixtures" / "artifacts" / "1.11"
    store = tmp_path / "h.duckdb"
    env = {
        **os.environ,
        "DATIVO_HISTORY_PATH": str(store),
        "DATIVO_HISTORY_BACKGROUND": "on",  # detach whatever the size of the run
    }
    dativo = str(Path(sys.executable).with_name("dativo-dbt"))
    proc = subprocess.run(
        [dativo, "score", "--target-dir", str(fix), "--project-dir", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode in (0, 1), proc.stderr
    with open_store(store, read_only=True) as history:  # waits for the writer's marker
        runs = history.runs()
    invocation = json.loads((fix / "run_results.json").read_text())["metadata"]["invocation_id"]
    assert [r.invocation_id for r in runs] == [invocation]
    assert runs[0].models > 0 and runs[0].failing_checks > 0
    assert not list(tmp_path.glob("h.duckdb.writing-*"))  # the marker is gone
    assert not (tmp_path / "h.duckdb.log").exists()


def test_detached_writer_failure_is_logged_and_stale_markers_are_cleared(tmp_path: Path) -> None:
    import os

    from dativo_dbt.history import detached
    from dativo_dbt.scoring.api import score_project

    fix = Path(__file__).resolve().parents[1] / "fixtures" / "artifacts" / "1.11"
    store = tmp_path / "h.duckdb"
    store.write_text("not a duckdb file")  # the child cannot open it
    pid = detached.start(score_project(fix), store)
    os.waitpid(pid, 0)
    log = (tmp_path / "h.duckdb.log").read_text()
    assert "score history not recorded" in log and "h.duckdb" in log
    # a marker left by a writer that is gone does not hold readers up
    (tmp_path / "h.duckdb.writing-999999999").touch()
    detached.wait_for_writers(store, timeout=5)
    assert not list(tmp_path.glob("h.duckdb.writing-*"))


def test_gate_warnings_round_trip_and_old_stores_read(tmp_path: Path) -> None:
    """A passed gate with warnings is `warn` after the round trip; a store written before the
    gate_warnings column existed reads read-only, its models without warnings."""
    import duckdb

    path = tmp_path / "h.duckdb"
    first, _ = two_runs()
    first.models[0].gate.passed = True
    first.models[0].gate.warnings = ["DATIVO-DQ102: score 60.0 below warn_score 80"]
    with open_store(path) as store:
        store.record(first)
    with open_store(path, read_only=True) as store:
        loaded = store.load_run("inv-1")
        trend = store.model_trends("orders")["orders"]
    assert loaded is not None and loaded.models[0].gate.status == "warn"
    assert loaded.models[0].gate.warnings == first.models[0].gate.warnings
    assert [p.gate_status for p in trend] == ["warn"]
    conn = duckdb.connect(str(path))
    conn.execute("alter table dativo_model_scores drop column gate_warnings")
    conn.close()
    with open_store(path, read_only=True) as store:
        loaded = store.load_run("inv-1")
        trend = store.model_trends("orders")["orders"]
    assert loaded is not None and loaded.models[0].gate.status == "pass"
    assert [p.gate_status for p in trend] == ["pass"]


def test_pending_runs_are_merged_and_a_bad_one_is_set_aside(tmp_path: Path) -> None:
    """A run set aside while the store was busy is merged by the next writer, before its own run;
    an unreadable pending file is renamed *.bad and logged, and blocks nothing."""
    from datetime import datetime, timezone

    from dativo_dbt.history.snapshot import rows_from_snapshot
    from dativo_dbt.history.spool import pending_runs, spool, spool_dir
    from dativo_dbt.history.store import store_run

    path = tmp_path / "h.duckdb"
    first, second = two_runs()
    spool(path, rows_from_snapshot(first), datetime(2026, 1, 1, tzinfo=timezone.utc))
    (spool_dir(path) / "garbage-1.run").write_bytes(b"\x00not msgpack")
    assert store_run(path, second) is True
    with open_store(path, read_only=True) as store:
        assert [r.invocation_id for r in store.runs()] == ["inv-1", "inv-2"]
        loaded = store.load_run("inv-1")
    assert loaded is not None and loaded.to_dict() == first.to_dict()
    assert pending_runs(path) == []
    assert (spool_dir(path) / "garbage-1.bad").exists()
    assert "unreadable pending run" in (tmp_path / "h.duckdb.log").read_text()
