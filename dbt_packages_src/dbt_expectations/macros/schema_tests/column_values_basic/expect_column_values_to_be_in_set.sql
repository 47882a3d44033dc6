{% test expect_column_values_to_be_in_set(model, column_name, value_set, quote_values=True, row_condition=None) %}
with all_values as (
    select {{ column_name }} as value_field
    from {{ model }}
    {%- if row_condition %}
    where {{ row_condition }}
    {%- endif %}
),
set_values as (
    {{ dbt_expectations._value_set_select(value_set, quote_values, cast_quoted=True) }}
),
validation_errors as (
    select v.value_field
    from all_values v
    left join set_values s on v.value_field = s.value_field
    where s.value_field is null
)
select * from validation_errors
{% endtest %}
