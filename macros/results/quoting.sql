{#- THE SQL string literal of the package, one per adapter dispatch: used for the values the
    on-run-end hook records, the batch SQL that generate writes, and every contract string the
    generated tests compare (`{{ dativo_dbt.sql_string('...') }}`, see generate/literals.py).
    Strings are single-quoted with '' escaping; PostgreSQL writes E'...' (backslashes doubled)
    when the text holds a backslash, which reads the same with standard_conforming_strings on or
    off; BigQuery and Spark escape with backslashes; NUL bytes are dropped. Numbers are rendered
    as numbers (non-finite and non-numeric values become NULL), None becomes NULL. -#}

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

{#- PostgreSQL: a plain literal reads the same in both settings of standard_conforming_strings
    unless it holds a backslash; then an escape string literal E'...' (backslashes doubled), which
    never depends on the setting. -#}
{% macro postgres__sql_string(value, max_length=none) %}
  {%- if value is none -%}
    {{- return('NULL') -}}
  {%- endif -%}
  {%- set text = value | string -%}
  {%- if max_length is not none and text | length > max_length -%}
    {%- set text = text[:max_length] -%}
  {%- endif -%}
  {%- set text = text.replace('\x00', '') -%}
  {%- if '\\' in text -%}
    {{- return("E'" ~ text.replace('\\', '\\\\').replace("'", "''") ~ "'") -}}
  {%- endif -%}
  {{- return("'" ~ text.replace("'", "''") ~ "'") -}}
{% endmacro %}

{#- Redshift reads backslashes in literals as written by default__ (no E'' strings there). -#}
{% macro redshift__sql_string(value, max_length=none) %}
  {{- return(dativo_dbt.default__sql_string(value, max_length)) -}}
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

{#- How sql_string quotes on this adapter, for macros that inline its rules in a loop (a macro
    call per value costs too much there): 'standard' ('' doubling), 'postgres' (E'' strings when a
    backslash is present), 'backslash' (backslash escapes: Spark, BigQuery). -#}
{% macro literal_style() %}
  {{- return(adapter.dispatch('literal_style', 'dativo_dbt')()) -}}
{% endmacro %}

{% macro default__literal_style() %}{{ return('standard') }}{% endmacro %}
{% macro postgres__literal_style() %}{{ return('postgres') }}{% endmacro %}
{% macro redshift__literal_style() %}{{ return('standard') }}{% endmacro %}
{% macro spark__literal_style() %}{{ return('backslash') }}{% endmacro %}
{% macro bigquery__literal_style() %}{{ return('backslash') }}{% endmacro %}

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

