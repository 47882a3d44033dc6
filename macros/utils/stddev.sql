{#- The sample standard deviation of an expression (what the per-check stddev test computes).
    Dispatched so adapters without stddev_samp can override. -#}
{% macro stddev_samp(field) -%}
    {{ return(adapter.dispatch('stddev_samp', 'dativo_dbt')(field)) }}
{%- endmacro %}

{% macro default__stddev_samp(field) -%}
    {{ return('stddev_samp(' ~ field ~ ')') }}
{%- endmacro %}
