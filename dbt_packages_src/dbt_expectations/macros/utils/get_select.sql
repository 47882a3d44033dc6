{#- One side of equal_expression: `expression` (aliased `expression`) over `model`, optionally
    filtered and grouped; group columns are aliased col_1, col_2, ... -#}
{% macro get_select(model, expression, row_condition, group_by) -%}
    {{ adapter.dispatch('get_select', 'dbt_expectations')(model, expression, row_condition, group_by) }}
{%- endmacro %}

{% macro default__get_select(model, expression, row_condition, group_by) -%}
    select
        {%- if group_by %}
        {%- for g in group_by %}
        {{ g }} as col_{{ loop.index }},
        {%- endfor %}
        {%- endif %}
        {{ expression }} as expression
    from {{ model }}
    {%- if row_condition %}
    where {{ row_condition }}
    {%- endif %}
    {%- if group_by %}
    {{ dbt_expectations.group_by(group_by | length) }}
    {%- endif %}
{%- endmacro %}
