{#- The body of expect_column_values_to_be_increasing / _decreasing: each row's value against the
    previous one (lag over sort_column, per group). Decreasing mirrors the comparison and takes
    `step` as previous minus current. -#}
{% macro _column_values_ordered(model, column_name, sort_column, strictly, row_condition, group_by, step, increasing) %}
{%- set sort_column = column_name if not sort_column else sort_column -%}
{%- if increasing -%}
  {%- set operator = ">" if strictly else ">=" -%}
  {%- set step_expression = "value_field - value_field_lag" -%}
{%- else -%}
  {%- set operator = "<" if strictly else "<=" -%}
  {%- set step_expression = "value_field_lag - value_field" -%}
{%- endif -%}
with all_values as (
    select
        {{ sort_column }} as sort_column,
        {%- if group_by %}
        {{ group_by | join(", ") }},
        {%- endif %}
        {{ column_name }} as value_field
    from {{ model }}
    {%- if row_condition %}
    where {{ row_condition }}
    {%- endif %}
),
add_lag_values as (
    select
        sort_column,
        {%- if group_by %}
        {{ group_by | join(", ") }},
        {%- endif %}
        value_field,
        lag(value_field) over (
            {%- if group_by %} partition by {{ group_by | join(", ") }}{% endif %} order by sort_column
        ) as value_field_lag
    from all_values
),
validation_errors as (
    select *
    from add_lag_values
    where value_field_lag is not null
      and not (
        (value_field {{ operator }} value_field_lag)
        {%- if step %}
        and ({{ step_expression }}) = {{ step }}
        {%- endif %}
      )
)
select * from validation_errors
{% endmacro %}
