"""De-duplication state: when each (violation fingerprint, channel) was last delivered.

A small JSON file (default `.dativo/notify_state.json` in the project), written atomically.
Entries older than the window are dropped on save.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from dativo_dbt.core.errors import DativoError


class DedupState:
    def __init__(
        self, path: Path | None, window_minutes: float, now: datetime | None = None
    ) -> None:
        self.path = path
        self.window = timedelta(minutes=window_minutes)
        self.now = now or datetime.now(timezone.utc)
        self.sent: dict[str, str] = {}
        # PagerDuty alerts we triggered and not yet resolved: dedup key -> when triggered
        self.open_alerts: dict[str, str] = {}
        if path is not None and path.is_file():
            try:
                data = json.loads(path.read_text())
                self.sent = {str(k): str(v) for k, v in (data.get("sent") or {}).items()}
                self.open_alerts = {
                    str(k): str(v) for k, v in (data.get("open_alerts") or {}).items()
                }
            except (OSError, ValueError, AttributeError):
                self.sent = {}  # a corrupt state file only costs a duplicate message

    @staticmethod
    def key(fingerprint: str, channel: str) -> str:
        return f"{channel}:{fingerprint}"

    def recently_sent(self, fingerprint: str, channel: str) -> bool:
        if self.window <= timedelta(0):
            return False
        when = self.sent.get(self.key(fingerprint, channel))
        if when is None:
            return False
        try:
            sent_at = datetime.fromisoformat(when)
        except ValueError:
            return False
        return self.now - sent_at < self.window

    def mark(self, fingerprint: str, channel: str) -> None:
        self.sent[self.key(fingerprint, channel)] = self.now.isoformat()

    def save(self) -> None:
        if self.path is None:
            return
        horizon = self.now - max(self.window, timedelta(0))
        keep = {}
        for k, v in self.sent.items():
            try:
                if datetime.fromisoformat(v) >= horizon:
                    keep[k] = v
            except ValueError:
                continue
        tmp = ""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".notify_state.")
            with os.fdopen(fd, "w") as fh:
                json.dump(
                    {"version": 1, "sent": keep, "open_alerts": self.open_alerts},
                    fh,
                    indent=2,
                    sort_keys=True,
                )
            os.replace(tmp, self.path)
        except BaseException as exc:  # also Ctrl-C: no temp file left behind
            if tmp:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            if isinstance(exc, OSError):
                raise DativoError(
                    f"cannot write the de-dup state: {exc.strerror or exc}", path=self.path
                ) from None
            raise
