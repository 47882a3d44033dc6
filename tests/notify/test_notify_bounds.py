"""Notifications never change the gate's exit code and never print a secret: the config is checked
up front (exit 2 from `notify`, a warning from `score --notify`), retries are capped in attempts,
delay and total time, and every error and log line is redacted, URL parse errors included.
Real servers on 127.0.0.1 (tests/notify/servers.py)."""

from __future__ import annotations

import logging
import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest
from dativo_dbt.artifacts.project_nodes import load_nodes
from dativo_dbt.notify.channels import Budget, DeliveryError, _Retryable, _with_retry, post_json
from dativo_dbt.notify.config import RetryPolicy, load_notify_config
from dativo_dbt.notify.dispatch import deliver
from dativo_dbt.notify.redact import Redactor
from dativo_dbt.notify.summary import summarize
from dativo_dbt.tasks.score_hooks import ViolationOptions, after_score

from tests.helpers.inproc import run_main
from tests.lineage import sample
from tests.notify.servers import http_recorder

TOKEN = "T0SECRET/B0SECRET/xoxbsupersecrettoken42"
ART = Path(__file__).resolve().parents[1] / "fixtures" / "artifacts" / "1.11"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    proj = sample.write_project(tmp_path / "proj")
    (proj / "scores.json").write_bytes(msgspec.json.encode(sample.project_score()))
    return proj


def _notify(project: Path, config: str, env: dict[str, str | None]) -> tuple[int, str, str]:
    (project / "notifications.yml").write_text(config)
    ran = run_main(
        "notify", "--project-dir", str(project), "--scores", str(project / "scores.json"), env=env
    )
    return ran.code, ran.stdout, ran.stderr


SLACK = "notifications:\n  channels:\n    slack: {webhook_url: '${SLACK_URL}'}\n"
GOOD_URL = f"https://hooks.slack.example/services/{TOKEN}"


@pytest.mark.parametrize(
    ("config", "url", "fragment"),
    [
        (SLACK + "  retry: {attempts: 0}\n", GOOD_URL, "retry.attempts: must be an integer from 1"),
        (SLACK + "  retry: {attempts: 1000}\n", GOOD_URL, "from 1 to 10"),
        (SLACK + "  retry: {attempts: '3'}\n", GOOD_URL, "retry.attempts: must be an integer"),
        (SLACK + "  retry: {backoff_seconds: .nan}\n", GOOD_URL, "backoff_seconds: must be"),
        (SLACK + "  retry: {backoff_seconds: 3600}\n", GOOD_URL, "in [0, 60]"),
        (SLACK + "  retry: {timeout_seconds: 0}\n", GOOD_URL, "timeout_seconds: must be"),
        (SLACK + "  retry: {total_seconds: .inf}\n", GOOD_URL, "total_seconds: must be"),
        (SLACK + "  retry: {attemps: 3}\n", GOOD_URL, "notifications.retry: unknown key 'attemps'"),
        (SLACK + "  dedup_window_minutes: -5\n", GOOD_URL, "dedup_window_minutes: must be"),
        (SLACK + "  channels_: {}\n", GOOD_URL, "unknown key 'channels_'"),
        (SLACK + "  templates: {subject: '{{ oops'}\n", GOOD_URL, "template syntax error"),
        ("notifications:\n  channels: [slack]\n", GOOD_URL, "channels must be a mapping"),
        (SLACK, f"https://hooks.slack.example/ser vices/{TOKEN}", "must not contain whitespace"),
        (SLACK, f"https://hooks.slack.example/services/{TOKEN}\r\nX-Evil: 1", "control char"),
        (SLACK, f"ftp://hooks.slack.example/{TOKEN}", "must be an http:// or https:// URL"),
        (SLACK, f"https://hooks.slack.example:99999/{TOKEN}", "not a valid URL"),
        (
            "notifications:\n  channels:\n    email: {smtp_host: '${SLACK_URL}', smtp_port: 70000}\n",
            "smtp.example.com",
            "smtp_port: must be an integer from 1 to 65535",
        ),
        (
            "notifications:\n  channels:\n    webhook: {url: '${SLACK_URL}', headers: "
            "{Authorization: 'Bearer ${HOOK_TOKEN}'}}\n",
            GOOD_URL,
            "headers.Authorization: must not contain control characters",
        ),
    ],
)
def test_bad_config_is_one_line_exit_2_without_secret(
    project: Path, config: str, url: str, fragment: str
) -> None:
    code, out, err = _notify(
        project, config, {"SLACK_URL": url, "HOOK_TOKEN": "tok-secret-value\r\nX-Injected: 1"}
    )
    assert code == 2, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ") and "notifications.yml" in lines[0]
    assert fragment in lines[0]
    for secret in ("SECRET", "supersecret", "tok-secret-value"):
        assert secret not in err + out
    assert "Traceback" not in err


def test_score_notify_bad_config_warns_and_keeps_the_gate_code(tmp_path: Path) -> None:
    shutil.copytree(ART, tmp_path / "target")
    (tmp_path / "notifications.yml").write_text(SLACK + "  retry: {attempts: 99}\n")
    env: dict[str, str | None] = {"SLACK_URL": GOOD_URL}
    plain = run_main("score", "--project-dir", str(tmp_path), env=env)
    ran = run_main("score", "--notify", "--project-dir", str(tmp_path), env=env)
    assert plain.code == 1 and ran.code == 1  # the fixture fails a gate: 1 either way
    assert "warning: notifications not sent:" in ran.stderr
    assert "retry.attempts: must be an integer from 1 to 10" in ran.stderr
    assert "SECRET" not in ran.stderr + ran.stdout and "Traceback" not in ran.stderr
    (tmp_path / "dativo.yml").write_text("thresholds: {min_score: 0, warn_score: 0}\n")
    (tmp_path / "notifications.yml").write_text(SLACK)
    env["SLACK_URL"] = GOOD_URL.replace("services", "ser\nvices")
    ran = run_main("score", "--notify", "--project-dir", str(tmp_path), env=env)
    assert ran.code == run_main("score", "--project-dir", str(tmp_path), env=env).code
    assert "warning: notifications not sent:" in ran.stderr and "SECRET" not in ran.stderr


def test_delivery_failure_keeps_exit_0_and_redacts_logs(
    project: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with http_recorder() as http:
        path = f"/slack/{TOKEN}"
        http.script[path] = [500] * 5
        (project / "notifications.yml").write_text(
            SLACK + "  retry: {attempts: 2, backoff_seconds: 0}\n"
        )
        caplog.set_level(logging.DEBUG, logger="dativo_dbt.notify")
        code, out, err = _notify(
            project, (project / "notifications.yml").read_text(), {"SLACK_URL": http.url + path}
        )
        assert len(http.posts(path)) == 4  # two contracts x two attempts
    assert code == 0, err
    assert "FAILED   slack" in err and "HTTP 500 (after 2 attempts)" in err
    assert "delivery failed" in caplog.text
    for text in (out, err, caplog.text):
        assert "SECRET" not in text and "supersecret" not in text


def test_redactor_covers_url_parts_and_escaped_forms() -> None:
    redact = Redactor()
    url = f"https://user:pa55word-x@hooks.example/services/{TOKEN}?token=querysecret99"
    redact.add_url(url)
    redact.add("line1\r\nline2-secret")
    messages = [
        url,
        f"URL can't contain control characters. '/services/{TOKEN}' (found at least ' ')",
        "query was token=querysecret99",
        "auth pa55word-x failed",
        "value 'line1\\r\\nline2-secret' rejected",
        "segment xoxbsupersecrettoken42 only",
    ]
    for message in messages:
        shown = redact(message)
        for secret in ("SECRET", "supersecret", "querysecret", "pa55word", "line2-secret"):
            assert secret not in shown, shown
    # words of the URL are not secrets on their own: contract names stay readable
    assert redact("contract customer_services failed") == "contract customer_services failed"


def test_url_errors_never_quote_the_url() -> None:
    for bad in (f"http://127.0.0.1:9/a b/{TOKEN}", f"http://127.0.0.1:9/x\r\n{TOKEN}", TOKEN):
        with pytest.raises(DeliveryError) as info:
            post_json(bad, {}, timeout=1)
        assert "SECRET" not in str(info.value)
        assert str(info.value).startswith("invalid request")


def test_retry_delays_are_capped() -> None:
    delays: list[float] = []

    def always_down(timeout: float) -> None:
        raise _Retryable("HTTP 503")

    policy = RetryPolicy(attempts=10, backoff_seconds=60, timeout_seconds=1, total_seconds=900)
    budget = Budget(900)
    with pytest.raises(DeliveryError, match=r"HTTP 503 \(after 10 attempts\)"):
        _with_retry(policy, always_down, delays.append, budget)
    assert delays == [60.0] * 9  # 60 s doubled would be 7.7 hours on the last attempt


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A TCP port that accepts connections (backlog) and never answers: every request times out."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        sock.close()


def test_total_time_budget_bounds_a_run(
    project: Path, silent_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_URL", f"{silent_server}/slack/{TOKEN}")
    (project / "notifications.yml").write_text(
        SLACK + "  retry: {attempts: 10, backoff_seconds: 0.2, timeout_seconds: 120, "
        "total_seconds: 1.5}\n"
    )
    config = load_notify_config(project)
    nodes = load_nodes(project / "target")
    started = time.monotonic()
    report = deliver(summarize(sample.project_score(), nodes), config)
    elapsed = time.monotonic() - started
    assert elapsed < 4, elapsed  # 1.5 s budget (+ overhead), not 10 x 120 s
    assert len(report.failed) == 2
    assert all("time budget of 1.5 s used up" in (d.error or "") for d in report.failed)
    assert all("SECRET" not in (d.error or "") for d in report.failed)


def test_after_score_never_raises_for_notify_problems(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_URL", GOOD_URL)
    (project / "notifications.yml").write_text(SLACK + "  templates: {body: '{{ no_such_var }}'}\n")
    after_score(sample.project_score(), project, None, ViolationOptions(notify=True))
    err = capsys.readouterr().err
    assert "warning: notifications not sent:" in err and "no_such_var" in err
    assert "SECRET" not in err


def test_ca_file_that_is_not_a_bundle_is_an_input_error(project: Path) -> None:
    (project / "ca.pem").write_text("not a certificate\n")
    config = (
        "notifications:\n  channels:\n    email: {smtp_host: '${SMTP_HOST}', "
        f"ca_file: '{project / 'ca.pem'}'}}\n"
    )
    code, out, err = _notify(project, config, {"SMTP_HOST": "127.0.0.1"})
    assert code == 2, out + err
    assert "channels.email.ca_file:" in err and "is not a PEM CA bundle" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
