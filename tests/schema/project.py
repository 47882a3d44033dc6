"""A dbt project whose sources and models drift from their asset schema in every way.

The asset schema: id integer (required), email string (required), amount double, created
timestamp. The warehouse relation `raw_data`: id integer, email varchar with a NULL (required
column with nulls), amount varchar (retyped), no `created` (missing), `extra_col` (unexpected).
`clean_data` matches the asset exactly (no false positives on either adapter).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.helpers.dbt import DbtProject, profiles_yml

ASSET = """
asset:
  name: {name}
  schema:
    - {{name: id, type: integer, required: true}}
    - {{name: email, type: string, required: true}}
    - {{name: amount, type: double}}
    - {{name: created, type: timestamp}}
"""

FULL = "{strict_mode: true, allow_nullable_expansion: false, allow_type_changes: false}"
TYPES_ONLY = "{strict_mode: false, allow_type_changes: false}"

# node -> (source or model, relation, on_schema_violation, schema_contract)
NODES: dict[str, tuple[str, str, str, str]] = {
    "src_block": ("source", "raw_data", "block", FULL),
    "src_warn": ("source", "raw_data", "warn", FULL),
    "src_quarantine": ("source", "raw_data", "quarantine", FULL),
    "m_block": ("model", "raw_data", "block", FULL),
    "m_block_types": ("model", "raw_data", "block", TYPES_ONLY),
    "m_warn": ("model", "raw_data", "warn", FULL),
    "m_quarantine": ("model", "raw_data", "quarantine", FULL),
    "m_clean": ("model", "clean_data", "warn", FULL),
    "src_clean": ("source", "clean_data", "block", FULL),
}


def _contract(node: str, kind: str, relation: str, action: str, schema_contract: str) -> str:
    if kind == "source":
        target = (
            f"source: {{name: {node}, table: events, identifier: {relation}, "
            'schema: "{{ target.schema }}"}'
        )
    else:
        target = f"model: {node}"
    return textwrap.dedent(
        f"""
        data_contract:
          name: {node}
          version: "1.0"
          {target}
          asset_ref: {node}.asset.yml
          schema_contract: {schema_contract}
          violation_handling:
            on_schema_violation: {action}
            on_quality_violation: warn
        """
    )


PROJECT = """
name: schema_e2e
version: "1.0.0"
config-version: 2
profile: schema_e2e
model-paths: ["models"]
seed-paths: ["seeds"]
macro-paths: ["macros"]
test-paths: ["tests"]
vars:
  dativo_dbt_execution: per-check
seeds:
  schema_e2e:
    raw_data:
      +column_types: {id: integer, email: varchar(64), amount: varchar(16), extra_col: varchar(8)}
    clean_data:
      +column_types: {id: integer, email: varchar(64), amount: double precision, created: timestamp}
models:
  schema_e2e:
    +materialized: table
"""
PACKAGES = """
packages:
  - local: "{{ env_var('DATIVO_DBT_ROOT') }}"
  - local: "{{ env_var('DATIVO_DBT_ROOT') }}/dbt_packages_src/dbt_expectations"
"""


def make_project(root: Path, target: str = "duckdb", pg_schema: str | None = None) -> DbtProject:
    """Write the project under `root` (models, seeds, contracts); nothing is run yet."""
    for sub in ("models", "seeds", "contracts", "macros", "tests", "target"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    (root / "dbt_project.yml").write_text(PROJECT)
    (root / "profiles.yml").write_text(profiles_yml("schema_e2e", "dativo_schema_e2e"))
    (root / "packages.yml").write_text(PACKAGES)
    (root / "seeds" / "raw_data.csv").write_text(
        "id,email,amount,extra_col\n1,a@x.com,10.5,x\n2,,20,y\n"
    )
    (root / "seeds" / "clean_data.csv").write_text(
        "id,email,amount,created\n1,a@x.com,10.5,2026-01-01 00:00:00\n"
    )
    for node, (kind, relation, action, sc) in NODES.items():
        contracts = root / "contracts"
        (contracts / f"{node}.contract.yml").write_text(_contract(node, kind, relation, action, sc))
        (contracts / f"{node}.asset.yml").write_text(ASSET.format(name=node))
        if kind == "model":
            (root / "models" / f"{node}.sql").write_text(
                f"select * from {{{{ ref('{relation}') }}}}\n"
            )
    return DbtProject(root, target=target, pg_schema=pg_schema)
