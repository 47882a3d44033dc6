{#- The latest recorded result of every test (across invocations, so a partial `dbt test -s` run
    does not hide the other tests' last status). -#}
{{ config(materialized='view', enabled=var('dativo_dbt_enabled', false) | as_bool, schema=var('dativo_dbt_schema', 'dativo')) }}

with ranked as (

    select
        results.*,
        row_number() over (
            partition by test_unique_id
            order by run_started_at desc, recorded_at desc
        ) as recency_rank
    from {{ ref('dativo_test_results') }} as results

)

select * from ranked where recency_rank = 1
