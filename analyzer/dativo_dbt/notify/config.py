"""The notifications configuration: where each channel delivers and how.

Read from (first found): `--config FILE`, `PROJECT/notifications.yml`, the `notifications:` key of
`PROJECT/dativo.yml`. Endpoints and secrets (webhook URLs, SMTP host/user/password, PagerDuty routing
key, webhook headers) must be `${ENV_VAR}` references: a literal value is an input error, so no secret
ever sits in a file under version control. Resolved secret values are registered with a `Redactor`
and replaced by `***` in every message, log line and error the notifier produces.

```yaml
notifications:
  grouping: contract            # contract (one message per contract) | owner (one per owner)
  dedup_window_minutes: 60      # the same violation is not re-sent within this window
  state_file: .dativo/notify_state.json
  retry: {attempts: 3, backoff_seconds: 1.0, timeout_seconds: 10}
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

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dativo_dbt.errors import DativoError

CHANNELS = ("slack", "email", "pagerduty", "webhook")
PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue"
_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
# channel -> fields that must come from ${ENV} (endpoints and secrets)
SECRET_FIELDS: dict[str, tuple[str, ...]] = {
    "slack": ("webhook_url",),
    "email": ("smtp_host", "username", "password"),
    "pagerduty": ("routing_key",),
    "webhook": ("url",),
}


class Redactor:
    """Replaces every registered secret value in a text by `***`."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()

    def add(self, value: str | None) -> None:
        if value and len(value) >= 4:
            self._secrets.add(value)

    def __call__(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, "***")
        return text


@dataclass
class RetryPolicy:
    attempts: int = 3
    backoff_seconds: float = 1.0
    timeout_seconds: float = 10.0


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


def _resolve(value: Any, where: str, path: Path | None, redact: Redactor, secret: bool) -> Any:
    if isinstance(value, dict):
        return {k: _resolve(v, f"{where}.{k}", path, redact, secret) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, f"{where}[{i}]", path, redact, secret) for i, v in enumerate(value)]
    if not isinstance(value, str):
        if secret and value is not None:  # e.g. a number or a mapping where a reference belongs
            raise DativoError(f"{where} must be an ${{ENV_VAR}} reference", path=path)
        return value
    if secret and not _REF.search(value):
        raise DativoError(
            f"{where} must reference an environment variable (e.g. ${{MY_VAR}}), not a literal",
            path=path,
        )

    def sub(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in os.environ:
            raise DativoError(f"{where}: environment variable {name} is not set", path=path)
        resolved = os.environ[name]
        if secret:
            redact.add(resolved)
        return resolved

    return _REF.sub(sub, value)


def parse_config(raw: dict[str, Any] | None, *, path: Path | None, base_dir: Path) -> NotifyConfig:
    raw = raw or {}
    if not isinstance(raw, dict):
        raise DativoError("`notifications` must be a mapping", path=path)
    cfg = NotifyConfig(source=path)
    channels = raw.get("channels") or {}
    if not isinstance(channels, dict):
        raise DativoError("notifications.channels must be a mapping", path=path)
    for name, conf in channels.items():
        if name not in CHANNELS:
            raise DativoError(
                f"notifications.channels.{name}: unknown channel (one of {', '.join(CHANNELS)})",
                path=path,
            )
        conf = dict(conf or {})
        if conf.get("enabled", True) is False:
            continue
        resolved: dict[str, Any] = {}
        for key, value in conf.items():
            where = f"notifications.channels.{name}.{key}"
            secret = key in SECRET_FIELDS[name] or (name == "webhook" and key == "headers")
            resolved[key] = _resolve(value, where, path, cfg.redact, secret)
        if name == "email" and resolved.get("smtp_host"):
            resolved["smtp_host"] = str(resolved["smtp_host"])
        cfg.channels[name] = resolved
    cfg.grouping = str(raw.get("grouping", "contract"))
    if cfg.grouping not in ("contract", "owner"):
        raise DativoError("notifications.grouping must be `contract` or `owner`", path=path)
    cfg.dedup_window_minutes = float(raw.get("dedup_window_minutes", 60))
    if raw.get("state_file"):
        cfg.state_file = base_dir / str(raw["state_file"])
    retry = raw.get("retry") or {}
    cfg.retry = RetryPolicy(
        attempts=max(1, int(retry.get("attempts", 3))),
        backoff_seconds=float(retry.get("backoff_seconds", 1.0)),
        timeout_seconds=float(retry.get("timeout_seconds", 10.0)),
    )
    if raw.get("template_dir"):
        cfg.template_dir = base_dir / str(raw["template_dir"])
        if not cfg.template_dir.is_dir():
            raise DativoError(f"template_dir {cfg.template_dir} is not a directory", path=path)
    cfg.templates = {str(k): str(v) for k, v in (raw.get("templates") or {}).items()}
    cfg.quarantine_ui_url = raw.get("quarantine_ui_url")
    return cfg


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text())
    except OSError as exc:
        raise DativoError(f"cannot read: {exc.strerror}", path=path) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DativoError(
            f"invalid YAML: {getattr(exc, 'problem', exc)}",
            path=path,
            line=mark.line + 1 if mark else None,
        ) from None


def load_config(project_dir: Path, config_file: Path | None = None) -> NotifyConfig:
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
