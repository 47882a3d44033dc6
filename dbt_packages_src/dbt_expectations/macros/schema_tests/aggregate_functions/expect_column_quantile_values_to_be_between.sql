{% test expect_column_quantile_values_to_be_between(model, column_name, quantile, min_value=None, max_value=None, group_by=None, row_condition=None, strictly=False) %}
    {{ adapter.dispatch('test_expect_column_quantile_values_to_be_between', 'dbt_expectations')(model, column_name, quantile, min_value, max_value, group_by, row_condition, strictly) }}
{% endtest %}

{% macro default__test_expect_column_quantile_values_to_be_between(model, column_name, quantile, min_value, max_value, group_by, row_condition, strictly) -%}
    {{ dbt_expectations.expression_between(model, dbt_expectations.percentile_cont(column_name, quantile), min_value, max_value, group_by, row_condition, strictly) }}
{%- endmacro %}
