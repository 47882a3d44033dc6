{#- Gate verdict of every scored model of the latest invocation (as `dativo-dbt score` decides it):
    tier from the model's meta.dativo.tier; rules from var('dativo_dbt_gates') and
    var('dativo_dbt_thresholds') (see scoring_config.sql). Error-level violations, any of which fails
    the gate: score below the effective min_score (max of thresholds.min_score and the tier's
    min_score; DQ102), column test coverage below the tier's min_test_coverage (documented columns
    with >= 1 test over the model's documented columns; DQ103), a required test type missing (a test
    whose type or meta.dativo.check_type matches, or `dimension:<name>`; DQ104), a test on a column
    the model does not document (DQ105), a test that errored with a timeout message (DQ106), the
    model did not build in that invocation or in a later one without tests such as `dbt run` (its
    recorded model_status is error, skipped, partial success or runtime error, e.g. an enforced
    model contract failed; DQ108). A score
    below warn_score is reported (score_warning) only. -#}
{{ config(materialized='view', enabled=var('dativo_dbt_enabled', false) | as_bool, schema=var('dativo_dbt_schema', 'dativo')) }}
{%- set gates = dativo_dbt.gate_config() -%}
{%- set th = dativo_dbt.threshold_config() -%}
{%- set synonyms = dativo_dbt.required_test_synonyms() -%}
{%- set required = [] -%}
{%- for tier, rule in gates.items() -%}
  {%- for name in rule.get('required_tests') or [] -%}
    {%- if name not in required -%}{%- do required.append(name) -%}{%- endif -%}
  {%- endfor -%}
{%- endfor -%}
{%- set dbl = dativo_dbt.type_double() -%}

with scores as (

    select * from {{ ref('dativo_model_scores') }}

),

tests as (

    select
        results.model_unique_id,
        count(distinct case when results.column_documented then lower(results.column_name) end) as tested_columns,
        max(case when results.column_documented = false then 1 else 0 end) as has_unknown_column,
        max(case when results.status = 'error' and (
            {%- for pattern in ['timeout', 'timedout', 'time out', 'time-out', 'timed out', 'timed-out', 'canceling statement', 'query was cancel'] %}
            lower(results.message) like '%{{ pattern }}%'{{ ' or' if not loop.last }}
            {%- endfor %}
        ) then 1 else 0 end) as has_timeout,
        max(case when lower(results.model_status) in ('error', 'skipped', 'partial success', 'runtime error')
            then 1 else 0 end) as not_built,
        max(results.model_column_count) as column_count
        {%- for name in required %},
        max(case
            {%- if name.startswith('dimension:') %}
            when results.resolved_dimension = {{ dativo_dbt.sql_string(name.split(':', 1)[1] | lower) }} then 1
            {%- else %}
            {%- for alias in synonyms.get(name, [name]) %}
            when results.test_type = {{ dativo_dbt.sql_string(alias) }} or results.check_type = {{ dativo_dbt.sql_string(alias) }} then 1
            {%- endfor %}
            {%- endif %}
            else 0 end) as has_required_{{ loop.index }}
        {%- endfor %}
    from {{ ref('dativo_test_results') }} as results
    inner join (select distinct invocation_id from scores) as latest
        on results.invocation_id = latest.invocation_id
    group by results.model_unique_id

),

builds as (

    -- nodes that did not build in a later invocation without tests (e.g. `dbt run`)
    select
        runs.model_unique_id,
        max(case when lower(runs.status) in ('error', 'skipped', 'partial success', 'runtime error')
            then 1 else 0 end) as not_built
    from {{ dativo_dbt.results_relation() }} as runs
    where runs.test_type = 'dativo_model_build'
        and runs.run_started_at >= (select max(run_started_at) from scores)
    group by runs.model_unique_id

),

measured as (

    select
        scores.model_unique_id,
        scores.model_name,
        case when lower(scores.tier) in ('bronze', 'silver', 'gold') then lower(scores.tier) end as tier,
        scores.score,
        tests.tested_columns,
        tests.column_count,
        case when tests.column_count > 0 then 100.0 * tests.tested_columns / tests.column_count end
            as test_coverage,
        coalesce(tests.has_unknown_column, 0) as has_unknown_column,
        coalesce(tests.has_timeout, 0) as has_timeout,
        case when coalesce(tests.not_built, 0) + coalesce(builds.not_built, 0) > 0 then 1 else 0 end
            as not_built,
        case lower(scores.tier)
        {%- for tier, rule in gates.items() %}
            when {{ dativo_dbt.sql_string(tier) }} then {{ dativo_dbt._num([th.min_score, rule.get('min_score') if rule.get('min_score') is not none else th.min_score] | max) }}
        {%- endfor %}
            else {{ dativo_dbt._num(th.min_score) }}
        end as min_score,
        case lower(scores.tier)
        {%- for tier, rule in gates.items() %}
            when {{ dativo_dbt.sql_string(tier) }} then {{ dativo_dbt._num(rule.get('min_test_coverage') or 0) }}
        {%- endfor %}
            else 0
        end as min_test_coverage,
        trim(
            ''
            {%- for tier, rule in gates.items() %}
            {%- for name in rule.get('required_tests') or [] %}
            || case when lower(scores.tier) = {{ dativo_dbt.sql_string(tier) }} and coalesce(tests.has_required_{{ required.index(name) + 1 }}, 0) = 0
                then {{ dativo_dbt.sql_string(name ~ ' ') }} else '' end
            {%- endfor %}
            {%- endfor %}
        ) as missing_tests
    from scores
    left join tests on scores.model_unique_id = tests.model_unique_id
    left join builds on scores.model_unique_id = builds.model_unique_id

),

verdicts as (

    select
        measured.*,
        case when score is not null and score < min_score then 1 else 0 end as score_violation,
        case
            when min_test_coverage > 0 and test_coverage is null then 1
            when min_test_coverage > 0 and test_coverage + 0.000000001 < min_test_coverage then 1
            else 0
        end as coverage_violation,
        case when missing_tests <> '' then 1 else 0 end as required_tests_violation,
        case when column_count > 0 and has_unknown_column = 1 then 1 else 0 end as unknown_column_violation,
        has_timeout as timeout_violation,
        not_built as build_violation,
        case when score is not null and score >= min_score and score < {{ dativo_dbt._num(th.warn_score) }} then 1 else 0 end
            as score_warning
    from measured

)

select
    model_unique_id,
    model_name,
    tier,
    score,
    cast(test_coverage as {{ dbl }}) as test_coverage,
    tested_columns,
    column_count,
    cast(min_score as {{ dbl }}) as min_score,
    cast(min_test_coverage as {{ dbl }}) as min_test_coverage,
    missing_tests,
    score_violation,
    coverage_violation,
    required_tests_violation,
    unknown_column_violation,
    timeout_violation,
    build_violation,
    score_warning,
    case
        when score_violation + coverage_violation + required_tests_violation + unknown_column_violation
            + timeout_violation + build_violation = 0 then true
        else false
    end as gate_passed
from verdicts
