"""A minimal Chrome DevTools Protocol client for Debian's chromium, over `--remote-debugging-pipe`.

No extra Python package and no TCP port: chromium reads CDP commands from file descriptor 3 and
writes responses/events to descriptor 4, each message a JSON object terminated by a NUL byte.
`Browser.open(url)` loads a page and records every console message, uncaught exception, log entry
and network request, so tests can assert a report loads cleanly and offline.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Safety net against a hung browser, not a timing assertion: generous on a loaded 2-core box.
READ_TIMEOUT_S = 120.0


def _pipe_fds_to_3_and_4(read_fd: int, write_fd: int) -> None:
    """In the child before exec: move the pipe ends to fds 3 and 4 (without clobbering)."""
    high_r = fcntl.fcntl(read_fd, fcntl.F_DUPFD, 10)
    high_w = fcntl.fcntl(write_fd, fcntl.F_DUPFD, 10)
    os.dup2(high_r, 3)
    os.dup2(high_w, 4)
    os.close(high_r)
    os.close(high_w)


class BrowserError(RuntimeError):
    pass


@dataclass
class PageLoad:
    console: list[dict[str, Any]] = field(default_factory=list)  # Runtime.consoleAPICalled
    exceptions: list[dict[str, Any]] = field(default_factory=list)  # Runtime.exceptionThrown
    log_entries: list[dict[str, Any]] = field(default_factory=list)  # Log.entryAdded
    requests: list[str] = field(default_factory=list)  # Network.requestWillBeSent URLs
    failed_requests: list[dict[str, Any]] = field(default_factory=list)  # Network.loadingFailed

    def problems(self) -> list[str]:
        """Console errors/warnings, exceptions and error log entries, one line each."""
        out = []
        for c in self.console:
            if c.get("type") in ("error", "warning", "assert"):
                args = " ".join(
                    str(a.get("value", a.get("description", ""))) for a in c.get("args", [])
                )
                out.append(f"console.{c['type']}: {args}")
        for e in self.exceptions:
            details = e.get("exceptionDetails", {})
            desc = details.get("exception", {}).get("description") or details.get("text")
            out.append(f"exception: {desc}")
        for entry in self.log_entries:
            if entry.get("level") in ("error", "warning"):
                out.append(
                    f"log.{entry['level']} ({entry.get('source')}): {entry.get('text')} {entry.get('url', '')}"
                )
        return out


class Browser:
    """One headless chromium with a fresh profile, driven over the CDP pipe."""

    def __init__(self, width: int = 1280, height: int = 900) -> None:
        self.width, self.height = width, height
        self._profile = tempfile.mkdtemp(prefix="dativo-chromium-")
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        # chromium expects its pipe ends as fds 3 (read) and 4 (write).
        self.proc = subprocess.Popen(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--disable-dev-shm-usage",
                "--remote-debugging-pipe",
                f"--user-data-dir={self._profile}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            pass_fds=(3, 4),
            preexec_fn=lambda: _pipe_fds_to_3_and_4(to_child_r, from_child_w),
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict[str, Any]] = []
        self.session: str | None = None

    # ---- protocol --------------------------------------------------------------------------

    def _read_message(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._from_child], [], [], READ_TIMEOUT_S)
            if not ready:
                raise BrowserError(f"chromium sent nothing for {READ_TIMEOUT_S}s")
            chunk = os.read(self._from_child, 1 << 20)
            if not chunk:
                err = self.proc.stderr.read().decode(errors="replace") if self.proc.stderr else ""
                raise BrowserError(
                    f"chromium closed the pipe (exit {self.proc.poll()}): {err[-2000:]}"
                )
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def send(
        self, method: str, params: dict[str, Any] | None = None, *, session: bool = True
    ) -> dict[str, Any]:
        """Send a command and wait for its result (events that arrive meanwhile are queued)."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self._to_child, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read_message()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            if "method" in reply:
                self._events.append(reply)

    def _next_event(self) -> dict[str, Any]:
        if self._events:
            return self._events.pop(0)
        while True:
            message = self._read_message()
            if "method" in message:
                return message

    # ---- high level ------------------------------------------------------------------------

    def open(self, url: str) -> PageLoad:
        """Open `url` in a new tab, wait for its load event, and return what happened on the way."""
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)
        attached = self.send(
            "Target.attachToTarget",
            {"targetId": target["targetId"], "flatten": True},
            session=False,
        )
        self.session = attached["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": self.width, "height": self.height, "deviceScaleFactor": 1, "mobile": False},
        )
        self._events.clear()
        load = PageLoad()
        self.send("Page.navigate", {"url": url})
        while True:
            event = self._next_event()
            if event.get("sessionId") not in (None, self.session):
                continue
            self._record(load, event)
            if event["method"] == "Page.loadEventFired":
                break
        # Drain what the page's scripts logged up to now (evaluate is ordered after them).
        self.evaluate("document.readyState")
        for event in self._events:
            self._record(load, event)
        self._events.clear()
        return load

    @staticmethod
    def _record(load: PageLoad, event: dict[str, Any]) -> None:
        method, params = event["method"], event.get("params", {})
        if method == "Runtime.consoleAPICalled":
            load.console.append(params)
        elif method == "Runtime.exceptionThrown":
            load.exceptions.append(params)
        elif method == "Log.entryAdded":
            load.log_entries.append(params.get("entry", {}))
        elif method == "Network.requestWillBeSent":
            load.requests.append(params.get("request", {}).get("url", ""))
        elif method == "Network.loadingFailed":
            load.failed_requests.append(params)

    def evaluate(self, expression: str) -> Any:
        """Evaluate JS in the page and return its value (by value); raise on a JS exception."""
        result = self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        if "exceptionDetails" in result:
            raise BrowserError(f"JS exception: {result['exceptionDetails']}")
        return result.get("result", {}).get("value")

    def screenshot(self, path: Path, full_page: bool = True) -> Path:
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            metrics = self.send("Page.getLayoutMetrics")
            size = metrics.get("cssContentSize") or metrics["contentSize"]
            params["captureBeyondViewport"] = True
            params["clip"] = {
                "x": 0,
                "y": 0,
                "width": self.width,
                "height": min(int(size["height"]), 16000),
                "scale": 1,
            }
        data = self.send("Page.captureScreenshot", params)["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        with contextlib.suppress(BrowserError, OSError):
            self.send("Browser.close", session=False)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._to_child, self._from_child):
            with contextlib.suppress(OSError):
                os.close(fd)
        if self.proc.stderr:
            self.proc.stderr.close()
        shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
