{% test expect_row_values_to_have_data_for_every_n_datepart(model, date_col, date_part="day", interval=None, row_condition=None, exclusion_condition=None, test_start_date=None, test_end_date=None) %}
    {{ adapter.dispatch('test_expect_row_values_to_have_data_for_every_n_datepart', 'dbt_expectations')(model, date_col, date_part, interval, row_condition, exclusion_condition, test_start_date, test_end_date) }}
{% endtest %}

{#- A spine of date_part buckets from the start date (inclusive) to the end date (exclusive); each
    bucket without rows is a failure. Without test_start_date/test_end_date, the min/max of date_col
    are read while compiling (the max day is included). With `interval`, every interval-th bucket is
    kept and each row is moved back to its bucket. exclusion_condition filters the failure rows. -#}
{% macro default__test_expect_row_values_to_have_data_for_every_n_datepart(model, date_col, date_part, interval, row_condition, exclusion_condition, test_start_date, test_end_date) -%}
{%- if not execute -%}{{ return("select 1 as dummy") }}{%- endif -%}
{%- set ts = dbt_expectations.type_timestamp() -%}
{%- if not test_start_date or not test_end_date -%}
    {%- set sql -%}
        select
            min(cast({{ date_col }} as date)) as start_date,
            max(cast({{ date_col }} as date)) as end_date
        from {{ model }}
        {%- if row_condition %}
        where {{ row_condition }}
        {%- endif %}
    {%- endset -%}
    {%- set dr = run_query(sql) -%}
    {%- set db_start_date = dr.columns[0].values()[0] -%}
    {%- set db_end_date = dr.columns[1].values()[0] -%}
{%- endif -%}
{%- if test_start_date -%}
    {%- set start_date = "cast(" ~ dbt_expectations.quote_string(test_start_date) ~ " as " ~ ts ~ ")" -%}
{%- elif db_start_date is not none -%}
    {%- set start_date = "cast(" ~ dbt_expectations.quote_string(db_start_date) ~ " as " ~ ts ~ ")" -%}
{%- endif -%}
{%- if test_end_date -%}
    {%- set end_date = "cast(" ~ dbt_expectations.quote_string(test_end_date) ~ " as " ~ ts ~ ")" -%}
{%- elif db_end_date is not none -%}
    {%- set end_date = dbt.dateadd("day", 1, "cast(" ~ dbt_expectations.quote_string(db_end_date) ~ " as " ~ ts ~ ")") -%}
{%- endif -%}
{%- if start_date is not defined or end_date is not defined -%}
{#- No rows at all: nothing to compare with, so no failures (as with an empty spine). -#}
select cast(null as {{ ts }}) as date_{{ date_part }}, 0 as row_cnt where 1 = 0
{%- else -%}
with base_dates as (
    {{ dbt_expectations.date_spine(date_part, start_date, end_date) }}
),
{%- if interval %}
interval_dates as (
    select date_{{ date_part }}
    from base_dates
    where mod(
        cast({{ dbt.datediff(dbt.date_trunc(date_part, start_date), "date_" ~ date_part, date_part) }} as {{ dbt.type_int() }}),
        cast({{ interval }} as {{ dbt.type_int() }})
    ) = 0
),
{%- endif %}
model_data as (
    select
        {%- if not interval %}
        cast({{ dbt.date_trunc(date_part, date_col) }} as {{ ts }}) as date_{{ date_part }},
        {%- else %}
        {#- move each row back to the start of its interval bucket #}
        cast({{ dbt.dateadd(
            date_part,
            "-1 * mod(cast(" ~ dbt.datediff(dbt.date_trunc(date_part, start_date), dbt.date_trunc(date_part, date_col), date_part) ~ " as " ~ dbt.type_int() ~ "), cast(" ~ interval ~ " as " ~ dbt.type_int() ~ "))",
            dbt.date_trunc(date_part, date_col)) }} as {{ ts }}) as date_{{ date_part }},
        {%- endif %}
        count(*) as row_cnt
    from {{ model }}
    {%- if row_condition %}
    where {{ row_condition }}
    {%- endif %}
    group by 1
),
final as (
    select
        cast(d.date_{{ date_part }} as {{ ts }}) as date_{{ date_part }},
        case when f.date_{{ date_part }} is null then true else false end as is_missing,
        coalesce(f.row_cnt, 0) as row_cnt
    from {{ "interval_dates" if interval else "base_dates" }} d
    left join model_data f
        on cast(d.date_{{ date_part }} as {{ ts }}) = f.date_{{ date_part }}
)
select *
from final
where row_cnt = 0
{%- if exclusion_condition %}
  and {{ exclusion_condition }}
{%- endif %}
{%- endif -%}
{%- endmacro %}
