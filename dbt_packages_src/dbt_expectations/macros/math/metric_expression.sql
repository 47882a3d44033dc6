{#- The value a moving-stdev test works on: the natural log when take_logs (0 for values <= 0 or
    null), else the value with null as 0. -#}
{% macro _get_metric_expression(metric_column, take_logs) -%}
    {%- if take_logs -%}
    case when {{ metric_column }} > 0 then {{ dbt_expectations.log_natural(metric_column) }} else 0 end
    {%- else -%}
    coalesce({{ metric_column }}, 0)
    {%- endif -%}
{%- endmacro %}
