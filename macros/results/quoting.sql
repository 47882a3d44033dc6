{#- THE SQL string literal of the package, quoted by the adapter's literal_style(): used for the values the
    on-run-end hook records, the batch SQL that generate writes, and every contract string the
    generated tests compare (`{{ dativo_dbt.sql_string('...') }}`, see checks/literals.py).
    Strings are single-quoted with '' escaping; PostgreSQL writes E'...' (backslashes doubled)
    when the text holds a backslash, which reads the same with standard_conforming_strings on or
    off; BigQuery and Spark escape with backslashes; NUL bytes are dropped. Numbers are rendered
    as numbers (non-finite and non-numeric values become NULL), None becomes NULL. -#}

{% macro sql_string(value, max_length=none) %}
  {%- if value is none -%}
    {{- return('NULL') -}}
  {%- endif -%}
  {%- set text = value | string -%}
  {%- if max_length is not none and text | length > max_length -%}
    {%- set text = text[:max_length] -%}
  {%- endif -%}
  {{- return(dativo_dbt.quote_text(text.replace('\x00', ''), dativo_dbt.literal_style())) -}}
{% endmacro %}

{#- The quoting rules of each literal_style (the results hook inlines the same rules in its
    per-value loop, where a macro call per value costs too much): PostgreSQL's E'...' reads the
    same with standard_conforming_strings on or off; a plain literal does too unless it holds a
    backslash. -#}
{% macro quote_text(text, style) %}
  {%- if style == 'backslash' -%}
    {{- return("'" ~ text.replace('\\', '\\\\').replace("'", "\\'") ~ "'") -}}
  {%- elif style == 'postgres' and '\\' in text -%}
    {{- return("E'" ~ text.replace('\\', '\\\\').replace("'", "''") ~ "'") -}}
  {%- endif -%}
  {{- return("'" ~ text.replace("'", "''") ~ "'") -}}
{% endmacro %}

{#- How sql_string quotes on this adapter (the one per-adapter dispatch of the rules in
    quote_text): 'standard' ('' doubling), 'postgres' (E'' strings when a backslash is present),
    'backslash' (backslash escapes: Spark, BigQuery; Redshift reads backslashes as written). -#}
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

