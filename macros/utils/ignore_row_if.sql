{#- The row filter of compound-uniqueness checks, as dbt_expectations'
    expect_compound_columns_to_be_unique writes it: `all_values_are_missing` skips rows whose key
    columns are all NULL, `any_value_is_missing` rows with any NULL key column. -#}
{% macro ignore_row_if_expression(ignore_row_if, columns) -%}
    {{ return(adapter.dispatch('ignore_row_if_expression', 'dativo_dbt')(ignore_row_if, columns)) }}
{%- endmacro %}

{% macro default__ignore_row_if_expression(ignore_row_if, columns) -%}
    {%- if ignore_row_if not in ["all_values_are_missing", "any_value_is_missing"] -%}
        {{ exceptions.raise_compiler_error(
            "`ignore_row_if` must be one of 'all_values_are_missing', 'any_value_is_missing'; got: '"
            ~ ignore_row_if ~ "'") }}
    {%- endif -%}
    {%- set op = " and " if ignore_row_if == "all_values_are_missing" else " or " -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append(column ~ " is null") -%}
    {%- endfor -%}
    {{ return("not (" ~ parts | join(op) ~ ")") }}
{%- endmacro %}
