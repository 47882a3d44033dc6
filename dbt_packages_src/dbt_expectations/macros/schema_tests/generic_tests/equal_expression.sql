{% test equal_expression(model, expression, compare_model=None, compare_expression=None, group_by=None, compare_group_by=None, row_condition=None, compare_row_condition=None, tolerance=0.0, tolerance_percent=None) %}
    {{ adapter.dispatch('test_equal_expression', 'dbt_expectations')(model, expression, compare_model, compare_expression, group_by, compare_group_by, row_condition, compare_row_condition, tolerance, tolerance_percent) }}
{% endtest %}

{#- Compares `expression` on the model with `compare_expression` on compare_model; every compare_*
    argument left out falls back to the model side. Grouped sides are joined on their group columns
    by position (full outer join), ungrouped sides are cross-joined; nulls count as 0. -#}
{% macro default__test_equal_expression(model, expression, compare_model, compare_expression, group_by, compare_group_by, row_condition, compare_row_condition, tolerance, tolerance_percent) -%}
    {%- set compare_model = compare_model if (compare_model is defined and compare_model) else model -%}
    {%- set compare_expression = compare_expression if (compare_expression is defined and compare_expression) else expression -%}
    {%- set compare_row_condition = compare_row_condition if (compare_row_condition is defined and compare_row_condition) else row_condition -%}
    {%- set compare_group_by = compare_group_by if (compare_group_by is defined and compare_group_by) else group_by -%}
    {%- set n_cols = (group_by | length) if group_by else 0 -%}
with a as (
    {{ dbt_expectations.get_select(model, expression, row_condition, group_by) }}
),
b as (
    {{ dbt_expectations.get_select(compare_model, compare_expression, compare_row_condition, compare_group_by) }}
),
final as (
    select
        {%- for i in range(1, n_cols + 1) %}
        coalesce(a.col_{{ i }}, b.col_{{ i }}) as col_{{ i }},
        {%- endfor %}
        a.expression,
        b.expression as compare_expression,
        abs(coalesce(a.expression, 0) - coalesce(b.expression, 0)) as expression_difference,
        abs(coalesce(a.expression, 0) - coalesce(b.expression, 0))
            / nullif(a.expression * 1.0, 0) as expression_difference_percent
    from
    {%- if n_cols > 0 %}
        a
        full outer join b on
        {%- for i in range(1, n_cols + 1) %}
            a.col_{{ i }} = b.col_{{ i }}{{ " and" if not loop.last }}
        {%- endfor %}
    {%- else %}
        a cross join b
    {%- endif %}
)
select * from final
where
    {%- if tolerance_percent %}
    expression_difference_percent > {{ tolerance_percent }}
    {%- else %}
    expression_difference > {{ tolerance }}
    {%- endif %}
{%- endmacro %}
