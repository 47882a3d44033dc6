{#- sum(c1) + sum(c2) + ... = sum_total, over the table or per group. A numeric sum_total is a
    literal; anything else is summed as an expression: sum(<sum_total>). -#}
{% test expect_multicolumn_sum_to_equal(model, column_list, sum_total, group_by=None, row_condition=None) %}
{%- set operation -%}
{%- for column in column_list -%}sum({{ column }}){{ " + " if not loop.last }}{%- endfor -%}
{%- endset -%}
{%- set total = sum_total if sum_total is number else "sum(" ~ sum_total ~ ")" -%}
{%- set expression = operation ~ " = " ~ total -%}
{{ dbt_expectations.expression_is_true(model, expression=expression, group_by_columns=group_by, row_condition=row_condition) }}
{% endtest %}
