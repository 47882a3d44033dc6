"""Render notification texts with Jinja2 (sandboxed): the defaults follow the seed's
`quality_violation` template; `template_dir` files or inline `templates:` override any of them.

Template names: `subject`, `body`, `subject_group` (owner grouping), and per channel `slack`,
`email`, `pagerduty` (the PagerDuty summary line). A channel template falls back to `body`
(`pagerduty` to `subject`).

Variables (per contract; `summary.context()`): contract_name, contract_version, asset_name (= model),
model, model_unique_id, relation, owner, tenant_id, action (block|warn|quarantine), violation_count,
violations (list of dicts: check, name, status, severity, dimension, column, failures, message,
blocking, relation, line), violations_list (one line per violation), quarantine_path,
quarantine_ui_url, score, tier, gate_passed, blocking, worst_severity, project, invocation_id,
recipients, contracts (the contexts of every contract in the message: one, or the owner's group).
Channel templates also get `subject` and `body` (already rendered). `subject_group` gets owner,
contracts, violation_count and blocking.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from dativo_dbt.core.errors import DativoError
from dativo_dbt.notify.config import NotifyConfig
from dativo_dbt.notify.summary import ViolationSummary


@dataclass
class Rendered:
    subject: str
    body: str
    slack: str
    email: str
    pagerduty: str


class Renderer:
    def __init__(self, config: NotifyConfig) -> None:
        self.config = config
        self.env = SandboxedEnvironment(
            undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=False
        )

    def _source(self, name: str) -> tuple[str, str] | None:
        if name in self.config.templates:
            where = f"{self.config.source or 'config'}: templates.{name}"
            return self.config.templates[name], where
        if self.config.template_dir is not None:
            path = self.config.template_dir / f"{name}.j2"
            if path.is_file():
                return path.read_text(), str(path)
        default = resources.files("dativo_dbt.notify").joinpath("templates", f"{name}.j2")
        if default.is_file():
            return default.read_text(), f"default template {name}.j2"
        return None

    def render(self, name: str, context: dict[str, Any], fallback: str | None = None) -> str:
        source = self._source(name)
        if source is None:
            if fallback is None:
                raise DativoError(f"no template {name}")
            return fallback
        text, where = source
        try:
            return self.env.from_string(text).render(**context).strip()
        except jinja2.TemplateError as exc:
            raise DativoError(f"template error: {exc}", path=where) from None

    def has_override(self, name: str) -> bool:
        if name in self.config.templates:
            return True
        return (
            self.config.template_dir is not None
            and (self.config.template_dir / f"{name}.j2").is_file()
        )

    def summary_texts(self, summary: ViolationSummary) -> Rendered:
        ctx = summary.context(self._ui_url(summary))
        ctx["contracts"] = [dict(ctx)]  # the same shape as an owner group of one
        return self._texts(ctx, "subject")

    def group_texts(self, owner: str | None, summaries: list[ViolationSummary]) -> Rendered:
        if len(summaries) == 1:
            return self.summary_texts(summaries[0])
        contexts = [s.context(self._ui_url(s)) for s in summaries]
        bodies = [self.render("body", c) for c in contexts]
        ctx: dict[str, Any] = {
            "owner": owner,
            "contracts": contexts,
            "violation_count": sum(c["violation_count"] for c in contexts),
            "blocking": any(c["blocking"] for c in contexts),
        }
        subject = self.render("subject_group", ctx)
        body = "\n\n----\n\n".join(bodies)
        ctx |= {"subject": subject, "body": body}
        return self._channel_texts(ctx, subject, body)

    def _texts(self, ctx: dict[str, Any], subject_name: str) -> Rendered:
        subject = self.render(subject_name, ctx)
        body = self.render("body", ctx)
        return self._channel_texts(ctx | {"subject": subject, "body": body}, subject, body)

    def _channel_texts(self, ctx: dict[str, Any], subject: str, body: str) -> Rendered:
        slack = self.render("slack", ctx, fallback=f"*{subject}*\n```{body}```")
        email = self.render("email", ctx, fallback=body)
        pagerduty = self.render("pagerduty", ctx, fallback=subject)[:1024]
        return Rendered(subject=subject, body=body, slack=slack, email=email, pagerduty=pagerduty)

    def _ui_url(self, summary: ViolationSummary) -> str | None:
        if not self.config.quarantine_ui_url:
            return None
        ctx = summary.context(None)
        return self.env.from_string(self.config.quarantine_ui_url).render(**ctx)


def template_names() -> list[str]:
    return ["subject", "body", "subject_group", "slack", "email", "pagerduty"]


def default_template(name: str) -> Path | None:
    path = Path(str(resources.files("dativo_dbt.notify").joinpath("templates", f"{name}.j2")))
    return path if path.is_file() else None
