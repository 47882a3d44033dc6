"""Notifications against real servers on 127.0.0.1: a threaded HTTP server recording Slack /
PagerDuty / webhook posts (scripted 5xx for retries) and an aiosmtpd SMTP server requiring STARTTLS
and AUTH. Secrets come only from ${ENV} and must never appear in output or logs."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import msgspec
import pytest
from dativo_dbt.artifacts.project_nodes import load_nodes
from dativo_dbt.core.errors import DativoError
from dativo_dbt.notify.config import load_notify_config
from dativo_dbt.notify.dispatch import deliver
from dativo_dbt.notify.summary import summarize

from tests.helpers.dbt import DATIVO
from tests.lineage import sample
from tests.notify.servers import Recorder, http_recorder
from tests.notify.smtp_server import SmtpRecorder, smtp_server

SLACK_TOKEN = "T0001/B0002/slacksecrettoken123"
PD_KEY = "R0UT1NGKEYpagerduty9876"
HOOK_TOKEN = "hooktoken-abc-555"
SMTP_USER = "alerts-user"
SMTP_PASSWORD = "smtp-pa55word-xyz"
SECRETS = (SLACK_TOKEN, PD_KEY, HOOK_TOKEN, SMTP_PASSWORD)

CONFIG = """\
notifications:
  dedup_window_minutes: 60
  retry: {attempts: 3, backoff_seconds: 0, timeout_seconds: 5}
  quarantine_ui_url: "https://dq.example.com/quarantine/{{ contract_name }}"
  channels:
    slack:
      webhook_url: "${SLACK_WEBHOOK_URL}"
      mention_on_critical: ["@data-platform"]
    email:
      smtp_host: "${SMTP_HOST}"
      smtp_port: ${SMTP_PORT}
      starttls: true
      username: "${SMTP_USER}"
      password: "${SMTP_PASSWORD}"
      from_email: dativo-alerts@company.com
      ca_file: "${SMTP_CA_FILE}"
    pagerduty:
      routing_key: "${PAGERDUTY_ROUTING_KEY}"
      events_url: "${PAGERDUTY_EVENTS_URL}"
    webhook:
      url: "${DATIVO_WEBHOOK_URL}"
      headers: {Authorization: "Bearer ${WEBHOOK_TOKEN}"}
"""


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[tuple[Recorder, SmtpRecorder]]:
    with http_recorder() as http, smtp_server(tmp_path, SMTP_USER, SMTP_PASSWORD) as smtp:
        yield http, smtp


@pytest.fixture
def env(servers: tuple[Recorder, SmtpRecorder], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    http, smtp = servers
    values = {
        "SLACK_WEBHOOK_URL": f"{http.url}/slack/{SLACK_TOKEN}",
        "PAGERDUTY_ROUTING_KEY": PD_KEY,
        "PAGERDUTY_EVENTS_URL": f"{http.url}/v2/enqueue",
        "DATIVO_WEBHOOK_URL": f"{http.url}/hook",
        "WEBHOOK_TOKEN": HOOK_TOKEN,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp.port),
        "SMTP_USER": SMTP_USER,
        "SMTP_PASSWORD": SMTP_PASSWORD,
        "SMTP_CA_FILE": str(smtp.ca_file),
    }
    for k, v in values.items():
        monkeypatch.setenv(k, v)
    return values


@pytest.fixture
def project(tmp_path: Path) -> Path:
    proj = sample.write_project(tmp_path / "proj")
    (proj / "notifications.yml").write_text(CONFIG)
    (proj / "scores.json").write_bytes(msgspec.json.encode(sample.project_score()))
    return proj


def _cli(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    scores = str(project / "scores.json")
    cmd = [DATIVO, "notify", "--project-dir", str(project), "--scores", scores, *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ), check=False)


def _assert_no_secret(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text


def _slack(http: Recorder) -> list[dict[str, Any]]:
    return [p.json() for p in http.posts(f"/slack/{SLACK_TOKEN}")]


def test_failing_run_reaches_every_channel(
    project: Path, servers: tuple[Recorder, SmtpRecorder], env: dict[str, str]
) -> None:
    http, smtp = servers
    proc = _cli(project)
    assert proc.returncode == 0, proc.stderr
    _assert_no_secret(proc.stdout, proc.stderr)

    slack = _slack(http)
    assert len(slack) == 2  # stripe_customers and orders; payments passed
    customers = next(m for m in slack if "stripe_customers" in m["text"])
    assert customers["text"].startswith(
        "@data-platform\n*[DATA QUALITY] Contract violation: stripe_customers*"
    )
    assert (
        "- email_format (critical, validity, column email): 2 failing rows [warn]"
        in customers["text"]
    )
    assert (
        'Action: Data quarantined to "warehouse"."dativo_quarantine"."dativo_stripe_customers__email_format"'
        in customers["text"]
    )
    assert "Review: https://dq.example.com/quarantine/stripe_customers" in customers["text"]
    assert (
        customers["blocks"][0]["text"]["text"]
        == "[DATA QUALITY] Contract violation: stripe_customers"
    )
    orders = next(m for m in slack if "orders" in m["blocks"][0]["text"]["text"])
    assert "Action: Run blocked (on_quality_violation: block)" in orders["text"]

    (pd,) = [p.json() for p in http.posts("/v2/enqueue")]
    assert pd["routing_key"] == PD_KEY
    assert pd["event_action"] == "trigger"
    assert (
        pd["dedup_key"] == "dativo/stripe_customers/model.dativo_integration_tests.stripe_customers"
    )
    assert pd["payload"]["severity"] == "critical"
    assert pd["payload"]["summary"] == "[DATA QUALITY] Contract violation: stripe_customers"
    assert pd["payload"]["source"] == '"warehouse"."main"."stripe_customers"'
    assert pd["payload"]["custom_details"]["contract_version"] == "1.0"

    hooks = http.posts("/hook")
    assert len(hooks) == 2
    assert all(h.headers["authorization"] == f"Bearer {HOOK_TOKEN}" for h in hooks)
    doc = next(h.json() for h in hooks if h.json()["contracts"][0]["contract"] == "orders")
    assert doc["type"] == "dativo.contract_violation"
    assert doc["contracts"][0]["blocking"] is True
    assert doc["contracts"][0]["violations"][0]["check"] == "amount_range"

    (mail,) = smtp.mails
    assert mail.tls and mail.authenticated
    assert mail.rcpt_tos == ["data-team@company.com"]
    assert mail.message["Subject"] == "[DATA QUALITY] Contract violation: stripe_customers"
    assert mail.message["From"] == "dativo-alerts@company.com"
    body = mail.message.get_payload(decode=True).decode()
    assert "Contract: stripe_customers (v1.0)" in body
    assert "Violations (1):" in body
    assert "sent     email" in proc.stdout


def test_retries_5xx_then_delivers(
    project: Path, servers: tuple[Recorder, SmtpRecorder], env: dict[str, str]
) -> None:
    http, _ = servers
    http.script[f"/slack/{SLACK_TOKEN}"] = [500, 503]
    http.script["/v2/enqueue"] = [502]
    proc = _cli(project, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    slack = [d for d in report["deliveries"] if d["channel"] == "slack"]
    assert sorted(d["attempts"] for d in slack) == [1, 3]
    assert all(d["status"] == "sent" for d in report["deliveries"])
    assert len(http.posts(f"/slack/{SLACK_TOKEN}")) == 4
    assert len(http.posts("/v2/enqueue")) == 2
    _assert_no_secret(proc.stdout, proc.stderr)


def test_channel_failure_is_reported_redacted_and_non_fatal(
    project: Path, servers: tuple[Recorder, SmtpRecorder], env: dict[str, str]
) -> None:
    http, smtp = servers
    http.script[f"/slack/{SLACK_TOKEN}"] = [500] * 6  # always fails: both messages exhaust retries
    http.script["/hook"] = [404]  # a 4xx is final: no retry
    proc = _cli(project)
    assert proc.returncode == 0
    assert "FAILED   slack" in proc.stderr and "HTTP 500 (after 3 attempts)" in proc.stderr
    assert "FAILED   webhook" in proc.stderr and "HTTP 404 (not retried)" in proc.stderr
    assert "sent     pagerduty" in proc.stdout
    assert len(http.posts("/hook")) == 2
    assert len(smtp.mails) == 1
    _assert_no_secret(proc.stdout, proc.stderr)
    # --fail-on-error turns a failed delivery into exit 1
    http.script[f"/slack/{SLACK_TOKEN}"] = [500] * 6
    state = project / ".dativo" / "notify_state.json"
    state.unlink()
    assert _cli(project, "--fail-on-error").returncode == 1


def test_timeouts_are_retried_then_reported(
    project: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # a server that accepts connections and never answers
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    port = silent.getsockname()[1]
    try:
        monkeypatch.setenv("SLACK_WEBHOOK_URL", f"http://127.0.0.1:{port}/slack/{SLACK_TOKEN}")
        (project / "notifications.yml").write_text(
            "notifications:\n  retry: {attempts: 2, backoff_seconds: 0, timeout_seconds: 0.3}\n"
            "  channels:\n    slack: {webhook_url: '${SLACK_WEBHOOK_URL}'}\n"
        )
        config = load_notify_config(project)
        summaries = summarize(sample.project_score(), load_nodes(project / "target"))
        caplog.set_level(logging.DEBUG)
        report = deliver(summaries, config)
    finally:
        silent.close()
    failed = [d for d in report.deliveries if d.status == "failed"]
    assert len(failed) == 2
    assert failed[0].error == "timed out (after 2 attempts)"
    assert "not configured" in " ".join(report.warnings)  # email/pagerduty/webhook missing
    _assert_no_secret(caplog.text, json.dumps(report.to_dict()))


def test_dedup_within_window(
    project: Path,
    servers: tuple[Recorder, SmtpRecorder],
    env: dict[str, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    http, smtp = servers
    caplog.set_level(logging.DEBUG)
    config = load_notify_config(project)
    summaries = summarize(sample.project_score(), load_nodes(project / "target"))
    t0 = datetime(2026, 11, 22, 5, 0, tzinfo=timezone.utc)
    first = deliver(summaries, config, now=t0)
    assert {d.status for d in first.deliveries} == {"sent"}
    posts = len(http.posts())
    second = deliver(summaries, load_notify_config(project), now=t0 + timedelta(minutes=30))
    assert {d.status for d in second.deliveries} == {"skipped_duplicate"}
    assert len(http.posts()) == posts and len(smtp.mails) == 1
    # a different violation of the same contract is not a duplicate
    changed = summarize(sample.project_score(), load_nodes(project / "target"))
    changed[0].violations[0] = type(changed[0].violations[0])(
        **(changed[0].violations[0].__dict__ | {"status": "error"})
    )
    third = deliver(changed, load_notify_config(project), now=t0 + timedelta(minutes=31))
    assert (
        sorted(d.contracts[0] for d in third.deliveries if d.status == "sent")
        == ["stripe_customers"] * 4
    )
    # after the window the same violation is sent again
    fourth = deliver(summaries, load_notify_config(project), now=t0 + timedelta(minutes=61))
    assert {d.status for d in fourth.deliveries} == {"sent"}
    _assert_no_secret(caplog.text)


def test_grouping_by_owner_and_template_overrides(
    project: Path, servers: tuple[Recorder, SmtpRecorder], env: dict[str, str]
) -> None:
    http, _ = servers
    manifest_path = project / "target" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    for node in manifest["nodes"].values():
        meta = node.get("config", {}).get("meta", {}).get("dativo")
        if meta:
            meta["owner"] = "team@company.com"
    manifest_path.write_text(json.dumps(manifest))
    templates = project / "tpl"
    templates.mkdir()
    (templates / "slack.j2").write_text(
        "{{ subject }} | {{ contracts | map(attribute='contract_name') | join(',') }}"
    )
    config = CONFIG.replace(
        "  dedup_window_minutes: 60\n",
        "  dedup_window_minutes: 60\n  grouping: owner\n  template_dir: tpl\n",
    )
    (project / "notifications.yml").write_text(config)
    proc = _cli(project)
    assert proc.returncode == 0, proc.stderr
    (slack,) = _slack(http)
    assert slack["text"] == (
        "@data-platform\n[DATA QUALITY] 2 contract violations for team@company.com | stripe_customers,orders"
    )
    hooks = http.posts("/hook")
    assert len(hooks) == 1 and [c["contract"] for c in hooks[0].json()["contracts"]] == [
        "stripe_customers",
        "orders",
    ]

    # inline template override of the subject (single-contract messages)
    config = (
        CONFIG + '  templates:\n    subject: "DQ alert {{ contract_name }} score={{ score }}"\n'
    )
    (project / "notifications.yml").write_text(config)
    (project / ".dativo" / "notify_state.json").unlink()
    assert _cli(project).returncode == 0
    subjects = {m["blocks"][0]["text"]["text"] for m in _slack(http)[1:]}
    assert subjects == {"DQ alert stripe_customers score=88.0", "DQ alert orders score=72.5"}


def test_wrong_smtp_password_fails_without_leaking(
    project: Path,
    servers: tuple[Recorder, SmtpRecorder],
    env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, smtp = servers
    monkeypatch.setenv("SMTP_PASSWORD", "wrong-pa55word-123")
    proc = _cli(project)
    assert proc.returncode == 0
    assert "FAILED   email" in proc.stderr and "SMTP authentication failed" in proc.stderr
    # an authentication failure is final: one connection, no retry
    assert smtp.mails == [] and smtp.auth_attempts and not any(ok for _, ok in smtp.auth_attempts)
    assert "(after" not in proc.stderr.split("FAILED   email")[1].splitlines()[0]
    assert "wrong-pa55word-123" not in proc.stdout + proc.stderr


def test_literal_secret_is_an_input_error(project: Path, env: dict[str, str]) -> None:
    (project / "notifications.yml").write_text(
        "notifications:\n  channels:\n    slack: {webhook_url: 'https://hooks.slack.com/services/LITERAL123'}\n"
    )
    proc = _cli(project)
    assert proc.returncode == 2
    assert (
        "notifications.yml" in proc.stderr
        and "slack.webhook_url must reference an environment variable" in proc.stderr
    )
    assert "LITERAL123" not in proc.stderr and "Traceback" not in proc.stderr


def test_missing_env_var_is_an_input_error(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SLACK_WEBHOOK_URL", raising=False)
    with pytest.raises(DativoError, match="SLACK_WEBHOOK_URL is not set"):
        load_notify_config(project)


def test_config_from_dativo_yml_and_dry_run(
    project: Path, env: dict[str, str], servers: tuple[Recorder, SmtpRecorder]
) -> None:
    http, smtp = servers
    (project / "notifications.yml").unlink()
    (project / "dativo.yml").write_text("scoring: {baseline_score: 70}\n" + CONFIG)
    proc = _cli(project, "--dry-run")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("dry-run") == 6
    assert http.posts() == [] and smtp.mails == []


def test_pagerduty_alert_resolved_when_checks_pass_again(
    project: Path, servers: tuple[Recorder, SmtpRecorder], env: dict[str, str]
) -> None:
    http, _ = servers
    assert _cli(project).returncode == 0
    (trigger,) = [p.json() for p in http.posts("/v2/enqueue")]
    assert trigger["event_action"] == "trigger"
    # the next run: every stripe_customers check passes
    fixed = sample.project_score()
    customers = fixed.model(f"model.{sample.PROJECT}.stripe_customers")
    for c in customers.checks:
        c.status, c.failures, c.passed = "pass", 0, True
    (project / "scores.json").write_bytes(msgspec.json.encode(fixed))
    proc = _cli(project)
    assert proc.returncode == 0, proc.stderr
    assert "resolved pagerduty stripe_customers" in proc.stdout
    resolve = http.posts("/v2/enqueue")[1].json()
    assert resolve == {
        "routing_key": PD_KEY,
        "event_action": "resolve",
        "dedup_key": trigger["dedup_key"],
    }
    state = json.loads((project / ".dativo" / "notify_state.json").read_text())
    assert state["open_alerts"] == {}
    assert _cli(project).returncode == 0
    assert len(http.posts("/v2/enqueue")) == 2  # nothing left to resolve
    _assert_no_secret(proc.stdout, proc.stderr)
