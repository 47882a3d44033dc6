{#- The one place where a user value becomes a SQL string literal (value sets with quote_values,
    regex and like patterns). Embedded quotes are escaped, so O'Brien is matched literally. -#}
{% macro quote_string(value) -%}
    {{ return(adapter.dispatch('quote_string', 'dbt_expectations')(value)) }}
{%- endmacro %}

{% macro default__quote_string(value) -%}
    {{ return("'" ~ (value | string).replace("'", "''") ~ "'") }}
{%- endmacro %}

{#- PostgreSQL: E'...' (backslashes doubled) when the text holds a backslash, so the literal reads
    the same whatever standard_conforming_strings is. -#}
{% macro postgres__quote_string(value) -%}
    {%- set text = value | string -%}
    {%- if '\\' in text -%}
    {{ return("E'" ~ text.replace('\\', '\\\\').replace("'", "''") ~ "'") }}
    {%- endif -%}
    {{ return("'" ~ text.replace("'", "''") ~ "'") }}
{%- endmacro %}

{% macro redshift__quote_string(value) -%}
    {{ return(dbt_expectations.default__quote_string(value)) }}
{%- endmacro %}

{#- BigQuery and Spark escape with backslashes inside string literals. -#}
{% macro bigquery__quote_string(value) -%}
    {{ return("'" ~ (value | string).replace("\\", "\\\\").replace("'", "\\'") ~ "'") }}
{%- endmacro %}

{% macro spark__quote_string(value) -%}
    {{ return("'" ~ (value | string).replace("\\", "\\\\").replace("'", "\\'") ~ "'") }}
{%- endmacro %}

{#- A value set member: quoted when quote_values, else pasted as written (a SQL expression). -#}
{% macro _set_member(value, quote_values=True) -%}
    {%- if quote_values -%}{{ dbt_expectations.quote_string(value) }}{%- else -%}{{ value }}{%- endif -%}
{%- endmacro %}
