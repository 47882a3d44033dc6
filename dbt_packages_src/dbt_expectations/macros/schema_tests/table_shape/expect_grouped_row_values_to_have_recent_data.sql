{% test expect_grouped_row_values_to_have_recent_data(model, group_by, timestamp_column, datepart, interval, row_condition=None) %}
    {{ adapter.dispatch('test_expect_grouped_row_values_to_have_recent_data', 'dbt_expectations')(model, group_by, timestamp_column, datepart, interval, row_condition) }}
{% endtest %}

{#- Per group, the latest non-future timestamp must be no older than now - interval datepart; each
    outdated group is a failing row. Input with no (non-future) rows gives no failure, grouped or
    not: in the published package the "no rows" branch never triggers, because an aggregate over
    an empty input still returns one row. -#}
{% macro default__test_expect_grouped_row_values_to_have_recent_data(model, group_by, timestamp_column, datepart, interval, row_condition) -%}
{%- set ts = dbt_expectations.type_timestamp() -%}
{%- set groups = group_by if (group_by is defined and group_by) else [] -%}
with latest_grouped_timestamps as (
    select
        {%- for g in groups %}
        {{ g }},
        {%- endfor %}
        max(cast({{ timestamp_column }} as {{ ts }})) as latest_timestamp_column
    from {{ model }}
    where cast({{ timestamp_column }} as {{ ts }}) <= {{ dbt_expectations.now() }}
    {%- if row_condition %}
      and {{ row_condition }}
    {%- endif %}
    {%- if groups %}
    group by {{ groups | join(", ") }}
    {%- endif %}
)
select *
from latest_grouped_timestamps
where latest_timestamp_column < cast({{ dbt.dateadd(datepart, -1 * (interval | int), dbt_expectations.now()) }} as {{ ts }})
{%- endmacro %}
