"""Where a change is: the new version's file and line (the old one's when the item is gone)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dativo_dbt.contracts.contract import Contract
from dativo_dbt.diff.model import Change


@dataclass
class Pair:
    """The two versions of one contract; `add` records a change located in the new version."""

    name: str
    old: Contract
    new: Contract
    changes: list[Change]

    def add(
        self,
        kind: str,
        breaking: bool,
        message: str,
        path: tuple[Any, ...],
        *,
        in_asset: bool = False,
        subject: str | None = None,
        before: Any = None,
        after: Any = None,
    ) -> None:
        file, line = self.locate(path, in_asset=in_asset)
        self.changes.append(
            Change(self.name, kind, breaking, message, file, line, subject, before, after)
        )

    def locate(self, path: tuple[Any, ...], *, in_asset: bool) -> tuple[str, int | None]:
        """The line of `path` (or of its nearest ancestor) in the new contract or its asset."""
        if in_asset and self.new.asset_raw is not None and self.new.asset_display:
            return self.new.asset_display, self.new.asset_line(*path)
        if in_asset:
            return self.new.display, self.new.line("asset_ref") or self.new.line("name")
        return self.new.display, self.new.line(*path)
