"""`schema_contract` -> generated schema tests (origin `schema`, dimension `consistency`).

For sources and for models whose `on_schema_violation` is warn or quarantine (a `block` model with
`strict_mode` keeps dbt's enforced model contract, which checks names and types at build time):
- `strict_mode`: the relation's columns equal the asset schema's (dativo_dbt.schema_columns_match);
- `allow_type_changes: false`: each column's type, adapter-normalized (dativo_dbt.schema_column_types).
For every contract with a `schema_contract`: each `required: true` column gets a not-null check,
unless the contract already has an enabled not-null check on it.
The dbt severity follows `on_schema_violation` (block -> error, warn/quarantine -> warn).
"""

from __future__ import annotations

from collections.abc import Sequence

from dativo_dbt.checks.arguments import Mapped
from dativo_dbt.checks.mapping import SCHEMA_DIMENSION, SCHEMA_TESTS
from dativo_dbt.checks.spec import TestSpec
from dativo_dbt.contracts.contract import Contract
from dativo_dbt.contracts.types import warehouse_type


def schema_tests(item: Contract, existing: Sequence[TestSpec]) -> list[TestSpec]:
    """The schema tests of one contract (`existing`: its other tests, to skip duplicates)."""
    c = item.contract
    sc = c.schema_contract
    if sc is None or item.asset is None or not item.asset.schema_:
        return []
    action = c.violation_handling.on_schema_violation
    dbt_contract = sc.strict_mode and c.source is None and action == "block"
    cols = item.asset.schema_

    def spec(check: str, check_type: str, mapped: Mapped, column: str | None) -> TestSpec:
        return TestSpec(
            check, check_type, "schema", mapped, SCHEMA_DIMENSION, "critical", None, action, column
        )

    out: list[TestSpec] = []
    if sc.strict_mode and not dbt_contract:
        names = [col.name for col in cols]
        mapped = Mapped(SCHEMA_TESTS["strict_mode"], None, {"columns": names})
        out.append(spec("schema_columns", "strict_mode", mapped, None))
    if not sc.allow_type_changes and not dbt_contract:
        types = [{"name": col.name, "type": warehouse_type(col.type)} for col in cols]
        mapped = Mapped(SCHEMA_TESTS["column_types"], None, {"columns": types})
        out.append(spec("schema_types", "column_types", mapped, None))
    covered = {
        (s.mapped.column or "").lower()
        for s in existing
        if s.mapped.test == SCHEMA_TESTS["required"] and s.mapped.column
    }
    for col in cols:
        if col.required and col.name.lower() not in covered:
            mapped = Mapped(SCHEMA_TESTS["required"], col.name, {})
            out.append(spec(f"schema_required_{col.name}", "required", mapped, col.name))
    return out
