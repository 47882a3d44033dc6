{% macro log_natural(x) -%}
    {{ return(adapter.dispatch('log_natural', 'dbt_expectations')(x)) }}
{%- endmacro %}

{% macro default__log_natural(x) -%}ln({{ x }}){%- endmacro %}
{% macro bigquery__log_natural(x) -%}ln({{ x }}){%- endmacro %}
{% macro spark__log_natural(x) -%}ln({{ x }}){%- endmacro %}
