"""History writers and readers as real concurrent `dativo-dbt` processes (dbt 1.11 artifacts of
tests/fixtures/score_project, one copy per run with its own invocation_id).

Writers never wait on each other (DuckDB's lock with a bounded wait, else a pending run file);
a reader started after `score` exited sees its run; Ctrl-C during the write exits 130 and leaves
a consistent history that still gets the run."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.dbt import DATIVO

ART = Path(__file__).resolve().parents[1] / "fixtures" / "artifacts" / "1.11"
HOLD_LOCK = (
    "import sys, time, duckdb\n"
    "conn = duckdb.connect(sys.argv[1])\n"
    "print('locked', flush=True)\n"
    "sys.stdin.readline()\n"
    "conn.close()\n"
)


def _target(root: Path, invocation: str) -> Path:
    target = root / invocation
    shutil.copytree(ART, target)
    results = json.loads((target / "run_results.json").read_text())
    results["metadata"]["invocation_id"] = invocation
    (target / "run_results.json").write_text(json.dumps(results))
    return target


def _env(store: Path, background: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATIVO_HISTORY_PATH": str(store),
        "DATIVO_HISTORY_BACKGROUND": background,
    }


def _score(target: Path, project: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [DATIVO, "score", "--target-dir", str(target), "--project-dir", str(project)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _history(project: Path, env: dict[str, str]) -> list[str]:
    proc = subprocess.run(
        [DATIVO, "history", "--project-dir", str(project), "--format", "json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return sorted(r["invocation_id"] for r in json.loads(proc.stdout)["runs"])


@pytest.fixture
def lock_holder(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the store's DuckDB lock until a line is written to its stdin."""
    store = tmp_path / "h.duckdb"
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(store)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.communicate("\n", timeout=30)


@pytest.mark.parametrize("background", ["on", "off"])
def test_three_concurrent_scores_all_recorded_and_seen(tmp_path: Path, background: str) -> None:
    """Three `score` runs at once (detached writers, or threads): none stalls, and a reader
    started right after the last exit sees all three runs."""
    store = tmp_path / "h.duckdb"
    env = _env(store, background)
    targets = [_target(tmp_path, f"inv-{n}") for n in range(3)]
    start = time.monotonic()
    procs = [_score(t, tmp_path, env) for t in targets]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode in (0, 1), err
        assert "warning" not in err, err
    assert _history(tmp_path, env) == ["inv-0", "inv-1", "inv-2"]
    assert time.monotonic() - start < 60  # the writers once waited on each other for 300 s
    assert not list(tmp_path.glob("h.duckdb.writing-*"))
    assert not (tmp_path / "h.duckdb.log").exists()


def test_a_writer_ignores_other_writers_markers(tmp_path: Path) -> None:
    """A living process's writing marker does not hold a `score` up (it once waited 300 s)."""
    store = tmp_path / "h.duckdb"
    env = _env(store, "off")
    sleeper = subprocess.Popen(["sleep", "120"])
    try:
        (tmp_path / f"h.duckdb.writing-{sleeper.pid}").touch()
        proc = _score(_target(tmp_path, "inv-m"), tmp_path, env)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode in (0, 1), err
    finally:
        sleeper.kill()
        sleeper.wait()
    assert _history(tmp_path, env) == ["inv-m"]


def test_a_busy_store_gets_the_run_later(
    tmp_path: Path, lock_holder: subprocess.Popen[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """While another process holds the lock, a writer sets its run aside (bounded wait) and the
    next reader merges it."""
    from dativo_dbt.history import store as store_mod
    from dativo_dbt.history.spool import pending_runs

    from tests.history.synth import two_runs

    path = tmp_path / "h.duckdb"
    monkeypatch.setattr(store_mod, "LOCK_WAIT_SECONDS", 0.5)
    start = time.monotonic()
    assert store_mod.store_run(path, two_runs()[0]) is False
    assert time.monotonic() - start < 5
    assert len(pending_runs(path)) == 1
    lock_holder.communicate("\n", timeout=30)
    assert _history(tmp_path, _env(path, "off")) == ["inv-1"]
    assert pending_runs(path) == []


def test_ctrl_c_during_the_history_write_exits_130(
    tmp_path: Path, lock_holder: subprocess.Popen[str]
) -> None:
    """Ctrl-C while `score` waits to write its history: exit 130 at once, no traceback, and the
    run is not lost (set aside, merged by the next reader); the store stays readable."""
    env = _env(tmp_path / "h.duckdb", "off")
    proc = _score(_target(tmp_path, "inv-c"), tmp_path, env)
    assert proc.stdout is not None
    for line in proc.stdout:  # the table is printed while the history thread waits for the lock
        if "project score" in line:
            break
    time.sleep(0.5)
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert time.monotonic() - sent < 5  # not the whole lock wait
    assert "Traceback" not in err and "interrupted" in err
    lock_holder.communicate("\n", timeout=30)
    assert _history(tmp_path, env) == ["inv-c"]
    assert not list((tmp_path / "h.duckdb.pending").glob("*"))
