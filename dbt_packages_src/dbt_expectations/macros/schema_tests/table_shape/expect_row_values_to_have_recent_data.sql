{% test expect_row_values_to_have_recent_data(model, column_name, datepart, interval, row_condition=None) %}
    {{ adapter.dispatch('test_expect_row_values_to_have_recent_data', 'dbt_expectations')(model, column_name, datepart, interval, row_condition) }}
{% endtest %}

{#- The latest non-future value (cast to timestamp) must be no older than now - interval datepart.
    With no matching rows the latest value counts as 1970-01-01, so the test fails. -#}
{% macro default__test_expect_row_values_to_have_recent_data(model, column_name, datepart, interval, row_condition) -%}
{%- set ts = dbt_expectations.type_timestamp() -%}
with max_recency as (
    select max(cast({{ column_name }} as {{ ts }})) as max_timestamp
    from {{ model }}
    where cast({{ column_name }} as {{ ts }}) <= {{ dbt_expectations.now() }}
    {%- if row_condition %}
      and {{ row_condition }}
    {%- endif %}
)
select max_timestamp
from max_recency
where coalesce(max_timestamp, {{ dbt_expectations._timestamp_literal('1970-01-01') }})
    < cast({{ dbt.dateadd(datepart, -1 * (interval | int), dbt_expectations.now()) }} as {{ ts }})
{%- endmacro %}
