{% macro percentile_cont(field, quantile, partition=None) -%}
    {{ return(adapter.dispatch('quantile', 'dbt_expectations')(field, quantile, partition)) }}
{%- endmacro %}

{% macro default__quantile(field, quantile, partition) -%}
    percentile_cont({{ quantile }}) within group (order by {{ field }})
    {%- if partition %} over (partition by {{ partition }}){% endif -%}
{%- endmacro %}

{% macro duckdb__quantile(field, quantile, partition) -%}
    quantile_cont({{ field }}, {{ quantile }})
    {%- if partition %} over (partition by {{ partition }}){% endif -%}
{%- endmacro %}

{#- BigQuery has percentile_cont only as an analytic function: take it over the partition (or the
    whole input) and pick one value with any_value. -#}
{% macro bigquery__quantile(field, quantile, partition) -%}
    {%- if partition -%}
    percentile_cont({{ field }}, {{ quantile }}) over (partition by {{ partition }})
    {%- else -%}
    approx_quantiles({{ field }}, 1000)[offset(cast(round({{ quantile }} * 1000) as int64))]
    {%- endif -%}
{%- endmacro %}

{% macro spark__quantile(field, quantile, partition) -%}
    percentile({{ field }}, {{ quantile }})
    {%- if partition %} over (partition by {{ partition }}){% endif -%}
{%- endmacro %}

{% macro trino__quantile(field, quantile, partition) -%}
    approx_percentile({{ field }}, {{ quantile }})
    {%- if partition %} over (partition by {{ partition }}){% endif -%}
{%- endmacro %}
