{% test expect_select_column_values_to_be_unique_within_record(model, column_list, quote_columns=False, ignore_row_if="all_values_are_missing", row_condition=None) %}
    {{ adapter.dispatch('test_expect_select_column_values_to_be_unique_within_record', 'dbt_expectations')(model, column_list, quote_columns, ignore_row_if, row_condition) }}
{% endtest %}

{#- Unpivots the listed columns and compares their hashes within each row. A null hashes to null
    and is not counted as distinct, so nulls count as duplicates. -#}
{% macro default__test_expect_select_column_values_to_be_unique_within_record(model, column_list, quote_columns, ignore_row_if, row_condition) -%}
{%- if not column_list -%}
    {{ exceptions.raise_compiler_error("`column_list` must be specified as a list of columns. Got: '" ~ column_list ~ "'") }}
{%- endif -%}
{%- set columns = [] -%}
{%- for column in column_list -%}
    {%- do columns.append(adapter.quote(column) if quote_columns else column) -%}
{%- endfor -%}
with column_values as (
    select
        row_number() over (order by 1) as row_index,
        {%- for column in columns %}
        {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ model }}
    where
        {%- if row_condition %}
        {{ row_condition }} and
        {%- endif %}
        {{ dbt_expectations.ignore_row_if_expression(ignore_row_if, columns) }}
),
unpivot_columns as (
    {%- for column in columns %}
    select
        row_index,
        {{ dbt_expectations.quote_string(column) }} as column_name,
        {{ dbt_expectations.md5("cast(" ~ column ~ " as " ~ dbt.type_string() ~ ")") }} as column_value
    from column_values
    {{ "union all" if not loop.last }}
    {%- endfor %}
),
validation_errors as (
    select
        row_index,
        count(distinct column_value) as column_values
    from unpivot_columns
    group by 1
    having count(distinct column_value) < {{ columns | length }}
)
select * from validation_errors
{%- endmacro %}
