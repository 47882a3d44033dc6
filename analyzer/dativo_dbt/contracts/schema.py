"""Export the JSON Schema of contract/asset files from the pydantic models (the source of truth).

`python -m dativo_dbt.contracts.schema [DIR]` writes `DIR/dativo_contract.schema.json`
(default DIR: contracts/schema of this repository); tests/contracts fail when it is stale.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from dativo_dbt.contracts.models import ContractFile

SCHEMA_FILE = "dativo_contract.schema.json"
SCHEMA_ID = "https://github.com/dativo/dativo-dbt/contracts/schema/" + SCHEMA_FILE


def schema() -> dict[str, Any]:
    doc = ContractFile.model_json_schema(by_alias=True)
    doc = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "dativo-dbt data contract / asset definition",
        **doc,
    }
    return doc


def render() -> str:
    return json.dumps(schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def export(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / SCHEMA_FILE
    path.write_text(render(), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    default = Path(__file__).resolve().parents[3] / "contracts" / "schema"
    print(export(Path(args[0]) if args else default))


if __name__ == "__main__":
    main()
