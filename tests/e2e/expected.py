"""The expected status of every check of the example project (integration_tests/), by
`<model>:<meta.dativo.check>`: what its data is built to pass and fail (see the contracts' headers)."""

from __future__ import annotations

EXPECTED: dict[str, str] = {
    # stripe_customers: on_quality_violation quarantine -> every test warns, failures stored
    "stripe_customers:email_format": "warn",  # bob@example.c0m has no alphabetic TLD
    "stripe_customers:no_duplicate_emails": "pass",
    "stripe_customers:amount_range": "pass",
    "stripe_customers:freshness_check": "pass",
    "stripe_customers:expect_column_values_to_not_be_null": "pass",
    "stripe_customers:expect_column_values_to_be_in_set": "warn",  # JPY
    "stripe_customers:expect_column_values_to_match_regex": "pass",  # \w+ accepts c0m
    "stripe_customers:expect_table_row_count_to_be_between": "warn",  # 20 rows < 100
    "stripe_customers:ml_feature_validity": "pass",
    "stripe_customers:inline_null_check_id": "pass",
    "stripe_customers:inline_null_check_created": "pass",
    "stripe_customers:inline_unique_check_id": "pass",
    "stripe_customers:inline_range_check_balance": "pass",
    "stripe_customers:sla_freshness": "pass",
    "stripe_customers:sla_completeness": "warn",  # ~3 rows/day < 100
    # ml_features_user_behavior: block -> critical checks error, the rest warn
    "ml_features_user_behavior:expect_column_values_to_be_between": "warn",  # 1.2
    "ml_features_user_behavior:expect_column_max_to_be_between": "pass",
    "ml_features_user_behavior:expect_column_values_to_not_be_null": "fail",  # critical + block
    "ml_features_user_behavior:expect_column_mean_to_be_between": "pass",
    "ml_features_user_behavior:expect_column_stdev_to_be_between": "pass",
    # orders: warn
    "orders:order_id_present": "pass",
    "orders:order_line_unique": "pass",
    "orders:duplicate_order_ids": "warn",  # several lines per order
    "orders:known_status": "pass",  # nulls are not invalid
    "orders:known_customer_names": "pass",  # O'Brien and "'); drop table x; --" literally
    "orders:customer_name_pattern": "pass",
    "orders:enough_orders": "pass",
    "orders:min_amount": "pass",
    "orders:max_amount": "warn",  # 999
    "orders:avg_amount": "pass",
    "orders:total_amount": "pass",
    "orders:sla_freshness": "pass",
    "orders:sla_completeness": "pass",
}
