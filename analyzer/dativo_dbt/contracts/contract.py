"""A loaded contract (`Contract`: the validated contract, its asset, where things are in the
files) and what can be read off it without the check vocabulary: its checks with unique ids and
the timestamp column an SLA block measures."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dativo_dbt.contracts.asset import Asset
from dativo_dbt.contracts.models import ContractFile, DataContract, SodaFreshnessCheck
from dativo_dbt.contracts.policy import CustomPolicy
from dativo_dbt.contracts.types import is_timestamp_type
from dativo_dbt.core.yaml_lines import line_of


@dataclass
class LoadedFile:
    """One contract or asset file that parsed and validated."""

    path: Path
    display: str
    raw: Any
    model: ContractFile


@dataclass
class Contract:
    """A validated contract with its asset (if any) and where things are in the file."""

    contract: DataContract
    path: Path
    display: str
    raw: Any
    asset: Asset | None = None
    asset_display: str | None = None
    asset_raw: Any = None
    check_ids: dict[tuple[str, int], str] = field(default_factory=dict)
    policy: CustomPolicy = field(default_factory=CustomPolicy)

    def line(self, *path: Any) -> int | None:
        return line_of(self.raw, ("data_contract", *path))

    def asset_line(self, *path: Any) -> int | None:
        return line_of(self.asset_raw, ("asset", *path)) if self.asset_raw is not None else None


def check_ids(item: Contract) -> list[tuple[str, str, Any, tuple[Any, ...]]]:
    """(check id, origin, check, path in the file) for every contract check, ids made unique.

    GE checks are named after their expectation, so two of the same kind get `__<column>`.
    """
    c = item.contract
    out: list[tuple[str, str, Any, tuple[Any, ...]]] = []
    qc = c.quality_checks
    if qc.soda:
        for i, s in enumerate(qc.soda.checks):
            out.append((s.name, "soda", s, ("quality_checks", "soda", "checks", i)))
    if qc.great_expectations:
        ge = qc.great_expectations.checks
        counts: dict[str, int] = {}
        for g in ge:
            counts[g.name] = counts.get(g.name, 0) + 1
        for i, g in enumerate(ge):
            cid = g.name
            if counts[g.name] > 1 and g.expectation is None:
                suffix = (
                    g.column
                    or "_".join(str(v) for v in (g.kwargs.get("column_list") or []))
                    or str(i)
                )
                cid = f"{g.name}__{suffix}"
            out.append(
                (
                    cid,
                    "great_expectations",
                    g,
                    ("quality_checks", "great_expectations", "checks", i),
                )
            )
    for i, cu in enumerate(qc.custom):
        out.append((cu.name, "custom", cu, ("quality_checks", "custom", i)))
    return out


def timestamp_column(item: Contract, which: str) -> str | None:
    """The column an SLA block measures: its `column`, the freshness check's, or the asset's."""
    sla = item.contract.sla
    block = getattr(sla, which, None) if sla else None
    if block is not None and block.column:
        return str(block.column)
    if which == "completeness" and sla and sla.freshness and sla.freshness.column:
        return str(sla.freshness.column)
    if item.contract.quality_checks.soda:
        for s in item.contract.quality_checks.soda.checks:
            if isinstance(s, SodaFreshnessCheck):
                return s.column
    if (
        item.contract.source is not None
        and item.contract.source_ref
        and item.contract.source_ref.loaded_at_field
    ):
        return item.contract.source_ref.loaded_at_field
    if item.asset:
        stamps = [
            c.name
            for c in item.asset.schema_
            if is_timestamp_type(c.type) and c.type.lower() != "date"
        ]
        if len(stamps) == 1:
            return stamps[0]
    return None


def node_key(contract: DataContract) -> str:
    """`model <name>` or `source <source>.<table>`: the dbt node a contract governs."""
    ref = contract.source_ref
    return f"source {ref.name}.{ref.table}" if ref else f"model {contract.node_name}"
