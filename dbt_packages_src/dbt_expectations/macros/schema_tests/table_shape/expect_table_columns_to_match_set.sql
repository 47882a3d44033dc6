{% test expect_table_columns_to_match_set(model, column_list, transform="upper") %}
{%- if execute -%}
    {%- set column_list = column_list | map(transform) | list -%}
    {%- set relation_column_names = dbt_expectations._get_column_list(model, transform) -%}
with relation_columns as (
    {{ dbt_expectations._string_list_select(relation_column_names, "relation_column") }}
),
input_columns as (
    {{ dbt_expectations._string_list_select(column_list, "input_column") }}
)
select *
from relation_columns r
full outer join input_columns i on r.relation_column = i.input_column
where r.relation_column is null or i.input_column is null
{%- endif -%}
{% endtest %}
