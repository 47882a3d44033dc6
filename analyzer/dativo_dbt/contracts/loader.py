"""Read every contract and asset file under a directory into `Contract`s paired with their
assets. The full load-and-validate entry point, with the checks that need the check vocabulary,
is `dativo_dbt.checks.validate.load_contracts`."""

from __future__ import annotations

from pathlib import Path

from dativo_dbt.contracts.contract import Contract
from dativo_dbt.contracts.files import read_files
from dativo_dbt.contracts.pairing import pair
from dativo_dbt.core.errors import DativoError


def read_contracts(directory: Path, root: Path) -> tuple[list[Contract], list[DativoError]]:
    """The valid contracts under `directory` with their assets, and every problem found so far
    (`root`: what file names in messages are relative to)."""
    loaded, errors = read_files(directory, root)
    return pair(loaded, errors), errors
