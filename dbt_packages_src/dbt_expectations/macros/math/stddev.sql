{#- Sample standard deviation. -#}
{% macro stddev(field) -%}
    {{ return(adapter.dispatch('stddev', 'dbt_expectations')(field)) }}
{%- endmacro %}

{% macro default__stddev(field) -%}stddev_samp({{ field }}){%- endmacro %}
{% macro bigquery__stddev(field) -%}stddev_samp({{ field }}){%- endmacro %}
