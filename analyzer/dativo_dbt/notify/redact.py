"""Redaction of notification secrets from every message, exception text and log line.

Secrets are the resolved values of `${ENV}` references in secret fields. A webhook URL is a
secret as a whole and in parts: an error may quote only its path, query or user info (e.g.
http.client's "URL can't contain control characters. '/services/T0/B0/xyz'"), so each part is
registered too, as is the escaped form (`repr`) in which Python quotes strings with CR/LF.
"""

from __future__ import annotations

import logging
import urllib.parse

# Shorter values are not redacted (they would blank out ordinary words); secrets are longer.
MIN_SECRET_LENGTH = 4
# URL path segments / query values that look like tokens are redacted on their own: at least
# MIN_TOKEN_LENGTH characters with a digit, or LONG_TOKEN_LENGTH characters (so that words such as
# `services` in a Slack URL do not blank out contract names in messages).
MIN_TOKEN_LENGTH = 12
LONG_TOKEN_LENGTH = 20


class Redactor:
    """Replaces every registered secret value in a text by `***`."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()

    def add(self, value: str | None) -> None:
        if not value or len(value) < MIN_SECRET_LENGTH:
            return
        self._secrets.add(value)
        escaped = repr(value)[1:-1]
        if escaped != value:
            self._secrets.add(escaped)

    def add_url(self, url: str) -> None:
        """Register a URL and the parts of it that may carry a token."""
        self.add(url)
        try:
            parts = urllib.parse.urlsplit(url)
            password = parts.password
        except ValueError:  # unparsable: the whole value (registered above) is all we know
            return
        self.add(parts.path + ("?" + parts.query if parts.query else ""))
        for piece in (parts.path, parts.query, parts.fragment, password):
            self.add(piece)
        if "@" in parts.netloc:
            self.add(parts.netloc.rsplit("@", 1)[0])
        for segment in parts.path.split("/") + parts.query.replace("&", "=").split("="):
            if _token_like(segment):
                self.add(segment)

    def __call__(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            if secret in text:
                text = text.replace(secret, "***")
        return text


def _token_like(segment: str) -> bool:
    if len(segment) >= LONG_TOKEN_LENGTH:
        return True
    return len(segment) >= MIN_TOKEN_LENGTH and any(c.isdigit() for c in segment)


class RedactingFilter(logging.Filter):
    """A logging filter that renders each record's message and redacts it."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self.redact = redact

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True
