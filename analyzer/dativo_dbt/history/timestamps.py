"""The history's timestamps: ISO-8601 text in, naive UTC datetimes stored, `...Z` text out."""

from __future__ import annotations

from datetime import datetime, timezone

from dativo_dbt.core.errors import DativoError


def parse_timestamp(value: str | datetime) -> datetime:
    """An ISO-8601 string (with `Z` or an offset, or naive = UTC) -> naive UTC datetime."""
    if isinstance(value, datetime):
        moment = value
    else:
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            moment = datetime.fromisoformat(text)
        except ValueError as exc:
            raise DativoError(f"not an ISO-8601 timestamp: {value!r}") from exc
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


def format_timestamp(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat() + "Z"
