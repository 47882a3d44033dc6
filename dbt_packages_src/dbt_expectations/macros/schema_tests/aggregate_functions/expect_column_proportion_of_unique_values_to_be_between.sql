{#- count(distinct col) / count(col) as a float; 1 when there are no non-null values. -#}
{% test expect_column_proportion_of_unique_values_to_be_between(model, column_name, min_value=None, max_value=None, group_by=None, row_condition=None, strictly=False) %}
{%- set expression -%}
case when count({{ column_name }}) = 0 then 1
     else cast(count(distinct {{ column_name }}) as {{ dbt.type_float() }}) / cast(count({{ column_name }}) as {{ dbt.type_float() }})
end
{%- endset -%}
{{ dbt_expectations.expression_between(model, expression, min_value, max_value, group_by, row_condition, strictly) }}
{% endtest %}
