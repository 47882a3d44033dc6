"""Checks of loaded contracts that need no check vocabulary: one contract per name and per dbt
node, SLA blocks that can be measured, `strict_mode` with a schema."""

from __future__ import annotations

from dataclasses import dataclass, field

from dativo_dbt.contracts.contract import Contract, node_key, timestamp_column
from dativo_dbt.core.errors import DativoError


@dataclass
class Duplicates:
    """Contract names and dbt nodes seen so far (the first file wins; later ones are errors)."""

    names: dict[str, str] = field(default_factory=dict)
    nodes: dict[str, str] = field(default_factory=dict)

    def check(self, item: Contract) -> list[DativoError]:
        """Errors when `item` reuses a contract name or governs a node another contract does."""
        errors: list[DativoError] = []
        c = item.contract
        if c.name in self.names:
            errors.append(
                DativoError(
                    f"data_contract.name: contract {c.name!r} is also defined in {self.names[c.name]}",
                    path=item.display,
                    line=item.line("name"),
                )
            )
        self.names.setdefault(c.name, item.display)
        node = node_key(c)
        if node in self.nodes:
            errors.append(
                DativoError(
                    f"{node} is governed by two contracts (also {self.nodes[node]}); dbt allows one "
                    "properties patch per model: merge them",
                    path=item.display,
                    line=item.line("model") or item.line("source") or item.line("name"),
                )
            )
        self.nodes.setdefault(node, item.display)
        return errors


def sla_errors(item: Contract) -> list[DativoError]:
    """SLA blocks without a timestamp column to measure; `strict_mode` without an asset schema."""
    errors = []
    sla = item.contract.sla
    for which in ("freshness", "completeness"):
        block = getattr(sla, which, None) if sla else None
        if block is not None and block.enabled and timestamp_column(item, which) is None:
            errors.append(
                DativoError(
                    f"data_contract.sla.{which}: cannot tell which timestamp column to measure; "
                    f"expected `column:` under sla.{which} (or a soda `freshness` check, or one "
                    "timestamp column in the asset schema)",
                    path=item.display,
                    line=item.line("sla", which),
                )
            )
    sc = item.contract.schema_contract
    if sc and sc.strict_mode and (item.asset is None or not item.asset.schema_):
        errors.append(
            DativoError(
                "data_contract.schema_contract.strict_mode: needs the asset definition's `schema` "
                "(the column types of the enforced dbt contract); expected `asset_ref:` to an asset file",
                path=item.display,
                line=item.line("schema_contract", "strict_mode"),
            )
        )
    return errors
