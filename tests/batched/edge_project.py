"""A small model with the edge cases batching must get right (NULLs, quotes, duplicates, empty
row conditions, strict bounds), and one check of every batchable kind plus a custom test."""

from __future__ import annotations

from typing import Any

from dativo_dbt.checks import literals

from bench.batched_project import DE, _check

ROWS = [
    # id, email, currency, balance, created, k1, k2
    ("1", "'a@x.com'", "'USD'", "10.0", "'2026-11-21 10:00:00'", "1", "1"),
    ("2", "'b@x.com'", "'EUR'", "20.0", "'2026-11-20 10:00:00'", "1", "2"),
    ("3", "'bad-email'", "'JPY'", "-5.0", "'2026-11-19 00:00:00'", "1", "2"),
    ("4", "null", "null", "null", "'2026-11-18 00:00:00'", "null", "null"),
    ("5", "'a@x.com'", "'usd'", "1000.0", "'2099-01-01 00:00:00'", "null", "3"),
    ("6", "'it''s@x.com'", "'GBP'", "0.0", "null", "2", "null"),
    ("null", "'c@x.com'", "'CAD'", "5.5", "'2026-11-21 11:00:00'", "2", "null"),
]
TYPES = (
    "integer",
    "varchar(64)",
    "varchar(8)",
    "double precision",
    "timestamp",
    "integer",
    "integer",
)
NAMES = ("id", "email", "currency", "balance", "created", "k1", "k2")


def model_sql() -> str:
    selects = []
    for row in ROWS:
        cols = ", ".join(
            f"cast({v} as {t}) as {n}" for v, t, n in zip(row, TYPES, NAMES, strict=True)
        )
        selects.append(f"select {cols}")
    return "{{ config(materialized='table') }}\n" + "\nunion all\n".join(selects) + "\n"


def _c(
    i: int,
    name: str,
    test: str,
    args: dict[str, Any],
    column: str | None,
    *,
    quarantine: bool = False,
) -> tuple[str | None, dict[str, Any]]:
    entry = _check(
        "edge",
        name,
        test,
        args,
        # the contract's custom check (a generic test of the project) runs inside the batch
        check_type="custom" if test == "balance_within_training_range" else test.rsplit(".", 1)[-1],
        origin="great_expectations",
        dimension="validity",
        severity="critical" if i % 2 == 0 else "warning",
        column=column,
        dbt_severity="error" if i % 2 == 0 else "warn",
        quarantine=quarantine,
    )
    return column, entry


EMAIL = r"^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$"
SET4 = ["USD", "EUR", "GBP", "CAD"]

# name -> the failure count the per-check test reports (asserted in both modes; 0 = pass)
EXPECTED_FAILURES = {
    "not_null_email": 1,
    "not_null_email_rc": 1,
    "dbt_not_null_id": 1,
    "email_regex": 2,
    "email_not_regex": 1,
    "email_regex_flags": 2,
    "balance_range": 2,
    "balance_range_strict": 3,
    "currency_set": 3,
    "currency_set_literals": 2,
    "currency_not_in": 1,
    "currency_accepted": 2,
    "email_unique": 1,
    "dbt_unique_id": 0,
    "keys_unique": 2,
    "keys_unique_any": 1,
    "row_count": 1,
    "row_count_equal": 0,
    "balance_mean": 1,
    "balance_min": 0,
    "balance_max": 1,
    "balance_sum": 0,
    "balance_stdev": 1,
    "created_recent_hour": 1,
    "created_recent_century": 0,
    "created_recent_empty": 1,
    "custom_training_range": 0,
    "rows_per_day": 4,
    "dativo_fresh_2h": 0,
    "dativo_fresh_30m": 1,
}


def edge_checks() -> list[tuple[str | None, dict[str, Any]]]:
    set_literals = [literals.sql_string(v) for v in SET4]
    specs: list[tuple[str, str, dict[str, Any], str | None, bool]] = [
        ("not_null_email", DE + "expect_column_values_to_not_be_null", {}, "email", True),
        ("not_null_email_rc", DE + "expect_column_values_to_not_be_null", {"row_condition": "id is not null"}, "email", False),
        ("dbt_not_null_id", "not_null", {}, "id", False),
        ("email_regex", DE + "expect_column_values_to_match_regex", {"regex": literals.regex(EMAIL)}, "email", True),
        ("email_not_regex", DE + "expect_column_values_to_not_match_regex", {"regex": literals.regex("^bad")}, "email", False),
        ("email_regex_flags", DE + "expect_column_values_to_match_regex", {"regex": literals.regex("^[A-Z]+@"), "flags": "i"}, "email", False),
        ("balance_range", DE + "expect_column_values_to_be_between", {"min_value": -1, "max_value": 100}, "balance", False),
        ("balance_range_strict", DE + "expect_column_values_to_be_between", {"min_value": 0, "max_value": 1000, "strictly": True}, "balance", True),
        ("currency_set", DE + "expect_column_values_to_be_in_set", {"value_set": SET4}, "currency", True),
        ("currency_set_literals", DE + "expect_column_values_to_be_in_set", {"value_set": set_literals, "quote_values": False, "row_condition": "currency is not null"}, "currency", False),
        ("currency_not_in", DE + "expect_column_values_to_not_be_in_set", {"value_set": ["JPY"]}, "currency", False),
        ("currency_accepted", "accepted_values", {"values": SET4}, "currency", False),
        ("email_unique", DE + "expect_column_values_to_be_unique", {}, "email", True),
        ("dbt_unique_id", "unique", {}, "id", True),
        ("keys_unique", DE + "expect_compound_columns_to_be_unique", {"column_list": ["k1", "k2"]}, None, False),
        ("keys_unique_any", DE + "expect_compound_columns_to_be_unique", {"column_list": ["k1", "k2"], "ignore_row_if": "any_value_is_missing"}, None, False),
        ("row_count", DE + "expect_table_row_count_to_be_between", {"min_value": 1, "max_value": 5}, None, True),
        ("row_count_equal", DE + "expect_table_row_count_to_equal", {"value": 7}, None, False),
        ("balance_mean", DE + "expect_column_mean_to_be_between", {"min_value": 0, "max_value": 100}, "balance", False),
        ("balance_min", DE + "expect_column_min_to_be_between", {"min_value": -10}, "balance", False),
        ("balance_max", DE + "expect_column_max_to_be_between", {"max_value": 500}, "balance", False),
        ("balance_sum", DE + "expect_column_sum_to_be_between", {"min_value": 0, "max_value": 2000}, "balance", False),
        ("balance_stdev", DE + "expect_column_stdev_to_be_between", {"min_value": 0, "max_value": 1}, "balance", False),
        ("created_recent_hour", DE + "expect_row_values_to_have_recent_data", {"datepart": "hour", "interval": 1}, "created", True),
        ("created_recent_century", DE + "expect_row_values_to_have_recent_data", {"datepart": "day", "interval": 36500}, "created", False),
        ("created_recent_empty", DE + "expect_row_values_to_have_recent_data", {"datepart": "day", "interval": 3650, "row_condition": "id > 100"}, "created", False),
        ("custom_training_range", "balance_within_training_range", {}, "balance", False),
        ("rows_per_day", "dativo_dbt.min_records_per_day", {"min_records": 1, "lookback_days": 7}, "created", True),
        ("dativo_fresh_2h", "dativo_dbt.recent_data", {"datepart": "hour", "interval": 2}, "created", False),
        ("dativo_fresh_30m", "dativo_dbt.recent_data", {"datepart": "minute", "interval": 30}, "created", False),
    ]  # fmt: skip
    return [
        _c(i, name, test, args, col, quarantine=q)
        for i, (name, test, args, col, q) in enumerate(specs)
    ]
