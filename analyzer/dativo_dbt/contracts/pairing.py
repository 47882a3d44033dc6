"""Pair each contract with its asset definition."""

from __future__ import annotations

from pathlib import Path

from dativo_dbt.contracts.contract import Contract, LoadedFile
from dativo_dbt.core.errors import DativoError
from dativo_dbt.core.yaml_lines import line_of


def pair(loaded: list[LoadedFile], errors: list[DativoError]) -> list[Contract]:
    """The contracts of the loaded files, each with its asset (problems added to `errors`)."""
    assets: list[LoadedFile] = [f for f in loaded if f.model.asset is not None]
    contracts: list[Contract] = []
    for f in loaded:
        dc = f.model.data_contract
        if dc is None:
            continue
        item = Contract(dc, f.path, f.display, f.raw)
        match = _find_asset(f, assets)
        if isinstance(match, DativoError):
            errors.append(match)
        elif match is not None:
            item.asset = match.model.asset
            item.asset_display = match.display
            item.asset_raw = match.raw
        contracts.append(item)
    return contracts


def _find_asset(
    contract_file: LoadedFile, assets: list[LoadedFile]
) -> LoadedFile | DativoError | None:
    """The asset of a contract: in the same file, its `asset_ref`, the asset whose
    `contract_path` names it, or the asset of the same name."""
    dc = contract_file.model.data_contract
    assert dc is not None
    if contract_file.model.asset is not None:
        return contract_file
    if dc.asset_ref:
        return _by_ref(contract_file, dc.asset_ref, assets)
    for a in assets:
        link = a.model.asset.data_contract if a.model.asset else None
        if (
            link
            and link.contract_path
            and (a.path.parent / link.contract_path).resolve() == contract_file.path.resolve()
        ):
            return a
    for a in assets:
        if a.model.asset is not None and a.model.asset.name == dc.name:
            return a
    return None


def _by_ref(
    contract_file: LoadedFile, ref: str, assets: list[LoadedFile]
) -> LoadedFile | DativoError:
    """The asset file `asset_ref` names (relative to the contract, else by file name)."""
    target = (contract_file.path.parent / ref).resolve()
    for a in assets:
        if a.path.resolve() == target:
            return a
    base = Path(ref).name
    for a in assets:
        if a.path.name == base:
            return a
    return DativoError(
        f"data_contract.asset_ref: no asset file {ref!r} (looked for {target} and for "
        f"{base!r} in the contracts directory)",
        path=contract_file.display,
        line=line_of(contract_file.raw, ("data_contract", "asset_ref")),
    )
