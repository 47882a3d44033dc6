{#- Time helpers of the batched `recent` checks. They reproduce what the per-check test
    (dbt_expectations.expect_row_values_to_have_recent_data, published or offline copy) writes, so a
    batch reports the same failures, without the package needing dbt_expectations to parse or run.
    Dispatched (namespace dativo_dbt) so adapters can override. -#}

{#- The naive timestamp type the per-check test casts to. -#}
{% macro naive_timestamp_type() -%}
    {{ return(adapter.dispatch('naive_timestamp_type', 'dativo_dbt')()) }}
{%- endmacro %}

{% macro default__naive_timestamp_type() -%}timestamp{%- endmacro %}
{% macro snowflake__naive_timestamp_type() -%}timestamp_ntz{%- endmacro %}
{% macro postgres__naive_timestamp_type() -%}timestamp without time zone{%- endmacro %}

{#- The current timestamp in time zone `tz` (default: var dbt_date:time_zone, else
    America/Los_Angeles), as a naive timestamp: dbt_date.now() / dbt_expectations.now(). -#}
{% macro now_in_time_zone(tz=none) -%}
    {{ return(adapter.dispatch('now_in_time_zone', 'dativo_dbt')(tz or var('dbt_date:time_zone', 'America/Los_Angeles'))) }}
{%- endmacro %}

{% macro default__now_in_time_zone(tz) -%}
    cast(convert_timezone('UTC', {{ dativo_dbt.sql_string(tz) }}, cast({{ dbt.current_timestamp() }} as {{ dativo_dbt.naive_timestamp_type() }})) as {{ dativo_dbt.naive_timestamp_type() }})
{%- endmacro %}

{#- PostgreSQL (and Redshift) and DuckDB quote strings the standard way and name their naive type:
    both written inline, as dbt compiles every macro a test calls on every run (sql_string and
    naive_timestamp_type with their dispatch cost a batch ~10 ms). -#}
{% macro postgres__now_in_time_zone(tz) -%}
    cast(({{ dbt.current_timestamp() }} at time zone '{{ tz | replace("'", "''") }}') as timestamp without time zone)
{%- endmacro %}

{% macro duckdb__now_in_time_zone(tz) -%}
    cast(timezone('{{ tz | replace("'", "''") }}', current_timestamp) as timestamp)
{%- endmacro %}

{% macro bigquery__now_in_time_zone(tz) -%}
    datetime(current_timestamp(), {{ dativo_dbt.sql_string(tz) }})
{%- endmacro %}

{% macro spark__now_in_time_zone(tz) -%}
    from_utc_timestamp(current_timestamp(), {{ dativo_dbt.sql_string(tz) }})
{%- endmacro %}

{% macro trino__now_in_time_zone(tz) -%}
    cast(at_timezone(current_timestamp, {{ dativo_dbt.sql_string(tz) }}) as timestamp(6))
{%- endmacro %}
