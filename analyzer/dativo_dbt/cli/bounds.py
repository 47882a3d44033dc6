"""Bounded numeric option types shared by every command.

click's `FloatRange` lets `nan` through (every comparison with NaN is false) and `inf` through an
open upper end, and `IntRange(1)` accepts a 1,000-digit number that later overflows a SQL LIMIT.
Every numeric option uses one of these types instead: finite, within a documented closed range.
"""

from __future__ import annotations

import math
from typing import Any

import click

# Upper bounds of count-like options (rows, runs): far above any useful value, far below overflow.
MAX_COUNT = 1_000_000
# Identifiers (dbt Cloud account/run/step ids) fit a signed 64-bit integer.
MAX_ID = 2**63 - 1
# Network timeouts in seconds.
MAX_TIMEOUT_SECONDS = 3600.0


class BoundedInt(click.IntRange):
    """An integer in [min, max] (both required, inclusive)."""

    name = "integer"

    def __init__(self, min: int, max: int) -> None:
        super().__init__(min=min, max=max)


class BoundedFloat(click.FloatRange):
    """A finite number in [min, max] (`nan` and `inf` are refused); `min_open` excludes min."""

    name = "number"

    def __init__(self, min: float, max: float, *, min_open: bool = False) -> None:
        super().__init__(min=min, max=max, min_open=min_open)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = click.FLOAT.convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return super().convert(number, param, ctx)


def count(min: int = 0, max: int = MAX_COUNT) -> BoundedInt:
    """A row/run count option type (default range 0..1,000,000)."""
    return BoundedInt(min, max)


def identifier() -> BoundedInt:
    """A positive 64-bit id option type."""
    return BoundedInt(1, MAX_ID)


def timeout() -> BoundedFloat:
    """Seconds in (0, 3600]."""
    return BoundedFloat(0, MAX_TIMEOUT_SECONDS, min_open=True)
