{% macro _get_like_pattern_expression(column_name, like_pattern, positive) -%}
    {{ column_name }} {{ "not" if not positive }} like {{ dbt_expectations.quote_string(like_pattern) }}
{%- endmacro %}
