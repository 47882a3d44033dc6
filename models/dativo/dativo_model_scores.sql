{#- One row per model for the latest invocation that recorded scored test results. -#}
{{ config(materialized='view', enabled=var('dativo_dbt_enabled', false) | as_bool, schema=var('dativo_dbt_schema', 'dativo')) }}

with latest as (

    select max(run_started_at) as run_started_at from {{ ref('dativo_score_history') }}

)

select history.*
from {{ ref('dativo_score_history') }} as history
inner join latest on history.run_started_at = latest.run_started_at
