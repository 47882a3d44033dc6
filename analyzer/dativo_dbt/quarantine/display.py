"""Warehouse values as `quarantine show` prints them: any column type (dates, timestamps, times,
intervals, decimals, booleans, NULL, bytes, UUIDs, nested lists/structs/maps), as text or as a
JSON-safe value, never an exception."""

from __future__ import annotations

import base64
import datetime as dt
import json
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

# `show --rows N` prints at most this many rows per relation (the warehouse query is bounded too).
MAX_ROWS = 1000


def _bytes(value: bytes | bytearray | memoryview) -> bytes:
    return bytes(value)


def text_value(value: Any) -> str:
    """One value as a short human-readable string (NULL -> `-`)."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "\\x" + _bytes(value).hex()
    if isinstance(value, (list, tuple, Mapping)):
        return json.dumps(json_value(value), ensure_ascii=False)
    return str(value)


def json_value(value: Any) -> Any:
    """One value as JSON-safe data: temporal values and decimals as strings (no precision lost),
    bytes as base64, non-finite floats as strings, nested values converted recursively."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [json_value(v) for v in value]
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(_bytes(value)).decode("ascii")
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return text_value(value)
    return str(value)
