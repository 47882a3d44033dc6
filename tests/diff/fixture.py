"""A contract and its asset with one of every kind of check, and a helper that diffs an edit."""

from __future__ import annotations

from pathlib import Path

from dativo_dbt.diff import DiffResult, diff_contracts, load_side

CONTRACT = """\
data_contract:
  name: orders
  version: "1.4"
  status: active
  model: orders
  asset_ref: orders.asset.yml
  description: Orders placed on the web shop.
  sla:
    freshness:
      max_age_hours: 2
      column: created_at
    completeness:
      min_records_per_day: 100
      column: created_at
  schema_contract:
    strict_mode: true
    allow_nullable_expansion: false
    allow_type_changes: false
  quality_checks:
    soda:
      checks:
        - name: status_values
          type: accepted_values
          column: status
          values: [open, paid, shipped]
          severity: error
        - name: amount_range
          type: range
          column: amount
          min: 0
          max: 1000
        - name: unique_order
          type: uniqueness
          columns: [id]
          severity: error
        - name: email_format
          type: regex
          column: email
          pattern: "@"
        - name: recent
          type: freshness
          column: created_at
          max_age_hours: 24
    great_expectations:
      checks:
        - name: expect_column_values_to_be_in_set
          column: currency
          value_set: [EUR, USD]
        - name: expect_column_values_to_be_between
          column: amount
          min_value: 0
          max_value: 500
  violation_handling:
    on_schema_violation: block
    on_quality_violation: warn
"""

ASSET = """\
asset:
  name: orders
  schema:
    - name: id
      type: string
      required: true
    - name: email
      type: string
    - name: status
      type: string
      required: true
    - name: currency
      type: string
    - name: amount
      type: double
    - name: created_at
      type: timestamp
    - name: note
      type: string
      description: Free text.
  data_contract:
    inline_checks:
      - type: unique_check
        columns: [id]
      - type: range_check
        column: amount
        min: 0
        max: 1000
"""


def write_side(root: Path, contract: str = CONTRACT, asset: str = ASSET) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "orders.contract.yml").write_text(contract, encoding="utf-8")
    (root / "orders.asset.yml").write_text(asset, encoding="utf-8")
    return root


def edit(text: str, *pairs: tuple[str, str]) -> str:
    """`text` with each (old, new) replaced exactly once (fails loudly on a stale fixture)."""
    for old, new in pairs:
        assert text.count(old) == 1, f"fixture text {old!r} found {text.count(old)} times"
        text = text.replace(old, new)
    return text


def run_diff(
    tmp_path: Path,
    contract: list[tuple[str, str]] | None = None,
    asset: list[tuple[str, str]] | None = None,
    *,
    old_contract: str = CONTRACT,
    old_asset: str = ASSET,
    new_contract: str | None = None,
) -> DiffResult:
    """Diff the fixture against the fixture with the given edits (contract and asset)."""
    old = write_side(tmp_path / "old", old_contract, old_asset)
    new = write_side(
        tmp_path / "new",
        new_contract or edit(old_contract, *(contract or [])),
        edit(old_asset, *(asset or [])),
    )
    before, after = load_side(old), load_side(new)
    return diff_contracts(before.contracts, after.contracts)


def kinds(result: DiffResult) -> list[tuple[str, bool]]:
    return [(ch.kind, ch.breaking) for c in result.contracts for ch in c.changes]
