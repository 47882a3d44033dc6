{#- Position-style regex match: > 0 when `source_value` matches `regexp`, 0 when it does not, null
    when source_value is null. The pattern goes through quote_string (quotes escaped). -#}
{% macro regexp_instr(source_value, regexp, position=1, occurrence=1, is_raw=False, flags="") -%}
    {{ return(adapter.dispatch('regexp_instr', 'dbt_expectations')(source_value, regexp, position, occurrence, is_raw, flags)) }}
{%- endmacro %}

{% macro default__regexp_instr(source_value, regexp, position, occurrence, is_raw, flags) -%}
    {%- if flags -%}{{ dbt_expectations._validate_flags(flags, 'cimnsx') }}{%- endif -%}
    {%- if flags -%}
    regexp_instr({{ source_value }}, {{ dbt_expectations.quote_string(regexp) }}, {{ position }}, {{ occurrence }}, 0, {{ dbt_expectations.quote_string(flags) }})
    {%- else -%}
    regexp_instr({{ source_value }}, {{ dbt_expectations.quote_string(regexp) }}, {{ position }}, {{ occurrence }})
    {%- endif -%}
{%- endmacro %}

{# DuckDB has no regexp_instr: regexp_matches gives a boolean; cast keeps null for null input. #}
{% macro duckdb__regexp_instr(source_value, regexp, position, occurrence, is_raw, flags) -%}
    {%- if flags -%}{{ dbt_expectations._validate_flags(flags, 'ciep', warn_only=True) }}{%- endif -%}
    {%- set source = source_value if position == 1 else "substr(" ~ source_value ~ ", " ~ position ~ ")" -%}
    cast(regexp_matches({{ source }}, {{ dbt_expectations.quote_string(regexp) }}
    {%- if flags %}, {{ dbt_expectations.quote_string(flags) }}{% endif %}) as integer)
{%- endmacro %}

{# PostgreSQL: flags become embedded options (?flags) of the ARE, which works on every version. #}
{% macro postgres__regexp_instr(source_value, regexp, position, occurrence, is_raw, flags) -%}
    {%- if flags -%}{{ dbt_expectations._validate_flags(flags, 'bcegimnpqstwx') }}{%- endif -%}
    {%- set source = source_value if position == 1 else "substr(" ~ source_value ~ ", " ~ position ~ ")" -%}
    {%- set pattern = ("(?" ~ flags ~ ")" ~ regexp) if flags else regexp -%}
    cast(({{ source }} ~ {{ dbt_expectations.quote_string(pattern) }}) as integer)
{%- endmacro %}

{% macro redshift__regexp_instr(source_value, regexp, position, occurrence, is_raw, flags) -%}
    {%- if flags -%}{{ dbt_expectations._validate_flags(flags, 'ciep') }}{%- endif -%}
    regexp_instr({{ source_value }}, {{ dbt_expectations.quote_string(regexp) }}, {{ position }}, {{ occurrence }}, 0{% if flags %}, {{ dbt_expectations.quote_string(flags) }}{% endif %})
{%- endmacro %}

{% macro snowflake__regexp_instr(source_value, regexp, position, occurrence, is_raw, flags) -%}
    {%- if flags -%}{{ dbt_expectations._validate_flags(flags, 'cimes') }}{%- endif -%}
    regexp_instr({{ source_value }}, {{ dbt_expectations.quote_string(regexp) }}, {{ position }}, {{ occurrence }}, 0, {{ dbt_expectations.quote_string(flags) }})
{%- endmacro %}

{% macro bigquery__regexp_instr(source_value, regexp, position, occurrence, is_raw, flags) -%}
    {%- if flags -%}{{ dbt_expectations._validate_re2_flags(flags) }}{%- endif -%}
    {%- set pattern = ("(?" ~ flags ~ ")" ~ regexp) if flags else regexp -%}
    regexp_instr({{ source_value }}, {{ ('r' if is_raw else '') }}{{ dbt_expectations.quote_string(pattern) }}, {{ position }}, {{ occurrence }})
{%- endmacro %}

{% macro spark__regexp_instr(source_value, regexp, position, occurrence, is_raw, flags) -%}
    {%- if flags -%}{{ dbt_expectations._validate_re2_flags(flags) }}{%- endif -%}
    {%- set pattern = ("(?" ~ flags ~ ")" ~ regexp) if flags else regexp -%}
    case when {{ source_value }} is null then null when {{ source_value }} rlike {{ dbt_expectations.quote_string(pattern) }} then 1 else 0 end
{%- endmacro %}

{% macro trino__regexp_instr(source_value, regexp, position, occurrence, is_raw, flags) -%}
    {%- if flags -%}{{ dbt_expectations._validate_re2_flags(flags) }}{%- endif -%}
    {%- set pattern = ("(?" ~ flags ~ ")" ~ regexp) if flags else regexp -%}
    cast(regexp_like({{ source_value }}, {{ dbt_expectations.quote_string(pattern) }}) as integer)
{%- endmacro %}

{% macro _validate_flags(flags, alphabet, warn_only=False) -%}
    {%- for flag in flags -%}
        {%- if flag not in alphabet -%}
            {%- set msg = "flag " ~ flag ~ " not in list of allowed flags for this adapter: " ~ (alphabet | join(", ")) -%}
            {%- if warn_only -%}{{ exceptions.warn(msg) }}{%- else -%}{{ exceptions.raise_compiler_error(msg) }}{%- endif -%}
        {%- endif -%}
    {%- endfor -%}
{%- endmacro %}

{% macro _validate_re2_flags(flags) -%}
    {{ dbt_expectations._validate_flags(flags, 'imsU') }}
{%- endmacro %}
