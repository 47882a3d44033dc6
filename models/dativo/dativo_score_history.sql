{#- Quality score of every model in every invocation (seed 004 formula, same parameters as the
    Python side, from var('dativo_dbt_scoring')): per dimension the severity-weighted pass rate of
    the model's scored checks (x100); overall = dimension-weighted sum (empty dimensions count as 100,
    or with empty_dimensions: exclude are left out and the weights renormalised; score is null when
    no weighted dimension has a check); then
    score = baseline + clamp(overall - baseline, -max_negative_influence, +max_positive_influence),
    within 0..100. A model whose recorded tests were all skipped scores like one without checks
    (100, or null under exclude), as in `dativo-dbt score`; models with no test at all are absent. -#}
{{ config(materialized='view', enabled=var('dativo_dbt_enabled', false) | as_bool, schema=var('dativo_dbt_schema', 'dativo')) }}
{%- set cfg = dativo_dbt.scoring_config() -%}
{%- set dims = cfg.dimension_weights -%}
{%- set exclude = cfg.empty_dimensions == 'exclude' -%}
{%- set baseline = dativo_dbt._num(cfg.baseline_score) -%}
{%- set pos = dativo_dbt._num(cfg.max_positive_influence) -%}
{%- set neg = dativo_dbt._num(cfg.max_negative_influence) -%}
{%- set dbl = dativo_dbt.type_double() -%}

with checks as (

    select * from {{ ref('dativo_test_results') }}
    where model_unique_id is not null

),

by_dimension as (

    select
        invocation_id,
        model_unique_id,
        scoring_dimension,
        sum(effective_weight) as total_weight,
        sum(case when passed = 1 then effective_weight else 0 end) as passed_weight
    from checks
    where is_scored = 1
    group by invocation_id, model_unique_id, scoring_dimension

),

dimension_scores as (

    select
        invocation_id,
        model_unique_id,
        scoring_dimension,
        case when total_weight > 0 then 100.0 * passed_weight / total_weight end
            as dimension_score
    from by_dimension

),

pivoted as (

    select
        invocation_id,
        model_unique_id
        {%- for dim in dims %},
        max(case when scoring_dimension = {{ dativo_dbt.sql_string(dim) }} then dimension_score end)
            as dim_{{ loop.index }}
        {%- endfor %}
    from dimension_scores
    group by invocation_id, model_unique_id

),

models as (

    select
        invocation_id,
        model_unique_id,
        max(run_started_at) as run_started_at,
        max(model_name) as model_name,
        max(model_resource_type) as model_resource_type,
        max(model_tier) as tier,
        max(model_contract) as contract,
        max(model_owner) as owner,
        cast(count(*) as {{ dbt.type_int() }}) as checks_total,
        cast(sum(is_scored) as {{ dbt.type_int() }}) as checks_scored,
        cast(sum(case when status = 'skipped' then 1 else 0 end) as {{ dbt.type_int() }}) as checks_skipped,
        cast(sum(case when status = 'pass' then 1 else 0 end) as {{ dbt.type_int() }}) as checks_passed,
        cast(sum(case when status in ('fail', 'warn', 'error') then 1 else 0 end) as {{ dbt.type_int() }}) as checks_failed,
        cast(sum(case when status = 'error' then 1 else 0 end) as {{ dbt.type_int() }}) as checks_errored
    from checks
    group by invocation_id, model_unique_id

),

overall as (

    select
        models.*
        {%- for dim in dims %},
        pivoted.dim_{{ loop.index }}
        {%- endfor %},
        {%- if dims | length == 0 %}
        cast(null as {{ dbl }}) as raw_score
        {%- elif exclude %}
        ({% for dim, w in dims.items() %}coalesce({{ dativo_dbt._num(w) }} * pivoted.dim_{{ loop.index }}, 0){% if not loop.last %} + {% endif %}{% endfor %})
            / nullif({% for dim, w in dims.items() %}case when pivoted.dim_{{ loop.index }} is null then 0 else {{ dativo_dbt._num(w) }} end{% if not loop.last %} + {% endif %}{% endfor %}, 0)
            as raw_score
        {%- else %}
        ({% for dim, w in dims.items() %}{{ dativo_dbt._num(w) }} * coalesce(pivoted.dim_{{ loop.index }}, 100.0){% if not loop.last %} + {% endif %}{% endfor %}) as raw_score
        {%- endif %}
    from models
    left join pivoted
        on models.invocation_id = pivoted.invocation_id
        and models.model_unique_id = pivoted.model_unique_id

),

capped as (

    select
        overall.*,
        {{ baseline }} + case
            when raw_score - {{ baseline }} > {{ pos }} then {{ pos }}
            when raw_score - {{ baseline }} < -{{ neg }} then -{{ neg }}
            else raw_score - {{ baseline }}
        end as capped_score
    from overall

)

select
    invocation_id,
    run_started_at,
    model_unique_id,
    model_name,
    model_resource_type,
    tier,
    contract,
    owner,
    cast(case when capped_score < 0 then 0 when capped_score > 100 then 100 else capped_score end as {{ dbl }})
        as score,
    cast(raw_score as {{ dbl }}) as raw_score,
    {%- for dim in dims %}
    cast({% if exclude %}dim_{{ loop.index }}{% else %}coalesce(dim_{{ loop.index }}, 100.0){% endif %} as {{ dbl }})
        as {{ adapter.quote(dim ~ '_score') }},
    {%- endfor %}
    checks_total,
    checks_scored,
    checks_skipped,
    checks_passed,
    checks_failed,
    checks_errored,
    {{ cfg.formula_version | int }} as formula_version
from capped
