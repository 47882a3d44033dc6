{% macro rand() -%}
    {{ return(adapter.dispatch('rand', 'dbt_expectations')()) }}
{%- endmacro %}

{% macro default__rand() -%}rand(){%- endmacro %}
{% macro duckdb__rand() -%}random(){%- endmacro %}
{% macro postgres__rand() -%}random(){%- endmacro %}
{% macro redshift__rand() -%}random(){%- endmacro %}
{% macro snowflake__rand() -%}uniform(0::float, 1::float, random()){%- endmacro %}
{% macro trino__rand() -%}random(){%- endmacro %}
