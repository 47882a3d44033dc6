{#- Small date helpers replacing the few dbt_date macros the published package calls. -#}

{#- Current timestamp converted to a time zone (var dbt_date:time_zone), as a naive timestamp. -#}
{% macro now(tz=None) -%}
    {{ return(adapter.dispatch('now', 'dbt_expectations')(tz or var('dbt_date:time_zone', 'America/Los_Angeles'))) }}
{%- endmacro %}

{% macro default__now(tz) -%}
    cast(convert_timezone('UTC', {{ dbt_expectations.quote_string(tz) }}, cast({{ dbt.current_timestamp() }} as {{ dbt_expectations.type_timestamp() }})) as {{ dbt_expectations.type_timestamp() }})
{%- endmacro %}

{% macro postgres__now(tz) -%}
    cast(({{ dbt.current_timestamp() }} at time zone {{ dbt_expectations.quote_string(tz) }}) as {{ dbt_expectations.type_timestamp() }})
{%- endmacro %}

{% macro duckdb__now(tz) -%}
    cast(timezone({{ dbt_expectations.quote_string(tz) }}, current_timestamp) as {{ dbt_expectations.type_timestamp() }})
{%- endmacro %}

{% macro bigquery__now(tz) -%}
    datetime(current_timestamp(), {{ dbt_expectations.quote_string(tz) }})
{%- endmacro %}

{% macro spark__now(tz) -%}
    from_utc_timestamp(current_timestamp(), {{ dbt_expectations.quote_string(tz) }})
{%- endmacro %}

{% macro trino__now(tz) -%}
    cast(at_timezone(current_timestamp, {{ dbt_expectations.quote_string(tz) }}) as timestamp(6))
{%- endmacro %}

{#- A date literal cast to timestamp. -#}
{% macro _timestamp_literal(value) -%}
    cast({{ dbt_expectations.quote_string(value) }} as {{ dbt_expectations.type_timestamp() }})
{%- endmacro %}

{#- One row per `datepart` from start_date (inclusive) to end_date (exclusive), column date_<datepart>.
    start_date/end_date are SQL expressions; at most 10000 periods in the portable default. -#}
{% macro date_spine(datepart, start_date, end_date) -%}
    {{ return(adapter.dispatch('date_spine', 'dbt_expectations')(datepart, start_date, end_date)) }}
{%- endmacro %}

{% macro default__date_spine(datepart, start_date, end_date) -%}
    {#- numbers 0..9999 from a cross join of digits: portable, no recursive CTE -#}
    select date_{{ datepart }}
    from (
        select cast({{ dbt.dateadd(datepart, "d1.n + 10 * d2.n + 100 * d3.n + 1000 * d4.n", dbt.date_trunc(datepart, start_date)) }} as {{ dbt_expectations.type_timestamp() }}) as date_{{ datepart }}
        from
        {%- for k in range(1, 5) %}
            (select 0 as n union all select 1 union all select 2 union all select 3 union all select 4
             union all select 5 union all select 6 union all select 7 union all select 8 union all select 9) d{{ k }}{{ "," if not loop.last }}
        {%- endfor %}
    ) spine
    where date_{{ datepart }} < cast({{ end_date }} as {{ dbt_expectations.type_timestamp() }})
{%- endmacro %}

{% macro duckdb__date_spine(datepart, start_date, end_date) -%}
    select cast(generate_series as {{ dbt_expectations.type_timestamp() }}) as date_{{ datepart }}
    from generate_series(
        cast({{ dbt.date_trunc(datepart, start_date) }} as {{ dbt_expectations.type_timestamp() }}),
        cast({{ end_date }} as {{ dbt_expectations.type_timestamp() }}),
        interval 1 {{ datepart }})
    where generate_series < cast({{ end_date }} as {{ dbt_expectations.type_timestamp() }})
{%- endmacro %}

{% macro postgres__date_spine(datepart, start_date, end_date) -%}
    select cast(d as {{ dbt_expectations.type_timestamp() }}) as date_{{ datepart }}
    from generate_series(
        cast({{ dbt.date_trunc(datepart, start_date) }} as {{ dbt_expectations.type_timestamp() }}),
        cast({{ end_date }} as {{ dbt_expectations.type_timestamp() }}),
        interval '1 {{ datepart }}') as d
    where d < cast({{ end_date }} as {{ dbt_expectations.type_timestamp() }})
{%- endmacro %}
