{% test expect_column_values_to_be_increasing(model, column_name, sort_column=None, strictly=True, row_condition=None, group_by=None, step=None) %}
{{ dbt_expectations._column_values_ordered(model, column_name, sort_column, strictly, row_condition, group_by, step, increasing=true) }}
{% endtest %}
