{#- One row per day for the last 30 days up to today: `stable` cycles 100, 101, 102; `spiky` is the
    same except yesterday, which is 1000. -#}
{%- set today = dbt.date_trunc('day', dbt_expectations.now()) -%}
with days as (
    {{ dbt_expectations.date_spine('day', dbt.dateadd('day', -29, today), dbt.dateadd('day', 1, today)) }}
)
select
    cast(date_day as date) as date_day,
    100 + mod(cast({{ dbt.datediff(dbt.dateadd('day', -29, today), 'date_day', 'day') }} as {{ dbt.type_int() }}), 3) as stable,
    case
        when date_day = {{ dbt.dateadd('day', -1, today) }} then 1000
        else 100 + mod(cast({{ dbt.datediff(dbt.dateadd('day', -29, today), 'date_day', 'day') }} as {{ dbt.type_int() }}), 3)
    end as spiky,
    {{ dbt_expectations.rand() }} as random_value,
    {{ dbt_expectations.log_natural('10') }} as ln_ten,
    cast(date_day as {{ dbt_expectations.type_datetime() }}) as date_datetime
from days
