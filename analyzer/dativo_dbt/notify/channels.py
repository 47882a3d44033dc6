"""Channel senders: Slack incoming webhook, e-mail over SMTP (STARTTLS + AUTH), PagerDuty Events
API v2 and a generic JSON webhook.

HTTP posts use the standard library (`urllib.request`), SMTP uses `smtplib`; both are small, well
understood and need no extra dependency. Every delivery is retried with exponential back-off on
5xx, 429, timeouts and connection errors; 4xx answers are final. Retries are bounded: at most
`retry.attempts` (<= 10) attempts, each delay <= 60 s, and every attempt and delay of a run within
`retry.total_seconds` (<= 900 s). Errors are `DeliveryError`s whose
text has passed through the config's redactor (no URL, key or password ever appears).
"""

from __future__ import annotations

import http.client
import json
import smtplib
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from dativo_dbt import __version__
from dativo_dbt.notify.config import PAGERDUTY_EVENTS_URL, NotifyConfig, RetryPolicy
from dativo_dbt.notify.render import Rendered
from dativo_dbt.notify.summary import ViolationSummary
from dativo_dbt.notify.validate import MAX_BACKOFF_SECONDS

USER_AGENT = f"dativo-dbt/{__version__}"


class DeliveryError(Exception):
    """A channel could not deliver (after retries). The message is already redacted."""


class _Retryable(Exception):
    pass


@dataclass
class Outgoing:
    """One message to one channel: the summaries it covers and their rendered texts."""

    channel: str
    summaries: list[ViolationSummary]
    texts: Rendered
    owner: str | None

    @property
    def contracts(self) -> list[str]:
        return [s.contract for s in self.summaries]


class Budget:
    """The time left for all deliveries of one run (`retry.total_seconds`)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds

    def remaining(self) -> float:
        return self.deadline - time.monotonic()


def _with_retry(
    policy: RetryPolicy,
    action: Callable[[float], object],
    sleep: Callable[[float], None],
    budget: Budget | None = None,
) -> int:
    """Run `action(timeout)` until it succeeds; returns the number of attempts made.

    At most `policy.attempts` attempts; delays double from `backoff_seconds` and are capped at
    MAX_BACKOFF_SECONDS; no attempt or delay goes past the run's time budget."""
    budget = budget or Budget(policy.total_seconds)
    for attempt in range(1, policy.attempts + 1):
        remaining = budget.remaining()
        if remaining <= 0:
            raise DeliveryError(
                f"time budget of {budget.seconds:g} s used up (after {attempt - 1} attempts)"
            )
        try:
            action(min(policy.timeout_seconds, remaining))
            return attempt
        except _Retryable as exc:
            if attempt == policy.attempts:
                raise DeliveryError(f"{exc} (after {attempt} attempts)") from None
            delay = min(policy.backoff_seconds * (2 ** (attempt - 1)), MAX_BACKOFF_SECONDS)
            if delay >= budget.remaining():
                raise DeliveryError(
                    f"{exc} (after {attempt} attempts; time budget of {budget.seconds:g} s used up)"
                ) from None
            sleep(delay)
    raise AssertionError("unreachable")


def post_json(
    url: str,
    payload: dict[str, Any],
    *,
    timeout: float,
    headers: dict[str, str] | None = None,
) -> int:
    """POST one JSON document; raises _Retryable on 5xx/429/timeouts, DeliveryError on 4xx.

    No error text quotes the URL or a header (urllib's and http.client's messages may)."""
    body = json.dumps(payload).encode()
    try:
        request = urllib.request.Request(url, data=body, method="POST")
        request.add_header("Content-Type", "application/json")
        request.add_header("User-Agent", USER_AGENT)
        for k, v in (headers or {}).items():
            request.add_header(k, v)
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        if exc.code >= 500 or exc.code == 429:
            raise _Retryable(f"HTTP {exc.code}") from None
        raise DeliveryError(f"HTTP {exc.code} (not retried)") from None
    except TimeoutError:
        raise _Retryable("timed out") from None
    except (urllib.error.URLError, ConnectionError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise _Retryable(f"connection failed: {type(reason).__name__}") from None
    except (ValueError, http.client.InvalidURL) as exc:  # bad URL, header value or scheme
        raise DeliveryError(f"invalid request: {type(exc).__name__} (not retried)") from None
    except http.client.HTTPException as exc:  # a malformed or cut-off answer
        raise _Retryable(f"bad HTTP response: {type(exc).__name__}") from None


# --- payloads ----------------------------------------------------------------------------------


def slack_payload(msg: Outgoing, conf: dict[str, Any]) -> dict[str, Any]:
    text = msg.texts.slack
    mentions = conf.get("mention_on_critical") or []
    critical = any(s.worst_severity == "critical" for s in msg.summaries)
    if critical and mentions:
        text = " ".join(str(m) for m in mentions) + "\n" + text
    payload: dict[str, Any] = {
        "text": text,
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": msg.texts.subject[:150]}},
            {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}},
        ],
    }
    if conf.get("channel"):
        payload["channel"] = conf["channel"]
    if conf.get("username"):
        payload["username"] = conf["username"]
    return payload


_PD_SEVERITY = {"critical": "critical", "warning": "warning", "info": "info"}


def pagerduty_payload(
    summary: ViolationSummary, texts: Rendered, routing_key: str
) -> dict[str, Any]:
    severity = _PD_SEVERITY.get(summary.worst_severity, "error")
    if summary.blocking and severity != "critical":
        severity = "error"
    return {
        "routing_key": routing_key,
        "event_action": "trigger",
        "dedup_key": summary.dedup_key(),
        "payload": {
            "summary": texts.pagerduty,
            "source": summary.relation or summary.model_unique_id,
            "severity": severity,
            "component": summary.model,
            "group": summary.contract,
            "class": "data_quality",
            "custom_details": {
                "contract": summary.contract,
                "contract_version": summary.contract_version,
                "owner": summary.owner,
                "action": summary.action,
                "score": summary.score,
                "tier": summary.tier,
                "violations": [v.line() for v in summary.violations],
                "quarantine_path": summary.quarantine_paths or None,
                "invocation_id": summary.invocation_id,
            },
        },
        "client": "dativo-dbt",
    }


def webhook_payload(msg: Outgoing) -> dict[str, Any]:
    return {
        "type": "dativo.contract_violation",
        "version": 1,
        "owner": msg.owner,
        "subject": msg.texts.subject,
        "text": msg.texts.body,
        "contracts": [
            {
                "contract": s.contract,
                "contract_version": s.contract_version,
                "model": s.model,
                "model_unique_id": s.model_unique_id,
                "relation": s.relation,
                "owner": s.owner,
                "action": s.action,
                "blocking": s.blocking,
                "score": s.score,
                "tier": s.tier,
                "gate_passed": s.gate_passed,
                "invocation_id": s.invocation_id,
                "fingerprint": s.fingerprint(),
                "quarantine_paths": s.quarantine_paths,
                "violations": [v.__dict__ for v in s.violations],
            }
            for s in msg.summaries
        ],
    }


def email_message(msg: Outgoing, conf: dict[str, Any]) -> EmailMessage:
    recipients: list[str] = []
    for s in msg.summaries:
        recipients += list(s.recipients) or ([s.owner] if s.owner else [])
    recipients += [str(r) for r in conf.get("recipients") or []]
    unique = list(dict.fromkeys(r for r in recipients if r))
    if not unique:
        raise DeliveryError("no recipients (contract notification.recipients/owner is empty)")
    mail = EmailMessage()
    try:
        mail["Subject"] = _one_line(msg.texts.subject)
        mail["From"] = str(conf.get("from_email") or "dativo-alerts@localhost")
        mail["To"] = ", ".join(_one_line(r) for r in unique)
        mail["Date"] = formatdate(localtime=False)
        mail["Message-ID"] = make_msgid(domain="dativo-dbt")
        mail["X-Dativo-Contracts"] = _one_line(", ".join(msg.contracts))
    except ValueError as exc:  # e.g. a malformed address
        raise DeliveryError(f"cannot build the e-mail: {type(exc).__name__}") from None
    mail.set_content(msg.texts.email + "\n")
    return mail


def _one_line(value: str) -> str:
    """A header value: CR/LF and other whitespace runs become one space (no header injection)."""
    return " ".join(value.split())


# --- senders -----------------------------------------------------------------------------------


class Sender:
    def __init__(self, config: NotifyConfig, sleep: Callable[[float], None] = time.sleep) -> None:
        self.config = config
        self.sleep = sleep
        self.budget = Budget(config.retry.total_seconds)

    def send(self, msg: Outgoing) -> int:
        """Deliver; returns attempts made (DeliveryError when it finally fails)."""
        conf = self.config.channels.get(msg.channel)
        if conf is None:
            raise DeliveryError(
                f"channel {msg.channel} is not configured in the notifications config"
            )
        try:
            sent: int = getattr(self, f"_send_{msg.channel}")(msg, conf)
            return sent
        except DeliveryError as exc:
            raise DeliveryError(self.config.redact(str(exc))) from None

    def _post(
        self, url: str, payload: dict[str, Any], headers: dict[str, str] | None = None
    ) -> int:
        policy = self.config.retry
        return _with_retry(
            policy,
            lambda timeout: post_json(url, payload, timeout=timeout, headers=headers),
            self.sleep,
            self.budget,
        )

    def _send_slack(self, msg: Outgoing, conf: dict[str, Any]) -> int:
        url = conf.get("webhook_url")
        if not url:
            raise DeliveryError("slack.webhook_url is not configured")
        return self._post(str(url), slack_payload(msg, conf))

    def _send_webhook(self, msg: Outgoing, conf: dict[str, Any]) -> int:
        url = conf.get("url")
        if not url:
            raise DeliveryError("webhook.url is not configured")
        headers = {str(k): str(v) for k, v in (conf.get("headers") or {}).items()}
        return self._post(str(url), webhook_payload(msg), headers)

    def _send_pagerduty(self, msg: Outgoing, conf: dict[str, Any]) -> int:
        key = conf.get("routing_key")
        if not key:
            raise DeliveryError("pagerduty.routing_key is not configured")
        url = str(conf.get("events_url") or PAGERDUTY_EVENTS_URL)
        attempts = 0
        # PagerDuty: one event per contract (its dedup key), even when messages are grouped.
        for summary in msg.summaries:
            attempts += self._post(url, pagerduty_payload(summary, msg.texts, str(key)))
        return attempts

    def resolve_pagerduty(self, dedup_key: str) -> int:
        """Resolve the alert opened with this dedup key (the contract's checks pass again)."""
        conf = self.config.channels.get("pagerduty") or {}
        key = conf.get("routing_key")
        if not key:
            raise DeliveryError("pagerduty.routing_key is not configured")
        url = str(conf.get("events_url") or PAGERDUTY_EVENTS_URL)
        payload = {"routing_key": str(key), "event_action": "resolve", "dedup_key": dedup_key}
        try:
            return self._post(url, payload)
        except DeliveryError as exc:
            raise DeliveryError(self.config.redact(str(exc))) from None

    def _send_email(self, msg: Outgoing, conf: dict[str, Any]) -> int:
        host = conf.get("smtp_host")
        if not host:
            raise DeliveryError("email.smtp_host is not configured")
        mail = email_message(msg, conf)
        port = int(conf.get("smtp_port") or (465 if conf.get("ssl") else 587))

        def deliver(timeout: float) -> None:
            _smtp_deliver(str(host), port, conf, mail, timeout)

        return _with_retry(self.config.retry, deliver, self.sleep, self.budget)


def _smtp_send(
    host: str, port: int, conf: dict[str, Any], mail: EmailMessage, timeout: float
) -> None:
    """One SMTP session: connect (SSL or STARTTLS), log in when configured, send."""
    context = ssl.create_default_context(cafile=conf.get("ca_file") or None)
    smtp: smtplib.SMTP
    if conf.get("ssl"):
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    with smtp:
        smtp.ehlo()
        if conf.get("starttls", True) and not conf.get("ssl"):
            smtp.starttls(context=context)
            smtp.ehlo()
        if conf.get("username"):
            try:
                smtp.login(str(conf["username"]), str(conf.get("password") or ""))
            except smtplib.SMTPServerDisconnected:
                # smtplib tries the next mechanism after a rejection; servers may hang up
                raise DeliveryError("SMTP authentication failed (disconnected)") from None
        smtp.send_message(mail)


def _smtp_deliver(
    host: str, port: int, conf: dict[str, Any], mail: EmailMessage, timeout: float
) -> None:
    """`_smtp_send` with SMTP failures as DeliveryError, or _Retryable when worth retrying."""
    try:
        _smtp_send(host, port, conf, mail, timeout)
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(f"SMTP authentication failed ({exc.smtp_code})") from None
    except smtplib.SMTPResponseException as exc:
        if 400 <= exc.smtp_code < 500:
            raise _Retryable(f"SMTP {exc.smtp_code}") from None
        raise DeliveryError(f"SMTP {exc.smtp_code}") from None
    except smtplib.SMTPNotSupportedError:
        raise DeliveryError("SMTP server does not support STARTTLS/AUTH") from None
    except ssl.SSLError as exc:
        raise DeliveryError(f"TLS failed: {exc.reason}") from None
    except (smtplib.SMTPException, OSError) as exc:
        raise _Retryable(f"SMTP connection failed: {type(exc).__name__}") from None
