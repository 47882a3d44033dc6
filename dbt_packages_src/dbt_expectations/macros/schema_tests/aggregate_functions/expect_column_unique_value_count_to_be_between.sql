{% test expect_column_unique_value_count_to_be_between(model, column_name, min_value=None, max_value=None, group_by=None, row_condition=None, strictly=False) %}
{{ dbt_expectations.expression_between(model, "count(distinct " ~ column_name ~ ")", min_value, max_value, group_by, row_condition, strictly) }}
{% endtest %}
