"""Plan and deliver notifications for a scored run: group, de-duplicate, send, report.

Delivery failures never raise: each is recorded in the report (already redacted), so the caller's
exit code stays the gate's. Only bad input (config, templates) raises `DativoError`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from dativo_dbt.artifacts.project_nodes import ProjectNodes, load_nodes
from dativo_dbt.notify.channels import DeliveryError, Outgoing, Sender
from dativo_dbt.notify.config import CHANNELS, NotifyConfig, load_config
from dativo_dbt.notify.redact import RedactingFilter
from dativo_dbt.notify.render import Renderer
from dativo_dbt.notify.state import DedupState
from dativo_dbt.notify.summary import ViolationSummary, cleared_models, summarize
from dativo_dbt.scoring.models import ProjectScore

log = logging.getLogger("dativo_dbt.notify")


@dataclass
class Delivery:
    channel: str
    contracts: list[str]
    owner: str | None
    status: str  # sent | resolved | skipped_duplicate | failed | dry_run
    attempts: int = 0
    error: str | None = None


@dataclass
class NotifyReport:
    summaries: list[ViolationSummary] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[Delivery]:
        return [d for d in self.deliveries if d.status == "failed"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "violations": [
                {"contract": s.contract, "model": s.model, "violations": len(s.violations)}
                for s in self.summaries
            ],
            "deliveries": [d.__dict__ for d in self.deliveries],
            "warnings": self.warnings,
        }


def plan(
    summaries: list[ViolationSummary], config: NotifyConfig, renderer: Renderer
) -> tuple[list[Outgoing], list[str]]:
    """Messages to send: per contract (or per owner) and channel. Unknown/unconfigured channels of a
    contract become warnings."""
    warnings: list[str] = []
    buckets: dict[tuple[str | None, str], list[ViolationSummary]] = {}
    for s in summaries:
        for channel in s.channels:
            if channel not in CHANNELS:
                warnings.append(f"{s.contract}: unknown notification channel {channel!r}")
                continue
            if channel not in config.channels:
                warnings.append(
                    f"{s.contract}: channel {channel} is not configured in the notifications config"
                )
                continue
            group = s.owner if config.grouping == "owner" else f"{s.contract}\0{s.model_unique_id}"
            buckets.setdefault((group, channel), []).append(s)
    out: list[Outgoing] = []
    for (_, channel), items in buckets.items():
        owner = items[0].owner
        texts = renderer.group_texts(owner, items)
        out.append(Outgoing(channel=channel, summaries=items, texts=texts, owner=owner))
    return out, warnings


def deliver(
    summaries: list[ViolationSummary],
    config: NotifyConfig,
    *,
    cleared: list[ViolationSummary] | None = None,
    dry_run: bool = False,
    now: datetime | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> NotifyReport:
    redacting = RedactingFilter(config.redact)
    log.addFilter(redacting)  # every log line of the delivery passes redaction
    try:
        return _deliver(summaries, config, cleared or [], dry_run, now, sleep)
    finally:
        log.removeFilter(redacting)


def _deliver(
    summaries: list[ViolationSummary],
    config: NotifyConfig,
    cleared: list[ViolationSummary],
    dry_run: bool,
    now: datetime | None,
    sleep: Callable[[float], None],
) -> NotifyReport:
    renderer = Renderer(config)
    report = NotifyReport(summaries=summaries)
    messages, report.warnings = plan(summaries, config, renderer)
    state = DedupState(config.state_file, config.dedup_window_minutes, now=now)
    sender = Sender(config, sleep=sleep)
    for msg in messages:
        fresh = [s for s in msg.summaries if not state.recently_sent(s.fingerprint(), msg.channel)]
        if not fresh:
            report.deliveries.append(
                Delivery(msg.channel, msg.contracts, msg.owner, "skipped_duplicate")
            )
            log.info(
                "%s: %s already notified within the window", msg.channel, ", ".join(msg.contracts)
            )
            continue
        if len(fresh) != len(msg.summaries):
            msg = Outgoing(msg.channel, fresh, renderer.group_texts(msg.owner, fresh), msg.owner)
        if dry_run:
            report.deliveries.append(Delivery(msg.channel, msg.contracts, msg.owner, "dry_run"))
            continue
        try:
            attempts = sender.send(msg)
        except DeliveryError as exc:
            error = config.redact(str(exc))
            report.deliveries.append(
                Delivery(msg.channel, msg.contracts, msg.owner, "failed", error=error)
            )
            log.warning(
                "%s: delivery failed for %s: %s", msg.channel, ", ".join(msg.contracts), error
            )
            continue
        for s in fresh:
            state.mark(s.fingerprint(), msg.channel)
            if msg.channel == "pagerduty":
                state.open_alerts[s.dedup_key()] = state.now.isoformat()
        report.deliveries.append(Delivery(msg.channel, msg.contracts, msg.owner, "sent", attempts))
        log.info("%s: sent %s (%d attempt(s))", msg.channel, ", ".join(msg.contracts), attempts)
    _resolve_cleared(cleared, config, state, sender, report, dry_run)
    if not dry_run:
        state.save()
    return report


def _resolve_cleared(
    cleared: list[ViolationSummary],
    config: NotifyConfig,
    state: DedupState,
    sender: Sender,
    report: NotifyReport,
    dry_run: bool,
) -> None:
    """Resolve the PagerDuty alerts we opened for contracts whose checks all pass now."""
    if "pagerduty" not in config.channels:
        return
    for s in cleared:
        key = s.dedup_key()
        if "pagerduty" not in s.channels or key not in state.open_alerts:
            continue
        if dry_run:
            report.deliveries.append(Delivery("pagerduty", [s.contract], s.owner, "dry_run"))
            continue
        try:
            attempts = sender.resolve_pagerduty(key)
        except DeliveryError as exc:
            error = config.redact(str(exc))
            report.deliveries.append(
                Delivery("pagerduty", [s.contract], s.owner, "failed", error=error)
            )
            log.warning("pagerduty: resolve failed for %s: %s", s.contract, error)
            continue
        del state.open_alerts[key]
        report.deliveries.append(Delivery("pagerduty", [s.contract], s.owner, "resolved", attempts))
        log.info("pagerduty: resolved %s", s.contract)


def notify_for_run(
    project: ProjectScore,
    project_dir: Path,
    *,
    target_dir: Path | None = None,
    nodes: ProjectNodes | None = None,
    config_file: Path | None = None,
    config: NotifyConfig | None = None,
    dry_run: bool = False,
) -> NotifyReport:
    """What `score --notify` calls: summaries from the scored run, delivered per the project's
    notifications config. Never raises for delivery failures (see `NotifyReport.failed`)."""
    nodes = nodes or load_nodes(target_dir or project_dir / "target")
    config = config or load_config(project_dir, config_file)
    return deliver(
        summarize(project, nodes), config, cleared=cleared_models(project, nodes), dry_run=dry_run
    )


def format_report(report: NotifyReport) -> list[str]:
    """Human lines for the terminal (already redacted)."""
    if not report.summaries and not report.deliveries:
        return ["no contract violations: nothing to notify"]
    lines: list[str] = []
    if report.summaries:
        names = ", ".join(s.contract for s in report.summaries)
        lines.append(f"{len(report.summaries)} contract violation summary(ies): {names}")
    for d in report.deliveries:
        who = ", ".join(d.contracts)
        if d.status == "sent":
            lines.append(f"sent     {d.channel:<9} {who} ({d.attempts} attempt(s))")
        elif d.status == "failed":
            lines.append(f"FAILED   {d.channel:<9} {who}: {d.error}")
        elif d.status == "resolved":
            lines.append(f"resolved {d.channel:<9} {who} (checks pass again)")
        elif d.status == "skipped_duplicate":
            lines.append(f"skipped  {d.channel:<9} {who}: already sent within the de-dup window")
        else:
            lines.append(f"dry-run  {d.channel:<9} {who}")
    lines += [f"warning: {w}" for w in report.warnings]
    return lines
