{#- Compares the adapter-reported dtype (upper-cased) with the list (upper-cased) as plain strings.
    A column that does not exist gives no failure (use expect_column_to_exist for that). -#}
{% test expect_column_values_to_be_in_type_list(model, column_name, column_type_list) %}
{%- if execute -%}
    {%- set column_name = column_name | upper -%}
    {%- set columns_in_relation = adapter.get_columns_in_relation(model) -%}
    {%- set column_type_list = column_type_list | map("upper") | list -%}
with relation_columns as (
    {%- for column in columns_in_relation %}
    select
        cast({{ dbt_expectations.quote_string(column.name | upper) }} as {{ dbt.type_string() }}) as relation_column,
        cast({{ dbt_expectations.quote_string(column.dtype | upper) }} as {{ dbt.type_string() }}) as relation_column_type
    {{ "union all" if not loop.last }}
    {%- endfor %}
),
test_data as (
    select *
    from relation_columns
    where relation_column = {{ dbt_expectations.quote_string(column_name) }}
      and relation_column_type not in (
        {%- for t in column_type_list %}{{ dbt_expectations.quote_string(t) }}{{ ", " if not loop.last }}{% endfor -%}
      )
)
select * from test_data
{%- endif -%}
{% endtest %}
