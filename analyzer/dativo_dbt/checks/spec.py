"""`TestSpec`: one check of a contract as the dbt test `generate` writes for it."""

from __future__ import annotations

from dataclasses import dataclass

from dativo_dbt.checks.arguments import Mapped


@dataclass
class TestSpec:
    """One generated dbt test."""

    check: str
    check_type: str
    origin: str
    mapped: Mapped
    dimension: str
    severity: str
    weight: float | int | None
    action: str  # block | warn | quarantine
    column: str | None  # the column the check is about (meta), may differ from the attach column
    execution: str | None = None  # `per-check`: keeps its own test in batched execution
