{#- Timestamps relative to now (time zone var dbt_date:time_zone): one recent, one old, one in the
    future (the recency tests must ignore it). -#}
{%- set ts = dbt_expectations.type_timestamp() -%}
select 1 as id, cast('a' as {{ dbt.type_string() }}) as grp, cast({{ dbt.dateadd('hour', -2, dbt_expectations.now()) }} as {{ ts }}) as event_at
union all
select 2, 'b', cast({{ dbt.dateadd('day', -10, dbt_expectations.now()) }} as {{ ts }})
union all
select 3, 'b', cast({{ dbt.dateadd('day', 5, dbt_expectations.now()) }} as {{ ts }})
