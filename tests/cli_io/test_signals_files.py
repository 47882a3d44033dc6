"""Ctrl-C, symlink loops and read-only directories: exit 130 (interrupt) or 2 (bad path) with one
line on stderr, no traceback, and no partial or temporary file left behind."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.dbt import DATIVO
from tests.helpers.inproc import Ran, run_main

ART = Path(__file__).resolve().parents[1] / "fixtures" / "artifacts" / "1.11"
CONTRACT = """
data_contract:
  name: {name}
  version: "1"
  model: {name}
  quality_checks:
    soda:
      checks:
        - {{name: id_present, type: not_null, column: id}}
"""


def _one_error_line(ran: Ran, code: int) -> str:
    assert ran.code == code, ran.stdout + ran.stderr
    assert "Traceback" not in ran.stderr + ran.stdout
    assert len(ran.error_lines) == 1, ran.stderr
    return ran.error_lines[0]


def _leftovers(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.endswith(".tmp")]


@pytest.fixture
def scored(tmp_path: Path) -> Path:
    shutil.copytree(ART, tmp_path / "target")
    return tmp_path


@pytest.fixture
def gen_project(tmp_path: Path) -> Path:
    (tmp_path / "dbt_project.yml").write_text("name: p\nversion: '1'\nprofile: p\n")
    (tmp_path / "models").mkdir()
    (tmp_path / "contracts").mkdir()
    for name in ("alpha", "beta", "gamma"):
        (tmp_path / "models" / f"{name}.sql").write_text("select 1 as id\n")
        contract = textwrap.dedent(CONTRACT.format(name=name)).lstrip()
        (tmp_path / "contracts" / f"{name}.yml").write_text(contract)
    return tmp_path


# --- Ctrl-C -----------------------------------------------------------------------------------


def test_interrupt_while_writing_score_output(
    scored: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dativo_dbt.outputs as outputs

    real = outputs.render_chunks

    def interrupted(*args: Any, **kwargs: Any) -> Iterator[bytes]:
        pieces = real(*args, **kwargs)
        yield next(iter(pieces))
        raise KeyboardInterrupt  # Ctrl-C after the first piece reached the temp file

    out = scored / "score.json"
    out.write_text("previous run\n")
    monkeypatch.setattr(outputs, "render_chunks", interrupted)
    ran = run_main("score", "--project-dir", str(scored), "--format", "json", "-o", str(out))
    assert _one_error_line(ran, 130) == "interrupted"
    assert out.read_text() == "previous run\n"
    assert sorted(p.name for p in scored.iterdir()) == ["score.json", "target"]


def test_interrupt_during_generate_leaves_complete_files_only(
    gen_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    complete = run_main("generate", "--project-dir", str(gen_project))
    assert complete.code == 0, complete.stderr
    expected = {p.name: p.read_text() for p in (gen_project / "models").glob("_dativo__*.yml")}
    assert len(expected) == 3
    for p in (gen_project / "models").glob("_dativo__*.yml"):
        p.unlink()
    real_replace = os.replace
    calls: list[str] = []

    def replace(src: Any, dst: Any) -> None:
        calls.append(str(dst))
        if len(calls) == 2:
            raise KeyboardInterrupt  # Ctrl-C with the second file's temp copy written
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    ran = run_main("generate", "--project-dir", str(gen_project))
    monkeypatch.undo()
    assert _one_error_line(ran, 130) == "interrupted"
    assert _leftovers(gen_project) == []
    written = {p.name: p.read_text() for p in (gen_project / "models").glob("_dativo__*.yml")}
    assert len(written) == 1
    assert all(expected[name] == text for name, text in written.items())


@pytest.fixture
def silent_cloud() -> Iterator[socket.socket]:
    """A 'dbt Cloud' that accepts the connection and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(4)
    sock.settimeout(60)
    try:
        yield sock
    finally:
        sock.close()


def test_real_sigint_during_score_exits_130(tmp_path: Path, silent_cloud: socket.socket) -> None:
    """A real SIGINT while `score` waits on the network: exit 130, one line, no temp dir left."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = dict(os.environ, TMPDIR=str(tmp), DATIVO_HISTORY="off")
    port = silent_cloud.getsockname()[1]
    proc = subprocess.Popen(
        [DATIVO, "score", "--project-dir", str(tmp_path), "--format", "json", "-o",
         str(tmp_path / "out.json"), "--dbt-cloud-run", "7", "--dbt-cloud-account-id", "1",
         "--dbt-cloud-token", "tok-123456", "--dbt-cloud-host", f"http://127.0.0.1:{port}",
         "--dbt-cloud-timeout", "60"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )  # fmt: skip
    try:
        conn, _ = silent_cloud.accept()  # the download has started and now waits for an answer
        time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=60)
        conn.close()
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert "Traceback" not in err and [line for line in err.splitlines() if line] == ["interrupted"]
    assert list(tmp.iterdir()) == [] and not (tmp_path / "out.json").exists()


# --- symlink loops and read-only directories --------------------------------------------------


def test_symlink_loops_are_one_line_exit_2(gen_project: Path, scored: Path) -> None:
    (gen_project / "loop").symlink_to(gen_project / "loop")
    (gen_project / "contracts" / "self.yml").symlink_to(gen_project / "contracts" / "self.yml")
    loop = str(gen_project / "loop")
    cases = [
        ("score", "--project-dir", loop),
        ("score", "--project-dir", str(scored), "--target-dir", loop),
        ("score", "--project-dir", str(scored), "--format", "json", "-o", loop + "/x.json"),
        ("generate", "--project-dir", loop),
        ("generate", "--project-dir", str(gen_project), "--contracts", loop),
        ("validate", "--project-dir", str(gen_project)),
        ("generate", "--project-dir", str(gen_project)),
    ]
    for args in cases:
        line = _one_error_line(run_main(*args), 2)
        assert line.startswith("error: ") and ("loop" in line or "self.yml" in line), (args, line)
    assert not list((gen_project / "models").glob("_dativo__*"))


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[Path]:
    """Make `path` a directory nobody can create files in, root included (chmod, else chattr +i)."""
    path.chmod(0o555)
    immutable = False
    if _writable(path):
        subprocess.run(["chattr", "+i", str(path)], check=True, capture_output=True)
        immutable = True
    assert not _writable(path)
    try:
        yield path
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(path)], check=True, capture_output=True)
        path.chmod(0o755)


def _writable(path: Path) -> bool:
    try:
        (path / ".probe").touch()
    except OSError:
        return False
    (path / ".probe").unlink()
    return True


def test_read_only_output_directory(scored: Path) -> None:
    (scored / "ro").mkdir()
    with read_only(scored / "ro") as ro:
        out = str(ro / "s.json")
        ran = run_main("score", "--project-dir", str(scored), "--format", "json", "-o", out)
        line = _one_error_line(ran, 2)
        assert "s.json" in line and "cannot write output" in line
        assert list(ro.iterdir()) == []


def test_read_only_models_directory(gen_project: Path) -> None:
    with read_only(gen_project / "models") as models:
        line = _one_error_line(run_main("generate", "--project-dir", str(gen_project)), 2)
        assert "_dativo__alpha.yml" in line and "cannot write" in line
        assert sorted(p.name for p in models.iterdir()) == ["alpha.sql", "beta.sql", "gamma.sql"]


def test_lineage_file_is_replaced_whole_or_not_at_all(tmp_path: Path) -> None:
    from dativo_dbt.lineage.emit import TransportOptions, emit_events
    from dativo_dbt.lineage.run import events_for_run

    from tests.lineage import sample

    project = sample.write_project(tmp_path / "proj")
    events = events_for_run(sample.project_score(), project)
    out = tmp_path / "ol.jsonl"
    out.write_text("previous\n")

    class Interrupted(list):  # type: ignore[type-arg]
        def __iter__(self) -> Iterator[Any]:
            yield self[0]
            raise KeyboardInterrupt

    opts = TransportOptions(kind="file", output=out)
    with pytest.raises(KeyboardInterrupt):
        emit_events(Interrupted(events), opts)
    assert out.read_text() == "previous\n" and _leftovers(tmp_path) == []
    assert emit_events(events, opts) == len(events) == len(out.read_text().splitlines())
    assert _leftovers(tmp_path) == [] and oct(out.stat().st_mode & 0o777) == "0o644"


def test_real_sigint_during_generate_exits_130(gen_project: Path) -> None:
    """A real SIGINT while `generate` is blocked reading the project's properties files (a FIFO
    nobody writes to): exit 130, one line, nothing written."""
    fifo = gen_project / "models" / "blocked.yml"
    os.mkfifo(fifo)
    proc = subprocess.Popen(
        [DATIVO, "generate", "--project-dir", str(gen_project)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:  # the FIFO opens for writing only once generate has opened it for reading
            try:
                writer = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
                break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None, proc.poll()
                time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=60)
        os.close(writer)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert "Traceback" not in err and [line for line in err.splitlines() if line] == ["interrupted"]
    assert sorted(p.name for p in (gen_project / "models").iterdir()) == [
        "alpha.sql",
        "beta.sql",
        "blocked.yml",
        "gamma.sql",
    ]


def test_sigint_while_the_cli_loads_exits_130() -> None:
    """The console script's entry module handles Ctrl-C before the (slow) CLI import."""
    code = (
        "import os, signal\n"
        "import dativo_dbt.cli.console\n"
        "os.kill(os.getpid(), signal.SIGINT)\n"
        "import time; time.sleep(5)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert (proc.returncode, proc.stderr) == (130, "interrupted\n")
