{#- Generic test (sla.completeness.min_records_per_day): each of the last `lookback_days` complete
    days before dativo_dbt.now() has at least `min_records` rows, counted by the day of the column.
    A day with fewer rows (including none at all) is one failing row. -#}
{% test min_records_per_day(model, column_name, min_records, lookback_days=7) %}
{%- if min_records is not number or lookback_days is not number -%}
  {{ exceptions.raise_compiler_error("min_records_per_day: min_records and lookback_days must be numbers") }}
{%- endif -%}
{%- set today = dbt.date_trunc("day", dativo_dbt.now()) -%}
{%- set value = "cast(" ~ column_name ~ " as " ~ dbt.type_timestamp() ~ ")" -%}
with days as (
    {{ dbt.date_spine("day", dbt.dateadd("day", -1 * lookback_days, today), today) }}
),
counts as (
    select cast({{ dbt.date_trunc("day", value) }} as date) as record_day, count(*) as records
    from {{ model }}
    where {{ value }} >= {{ dbt.dateadd("day", -1 * lookback_days, today) }}
      and {{ value }} < {{ today }}
    group by 1
)
select cast(days.date_day as date) as record_day, coalesce(counts.records, 0) as records
from days
left join counts on cast(days.date_day as date) = counts.record_day
where coalesce(counts.records, 0) < {{ min_records }}
{% endtest %}
