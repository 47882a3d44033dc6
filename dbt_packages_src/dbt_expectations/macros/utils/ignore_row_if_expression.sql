{% macro ignore_row_if_expression(ignore_row_if, columns) -%}
    {{ return(adapter.dispatch('ignore_row_if_expression', 'dbt_expectations')(ignore_row_if, columns)) }}
{%- endmacro %}

{% macro default__ignore_row_if_expression(ignore_row_if, columns) -%}
    {%- if ignore_row_if not in ["all_values_are_missing", "any_value_is_missing"] -%}
        {{ exceptions.raise_compiler_error(
            "`ignore_row_if` must be one of 'all_values_are_missing', 'any_value_is_missing'; got: '"
            ~ ignore_row_if ~ "'") }}
    {%- endif -%}
    {%- set op = "and" if ignore_row_if == "all_values_are_missing" else "or" -%}
    not (
    {%- for column in columns %}
        {{ column }} is null{{ (" " ~ op) if not loop.last }}
    {%- endfor %}
    )
{%- endmacro %}
