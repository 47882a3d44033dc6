"""THE mapping from contract checks to dbt tests (one table per kind of check; the GE-style table,
`EXPECTATIONS`, is in `checks.expectations`).

README `## Contracts` shows the same table. Every entry names the dbt test, the default quality
dimension (used when a check has no `dimension:`) and how the check's keys become the test's
`arguments:`; values go through `literals` so they reach SQL only as validated numbers and escaped
literals. A check this module cannot map raises `MappingError` (the caller adds file and line).

| contract check | dbt test | default dimension |
|---|---|---|
| soda `regex` (column, pattern) | dbt_expectations.expect_column_values_to_match_regex | validity |
| soda `uniqueness`/`duplicate_count` (column) | dbt_expectations.expect_column_values_to_be_unique | uniqueness |
| soda `uniqueness`/`duplicate_count` (columns) | dbt_expectations.expect_compound_columns_to_be_unique | uniqueness |
| soda `range` (column, min, max) | dbt_expectations.expect_column_values_to_be_between | accuracy |
| soda `freshness` (column, max_age_hours) | dativo_dbt.recent_data | timeliness |
| soda `not_null`/`missing` (column) | dbt_expectations.expect_column_values_to_not_be_null | completeness |
| soda `accepted_values`/`invalid` (column, values) | dbt_expectations.expect_column_values_to_be_in_set | validity |
| soda `row_count` (min, max) | dbt_expectations.expect_table_row_count_to_be_between | completeness |
| soda `min`/`max`/`avg`/`sum`/`stddev` (column, min, max) | dbt_expectations.expect_column_{min,max,mean,sum,stdev}_to_be_between | accuracy |
| great_expectations `<expectation>` (kwargs) | dbt_expectations.<expectation> (see EXPECTATIONS) | per expectation |
| custom (test, column, arguments) | <test> (a generic test of your project) | validity |
| asset inline `null_check` (columns) | dbt_expectations.expect_column_values_to_not_be_null, per column | completeness |
| asset inline `unique_check` (columns) | expect_column_values_to_be_unique / expect_compound_columns_to_be_unique | uniqueness |
| asset inline `range_check` (column, min, max) | dbt_expectations.expect_column_values_to_be_between | accuracy |
| sla.freshness (model) | dativo_dbt.recent_data on the timestamp column | timeliness |
| sla.freshness (source) | dbt source `freshness` + `loaded_at_field` | timeliness |
| sla.completeness.min_records_per_day | dativo_dbt.min_records_per_day on the timestamp column | completeness |
| schema_contract.strict_mode (model, block) | model `contract: {enforced: true}` + column `data_type`s | (not a test) |
| schema_contract.strict_mode (source; model warn/quarantine) | dativo_dbt.schema_columns_match | consistency |
| schema_contract.allow_type_changes: false (same) | dativo_dbt.schema_column_types | consistency |
| asset `required: true` column (with a schema_contract) | dbt_expectations.expect_column_values_to_not_be_null | consistency |
"""

from __future__ import annotations

from typing import Any

from dativo_dbt.checks import literals
from dativo_dbt.checks.arguments import DE, KINDS, Mapped, MappingError
from dativo_dbt.checks.expectations import EXPECTATIONS

# --------------------------------------------------------------------------------------------
# Soda-style checks (type -> test, default dimension)

SODA_TESTS: dict[str, tuple[str, str]] = {
    "regex": (f"{DE}.expect_column_values_to_match_regex", "validity"),
    "uniqueness": (f"{DE}.expect_column_values_to_be_unique", "uniqueness"),
    "duplicate_count": (f"{DE}.expect_column_values_to_be_unique", "uniqueness"),
    "range": (f"{DE}.expect_column_values_to_be_between", "accuracy"),
    "freshness": ("dativo_dbt.recent_data", "timeliness"),
    "not_null": (f"{DE}.expect_column_values_to_not_be_null", "completeness"),
    "missing": (f"{DE}.expect_column_values_to_not_be_null", "completeness"),
    "accepted_values": (f"{DE}.expect_column_values_to_be_in_set", "validity"),
    "invalid": (f"{DE}.expect_column_values_to_be_in_set", "validity"),
    "row_count": (f"{DE}.expect_table_row_count_to_be_between", "completeness"),
    "min": (f"{DE}.expect_column_min_to_be_between", "accuracy"),
    "max": (f"{DE}.expect_column_max_to_be_between", "accuracy"),
    "avg": (f"{DE}.expect_column_mean_to_be_between", "accuracy"),
    "sum": (f"{DE}.expect_column_sum_to_be_between", "accuracy"),
    "stddev": (f"{DE}.expect_column_stdev_to_be_between", "accuracy"),
}
COMPOUND_UNIQUE = f"{DE}.expect_compound_columns_to_be_unique"
INLINE_DIMENSIONS = {
    "null_check": "completeness",
    "unique_check": "uniqueness",
    "range_check": "accuracy",
}
SLA_DIMENSIONS = {"sla_freshness": "timeliness", "sla_completeness": "completeness"}
CUSTOM_DIMENSION = "validity"
# schema_contract -> generated schema tests (checks/schema_tests.py); origin `schema`
SCHEMA_TESTS = {
    "strict_mode": "dativo_dbt.schema_columns_match",
    "column_types": "dativo_dbt.schema_column_types",
    "required": f"{DE}.expect_column_values_to_not_be_null",
}
SCHEMA_DIMENSION = "consistency"


def _bounds(lo: Any, hi: Any, *, kind: str = "number") -> dict[str, Any]:
    out: dict[str, Any] = {}
    if lo is not None:
        out["min_value"] = KINDS[kind](lo)
    if hi is not None:
        out["max_value"] = KINDS[kind](hi)
    return out


def age(hours: float) -> dict[str, Any]:
    """`max_age_hours` -> (datepart, interval) with an integer interval."""
    if float(hours).is_integer():
        return {"datepart": "hour", "interval": int(hours)}
    minutes = hours * 60
    if float(minutes).is_integer():
        return {"datepart": "minute", "interval": int(minutes)}
    return {"datepart": "second", "interval": round(hours * 3600)}


def source_age(hours: float) -> dict[str, Any]:
    """Like `age`, in dbt source freshness periods (minute, hour, day): seconds round up."""
    out = age(hours)
    if out["datepart"] == "second":
        return {"datepart": "minute", "interval": max(1, -(-out["interval"] // 60))}
    return out


def map_soda(check: Any) -> Mapped:
    """A Soda-style check (a `contracts.models.Soda*Check`) -> its dbt test."""
    kind = check.type
    test, _ = SODA_TESTS[kind]
    if kind == "regex":
        return Mapped(test, check.column, {"regex": literals.regex(check.pattern)})
    if kind in ("uniqueness", "duplicate_count"):
        cols = check.column_list
        if len(cols) == 1:
            return Mapped(test, cols[0], {})
        return Mapped(COMPOUND_UNIQUE, None, {"column_list": cols})
    if kind == "range":
        return Mapped(test, check.column, _bounds(check.min, check.max))
    if kind == "freshness":
        return Mapped(test, check.column, age(check.max_age_hours))
    if kind in ("not_null", "missing"):
        return Mapped(test, check.column, {})
    if kind in ("accepted_values", "invalid"):
        try:
            values = KINDS["values"](check.values)
        except literals.LiteralError as exc:
            raise MappingError(f"`values`: {exc}", key="values") from exc
        # Soda counts missing values apart from invalid ones: nulls do not fail this check.
        return Mapped(
            test,
            check.column,
            {
                "value_set": values,
                "quote_values": False,
                "row_condition": f"{check.column} is not null",
            },
        )
    if kind == "row_count":
        return Mapped(test, None, _bounds(check.min, check.max, kind="int"))
    return Mapped(test, check.column, _bounds(check.min, check.max))


def check_dimension(origin: str, check_type: str) -> str:
    """The default dimension of a contract check without `dimension:` (the tables above; a plain
    dbt test's is `core.vocabulary.default_dimension`)."""
    if origin == "soda":
        return SODA_TESTS[check_type][1]
    if origin == "great_expectations":
        return EXPECTATIONS[check_type].dimension
    if origin == "inline":
        return INLINE_DIMENSIONS[check_type]
    if origin == "sla":
        return SLA_DIMENSIONS[check_type]
    if origin == "schema":
        return SCHEMA_DIMENSION
    return CUSTOM_DIMENSION


def dbt_severity(action: str, severity: str) -> str:
    """violation_handling action + check severity -> dbt `severity` (block → error for critical)."""
    if action == "block" and severity == "critical":
        return "error"
    return "warn"
