"""The notifications configuration: where each channel delivers and how.

Read from (first found): `--config FILE`, `PROJECT/notifications.yml`, the `notifications:` key of
`PROJECT/dativo.yml`. Endpoints and secrets (webhook URLs, SMTP host/user/password, PagerDuty routing
key, webhook headers) must be `${ENV_VAR}` references: a literal value is an input error, so no secret
ever sits in a file under version control. Resolved secret values (and each part of a webhook URL)
are registered with a `Redactor` and replaced by `***` in every message, log line and error the
notifier produces. Every key and value is checked up front (`notify.validate`): unknown keys, wrong
types, out-of-range numbers and malformed URLs are input errors naming the file and the field.

```yaml
notifications:
  grouping: contract            # contract (one message per contract) | owner (one per owner)
  dedup_window_minutes: 60      # the same violation is not re-sent within this window
  state_file: .dativo/notify_state.json
  retry: {attempts: 3, backoff_seconds: 1.0, timeout_seconds: 10, total_seconds: 300}
  template_dir: notify_templates   # optional: subject.j2, body.j2, slack.j2, email.j2, pagerduty.j2
  templates: {subject: "...", body: "..."}   # optional inline Jinja2 overrides
  quarantine_ui_url: "https://dq.example.com/quarantine/{{ contract_name }}"
  channels:
    slack: {webhook_url: "${SLACK_WEBHOOK_URL}", mention_on_critical: ["@data-platform"]}
    email:
      smtp_host: "${SMTP_HOST}"
      smtp_port: 587
      starttls: true
      username: "${SMTP_USER}"
      password: "${SMTP_PASSWORD}"
      from_email: dativo-alerts@company.com
      ca_file: null              # extra CA bundle to trust for STARTTLS (e.g. a private CA)
    pagerduty: {routing_key: "${PAGERDUTY_ROUTING_KEY}"}
    webhook: {url: "${DATIVO_WEBHOOK_URL}", headers: {Authorization: "Bearer ${WEBHOOK_TOKEN}"}}
```
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from dativo_dbt.core.envvars import expand, has_reference
from dativo_dbt.core.errors import DativoError
from dativo_dbt.core.yaml_lines import load_yaml
from dativo_dbt.notify import validate
from dativo_dbt.notify.redact import Redactor
from dativo_dbt.notify.validate import DEFAULT_TOTAL_SECONDS

CHANNELS = ("slack", "email", "pagerduty", "webhook")
PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue"
# channel -> fields that must come from ${ENV} (endpoints and secrets)
SECRET_FIELDS: dict[str, tuple[str, ...]] = {
    "slack": ("webhook_url",),
    "email": ("smtp_host", "username", "password"),
    "pagerduty": ("routing_key",),
    "webhook": ("url",),
}


@dataclass
class RetryPolicy:
    """Retries of one delivery, and the time budget of all deliveries of a run (limits in
    `notify.validate`: attempts <= 10, delays <= 60 s, timeout <= 120 s, total <= 900 s)."""

    attempts: int = 3
    backoff_seconds: float = 1.0
    timeout_seconds: float = 10.0
    total_seconds: float = DEFAULT_TOTAL_SECONDS


@dataclass
class NotifyConfig:
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)
    grouping: str = "contract"
    dedup_window_minutes: float = 60.0
    state_file: Path | None = None
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    template_dir: Path | None = None
    templates: dict[str, str] = field(default_factory=dict)
    quarantine_ui_url: str | None = None
    source: Path | None = None  # the file this came from
    redact: Redactor = field(default_factory=Redactor)


TOP_KEYS = frozenset(
    {
        "grouping",
        "dedup_window_minutes",
        "state_file",
        "retry",
        "template_dir",
        "templates",
        "quarantine_ui_url",
        "channels",
    }
)
RETRY_KEYS = frozenset({"attempts", "backoff_seconds", "timeout_seconds", "total_seconds"})


def _resolve(value: Any, where: str, path: Path | None, redact: Redactor, secret: bool) -> Any:
    if isinstance(value, dict):
        return {k: _resolve(v, f"{where}.{k}", path, redact, secret) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, f"{where}[{i}]", path, redact, secret) for i, v in enumerate(value)]
    if not isinstance(value, str):
        if secret and value is not None:  # e.g. a number or a mapping where a reference belongs
            raise DativoError(f"{where} must be an ${{ENV_VAR}} reference", path=path)
        return value
    if secret and not has_reference(value, defaults=False):
        raise DativoError(
            f"{where} must reference an environment variable (e.g. ${{MY_VAR}}), not a literal",
            path=path,
        )

    def missing(name: str) -> str:
        raise DativoError(f"{where}: environment variable {name} is not set", path=path)

    # `${VAR:-default}` is not a reference here: a default would be a literal endpoint or secret
    return expand(value, missing, defaults=False, found=redact.add if secret else None)


def _mapping(value: Any, where: str, path: Path | None) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise DativoError(f"{where} must be a mapping", path=path)
    return value


def _unknown(keys: Any, allowed: frozenset[str], where: str, path: Path | None) -> None:
    extra = sorted(str(k) for k in keys if k not in allowed)
    if extra:
        raise DativoError(
            f"{where}: unknown key {extra[0]!r} (one of {', '.join(sorted(allowed))})", path=path
        )


def _channel(
    name: str, conf: dict[str, Any], path: Path | None, redact: Redactor
) -> dict[str, Any]:
    """One channel's settings: ${ENV} resolved, secrets registered, every value checked."""
    _unknown(conf, validate.CHANNEL_KEYS[name], f"notifications.channels.{name}", path)
    resolved: dict[str, Any] = {}
    for key, value in conf.items():
        where = f"notifications.channels.{name}.{key}"
        secret = key in SECRET_FIELDS[name] or (name == "webhook" and key == "headers")
        value = _resolve(value, where, path, redact, secret)
        if key in validate.URL_KEYS and isinstance(value, str):
            redact.add_url(value)  # before checking it: a bad URL is still never printed
        resolved[key] = validate.check_channel_value(name, key, value, path)
    return resolved


def _retry(raw: Any, path: Path | None) -> RetryPolicy:
    retry = _mapping(raw, "notifications.retry", path)
    _unknown(retry, RETRY_KEYS, "notifications.retry", path)
    where = "notifications.retry."
    policy = RetryPolicy()
    if "attempts" in retry:
        policy.attempts = validate.integer(
            retry["attempts"], where + "attempts", path, 1, validate.MAX_ATTEMPTS
        )
    if "backoff_seconds" in retry:
        policy.backoff_seconds = validate.number(
            retry["backoff_seconds"],
            where + "backoff_seconds",
            path,
            0,
            validate.MAX_BACKOFF_SECONDS,
        )
    if "timeout_seconds" in retry:
        policy.timeout_seconds = validate.number(
            retry["timeout_seconds"],
            where + "timeout_seconds",
            path,
            0,
            validate.MAX_TIMEOUT_SECONDS,
            low_open=True,
        )
    if "total_seconds" in retry:
        policy.total_seconds = validate.number(
            retry["total_seconds"],
            where + "total_seconds",
            path,
            0,
            validate.MAX_TOTAL_SECONDS,
            low_open=True,
        )
    return policy


def _templates(raw: Any, path: Path | None) -> dict[str, str]:
    """Inline templates, compiled now so a syntax error is an input error before any send."""
    templates = _mapping(raw, "notifications.templates", path)
    env = SandboxedEnvironment()
    out: dict[str, str] = {}
    for name, source in templates.items():
        where = f"notifications.templates.{name}"
        if not isinstance(source, str):
            raise DativoError(f"{where} must be a string", path=path)
        try:
            env.parse(source)
        except jinja2.TemplateSyntaxError as exc:
            raise DativoError(f"{where}: template syntax error: {exc.message}", path=path) from None
        out[str(name)] = source
    return out


def parse_config(raw: dict[str, Any] | None, *, path: Path | None, base_dir: Path) -> NotifyConfig:
    """Validate and resolve a `notifications:` mapping (DativoError naming the file and field)."""
    raw = _mapping(raw, "notifications", path)
    _unknown(raw, TOP_KEYS, "notifications", path)
    cfg = NotifyConfig(source=path)
    channels = _mapping(raw.get("channels"), "notifications.channels", path)
    for name, conf in channels.items():
        if name not in CHANNELS:
            raise DativoError(
                f"notifications.channels.{name}: unknown channel (one of {', '.join(CHANNELS)})",
                path=path,
            )
        conf = _mapping(conf, f"notifications.channels.{name}", path)
        if conf.get("enabled", True) is False:
            continue
        cfg.channels[name] = _channel(name, conf, path, cfg.redact)
    cfg.grouping = raw.get("grouping", "contract")
    if cfg.grouping not in ("contract", "owner"):
        raise DativoError("notifications.grouping must be `contract` or `owner`", path=path)
    if "dedup_window_minutes" in raw:
        cfg.dedup_window_minutes = validate.number(
            raw["dedup_window_minutes"],
            "notifications.dedup_window_minutes",
            path,
            0,
            validate.MAX_DEDUP_WINDOW_MINUTES,
        )
    if raw.get("state_file") is not None:
        cfg.state_file = base_dir / validate.text(
            raw["state_file"], "notifications.state_file", path
        )
    cfg.retry = _retry(raw.get("retry"), path)
    if raw.get("template_dir") is not None:
        where = "notifications.template_dir"
        cfg.template_dir = base_dir / validate.text(raw["template_dir"], where, path)
        if not cfg.template_dir.is_dir():
            raise DativoError(f"template_dir {cfg.template_dir} is not a directory", path=path)
    cfg.templates = _templates(raw.get("templates"), path)
    if raw.get("quarantine_ui_url") is not None:
        where = "notifications.quarantine_ui_url"
        cfg.quarantine_ui_url = validate.text(raw["quarantine_ui_url"], where, path)
        _templates({"quarantine_ui_url": cfg.quarantine_ui_url}, path)
    return cfg


def _read_yaml(path: Path) -> Any:
    """Parse with the project's bounded YAML loader (duplicate keys refused; line numbers)."""
    return load_yaml(path)


def load_notify_config(project_dir: Path, config_file: Path | None = None) -> NotifyConfig:
    """The notifications config of a project (an empty config when none is found)."""
    candidates: list[tuple[Path, bool]] = []
    if config_file is not None:
        if not config_file.is_file():
            raise DativoError("notifications config not found", path=config_file)
        candidates.append((config_file, False))
    candidates += [(project_dir / "notifications.yml", False), (project_dir / "dativo.yml", True)]
    for path, nested in candidates:
        if not path.is_file():
            continue
        data = _read_yaml(path) or {}
        if not isinstance(data, dict):
            raise DativoError("expected a mapping", path=path)
        if nested or "notifications" in data:
            if "notifications" not in data:
                continue
            data = data["notifications"]
        cfg = parse_config(data, path=path, base_dir=path.parent)
        if cfg.state_file is None:
            cfg.state_file = project_dir / ".dativo" / "notify_state.json"
        return cfg
    return NotifyConfig(state_file=project_dir / ".dativo" / "notify_state.json")
