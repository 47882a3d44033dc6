"""Up-front checks of the notifications config: types, bounds and well-formed endpoints.

Everything is checked before anything is sent, and no error message quotes a secret value (a
webhook URL with a space or CR/LF is refused by what is wrong with it, never by its text).
"""

from __future__ import annotations

import math
import re
import ssl
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dativo_dbt.core.errors import DativoError

# Documented limits of `notifications.retry` (README "Notifications").
MAX_ATTEMPTS = 10
MAX_BACKOFF_SECONDS = 60.0  # the first delay; each delay doubles and is capped at this too
MAX_TIMEOUT_SECONDS = 120.0  # per request
MAX_TOTAL_SECONDS = 900.0  # all deliveries of one run, retries and delays included
DEFAULT_TOTAL_SECONDS = 300.0
MAX_DEDUP_WINDOW_MINUTES = 525_600.0  # one year
MAX_URL_LENGTH = 2048
MAX_LIST_ITEMS = 1000

CHANNEL_KEYS: dict[str, frozenset[str]] = {
    "slack": frozenset({"enabled", "webhook_url", "mention_on_critical", "channel", "username"}),
    "email": frozenset(
        {
            "enabled",
            "smtp_host",
            "smtp_port",
            "starttls",
            "ssl",
            "username",
            "password",
            "from_email",
            "ca_file",
            "recipients",
        }
    ),
    "pagerduty": frozenset({"enabled", "routing_key", "events_url"}),
    "webhook": frozenset({"enabled", "url", "headers"}),
}
URL_KEYS = frozenset({"webhook_url", "events_url", "url"})
BOOL_KEYS = frozenset({"enabled", "starttls", "ssl"})
LIST_KEYS = frozenset({"mention_on_critical", "recipients"})
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_HOST = re.compile(r"^[A-Za-z0-9.\-:\[\]]{1,253}$")
_HEADER_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,256}$")


def fail(where: str, problem: str, path: Path | None) -> DativoError:
    return DativoError(f"{where}: {problem}", path=path)


def number(
    value: Any, where: str, path: Path | None, low: float, high: float, *, low_open: bool = False
) -> float:
    """A finite number (not a string, not a bool) in [low, high] ((low, high] when low_open)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise fail(where, f"must be a number, not {type(value).__name__}", path)
    if not math.isfinite(value) or value > high or value < low or (low_open and value == low):
        shown = f"({low:g}, {high:g}]" if low_open else f"[{low:g}, {high:g}]"
        raise fail(where, f"must be a number in {shown}", path)
    return float(value)


def integer(
    value: Any, where: str, path: Path | None, low: int, high: int, *, from_env: bool = False
) -> int:
    """An integer in [low, high]; with `from_env`, also a string of digits (an ${ENV} value)."""
    if from_env and isinstance(value, str) and value.strip().isdigit() and len(value) <= 10:
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise fail(where, "must be an integer", path)
    if not low <= value <= high:
        raise fail(where, f"must be an integer from {low} to {high}", path)
    return int(value)


def text(value: Any, where: str, path: Path | None) -> str:
    """A string without control characters (no header or request splitting)."""
    if not isinstance(value, str):
        raise fail(where, f"must be a string, not {type(value).__name__}", path)
    if _CONTROL.search(value):
        raise fail(where, "must not contain control characters (CR, LF, ...)", path)
    return value


def url(value: Any, where: str, path: Path | None) -> str:
    """An absolute http(s) URL with a host, no whitespace or control characters."""
    if not isinstance(value, str):
        raise fail(where, "must be a URL string", path)
    if len(value) > MAX_URL_LENGTH:
        raise fail(where, f"URL longer than {MAX_URL_LENGTH} characters", path)
    if _CONTROL.search(value) or "\\" in value or any(c.isspace() for c in value):
        raise fail(
            where,
            "URL must not contain whitespace, backslashes or control characters (CR, LF)",
            path,
        )
    try:
        parts = urllib.parse.urlsplit(value)
        host, _port = parts.hostname, parts.port
    except ValueError:
        raise fail(where, "not a valid URL (bad host or port)", path) from None
    if parts.scheme not in ("http", "https") or not host:
        raise fail(where, "must be an http:// or https:// URL with a host", path)
    return value


def _boolean(value: Any, where: str, path: Path | None) -> bool:
    if not isinstance(value, bool):
        raise fail(where, "must be true or false", path)
    return value


def _port(value: Any, where: str, path: Path | None) -> int:
    return integer(value, where, path, 1, 65535, from_env=True)


def _host(value: Any, where: str, path: Path | None) -> str:
    if not isinstance(value, str) or not _HOST.match(value):
        raise fail(where, "must be a host name or IP address", path)
    return value


def _texts(value: Any, where: str, path: Path | None) -> list[str]:
    if not isinstance(value, list) or len(value) > MAX_LIST_ITEMS:
        raise fail(where, f"must be a list of at most {MAX_LIST_ITEMS} strings", path)
    return [text(v, f"{where}[{i}]", path) for i, v in enumerate(value)]


def _ca_file(value: Any, where: str, path: Path | None) -> str:
    ca = Path(text(value, where, path))
    if not ca.is_file():
        raise fail(where, f"CA file {ca} not found", path)
    try:
        ssl.create_default_context(cafile=str(ca))
    except (ssl.SSLError, OSError, ValueError):
        raise fail(where, f"{ca} is not a PEM CA bundle", path) from None
    return str(ca)


def _checker(key: str) -> Callable[[Any, str, Path | None], Any]:
    """The validator of one channel setting (plain text unless the key says otherwise)."""
    if key in URL_KEYS:
        return url
    if key in BOOL_KEYS:
        return _boolean
    if key in LIST_KEYS:
        return _texts
    by_name: dict[str, Callable[[Any, str, Path | None], Any]] = {
        "smtp_port": _port,
        "smtp_host": _host,
        "headers": _headers,
        "ca_file": _ca_file,
    }
    return by_name.get(key, text)


def check_channel_value(channel: str, key: str, value: Any, path: Path | None) -> Any:
    """One resolved channel setting, type-checked (returns the normalized value)."""
    if value is None:
        return None
    return _checker(key)(value, f"notifications.channels.{channel}.{key}", path)


def _headers(value: Any, where: str, path: Path | None) -> dict[str, str]:
    if not isinstance(value, dict):
        raise fail(where, "must be a mapping of header names to strings", path)
    out: dict[str, str] = {}
    for name, header in value.items():
        if not isinstance(name, str) or not _HEADER_NAME.match(name):
            raise fail(where, "header names must be HTTP tokens", path)
        out[name] = text(header, f"{where}.{name}", path)
    return out
