{#- The time checks compare against: var `dativo_dbt_now` (an ISO timestamp, for reproducible runs)
    or the warehouse's current timestamp. Dispatched so adapters can override. -#}
{% macro now() %}
  {{ return(adapter.dispatch('now', 'dativo_dbt')()) }}
{% endmacro %}

{% macro default__now() %}
  {%- set fixed = var('dativo_dbt_now', none) -%}
  {%- if fixed -%}
    {%- set parsed = modules.datetime.datetime.fromisoformat(fixed | string) -%}
    cast('{{ parsed.strftime("%Y-%m-%d %H:%M:%S") }}' as {{ dbt.type_timestamp() }})
  {%- else -%}
    cast({{ dbt.current_timestamp() }} as {{ dbt.type_timestamp() }})
  {%- endif -%}
{% endmacro %}
