{% test expect_compound_columns_to_be_unique(model, column_list, quote_columns=False, ignore_row_if="all_values_are_missing", row_condition=None) %}
{%- if not column_list -%}
    {{ exceptions.raise_compiler_error("`column_list` must be specified as a list of columns. Got: '" ~ column_list ~ "'") }}
{%- endif -%}
{%- set columns = [] -%}
{%- for column in column_list -%}
    {%- do columns.append(adapter.quote(column) if quote_columns else column) -%}
{%- endfor -%}
{%- set row_condition_ext -%}
    {%- if row_condition %}{{ row_condition }} and {% endif -%}
    {{ dbt_expectations.ignore_row_if_expression(ignore_row_if, columns) }}
{%- endset -%}
with validation_errors as (
    select
        {%- for column in columns %}
        {{ column }},
        {%- endfor %}
        count(*) as {{ adapter.quote("n_records") }}
    from {{ model }}
    where {{ row_condition_ext }}
    group by {{ columns | join(", ") }}
    having count(*) > 1
)
select * from validation_errors
{% endtest %}
