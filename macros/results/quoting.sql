{#- SQL literals for values recorded by the on-run-end hook. Every value the hook writes goes
    through one of these (dispatched, so an adapter with other quoting rules can override):
    strings are single-quoted with '' escaping (backslash escaping on BigQuery and Spark; NUL bytes
    dropped), numbers are rendered as numbers (non-finite and non-numeric values become NULL), None
    becomes NULL. -#}

{% macro sql_string(value, max_length=none) %}
  {{- return(adapter.dispatch('sql_string', 'dativo_dbt')(value, max_length)) -}}
{% endmacro %}

{% macro default__sql_string(value, max_length=none) %}
  {%- if value is none -%}
    {{- return('NULL') -}}
  {%- endif -%}
  {%- set text = value | string -%}
  {%- if max_length is not none and text | length > max_length -%}
    {%- set text = text[:max_length] -%}
  {%- endif -%}
  {{- return("'" ~ text.replace('\x00', '').replace("'", "''") ~ "'") -}}
{% endmacro %}

{#- BigQuery and Spark escape with backslashes inside string literals. -#}
{% macro bigquery__sql_string(value, max_length=none) %}
  {{- return(dativo_dbt._backslash_sql_string(value, max_length)) -}}
{% endmacro %}

{% macro spark__sql_string(value, max_length=none) %}
  {{- return(dativo_dbt._backslash_sql_string(value, max_length)) -}}
{% endmacro %}

{% macro _backslash_sql_string(value, max_length=none) %}
  {%- if value is none -%}
    {{- return('NULL') -}}
  {%- endif -%}
  {%- set text = value | string -%}
  {%- if max_length is not none and text | length > max_length -%}
    {%- set text = text[:max_length] -%}
  {%- endif -%}
  {{- return("'" ~ text.replace('\x00', '').replace('\\', '\\\\').replace("'", "\\'") ~ "'") -}}
{% endmacro %}

{% macro sql_number(value) %}
  {{- return(adapter.dispatch('sql_number', 'dativo_dbt')(value)) -}}
{% endmacro %}

{% macro default__sql_number(value) %}
  {%- if value is none or value is boolean -%}
    {{- return('NULL') -}}
  {%- endif -%}
  {%- if value is string -%}
    {#- numbers written as strings in YAML ("1.5"): accept only a plain decimal -#}
    {%- if modules.re.fullmatch('[-+]?[0-9]+([.][0-9]+)?', value.strip()) -%}
      {%- set value = value.strip() | float -%}
    {%- else -%}
      {{- return('NULL') -}}
    {%- endif -%}
  {%- endif -%}
  {%- if value is not number -%}
    {{- return('NULL') -}}
  {%- endif -%}
  {%- if value is integer -%}
    {{- return(value | string) -}}
  {%- endif -%}
  {%- if value != value or value > 1e300 or value < -1e300 -%}
    {{- return('NULL') -}}
  {%- endif -%}
  {{- return('%.6f' | format(value)) -}}
{% endmacro %}

{% macro sql_timestamp(value) %}
  {{- return(adapter.dispatch('sql_timestamp', 'dativo_dbt')(value)) -}}
{% endmacro %}

{% macro default__sql_timestamp(value) %}
  {%- if value is none -%}
    {{- return('NULL') -}}
  {%- endif -%}
  {%- if value is string -%}
    {%- set value = modules.datetime.datetime.fromisoformat(value.replace('Z', '+00:00')) -%}
  {%- endif -%}
  {%- if value.tzinfo is not none -%}
    {%- set value = value.astimezone(modules.pytz.utc).replace(tzinfo=none) -%}
  {%- endif -%}
  {{- return("cast('" ~ value.strftime('%Y-%m-%d %H:%M:%S.%f') ~ "' as " ~ dbt.type_timestamp() ~ ")") -}}
{% endmacro %}

