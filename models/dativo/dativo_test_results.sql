{#- History: every recorded test result of every invocation (the hook's append-only table), with
    the effective scoring fields resolved from var('dativo_dbt_scoring'):
    scoring_dimension (meta.dativo.dimension, else the default by test type; uniqueness counts as
    consistency unless dimension_weights has a uniqueness key), effective_severity (meta.dativo
    severity, else dbt severity error -> critical, warn -> warning), effective_weight (meta.dativo
    weight, else the severity weight), is_scored (pass/fail/warn/error) and passed (status = pass).
    A view, so it is current right after the run's on-run-end hook. -#}
{{ config(materialized='view', enabled=var('dativo_dbt_enabled', false) | as_bool, schema=var('dativo_dbt_schema', 'dativo'), pre_hook="{{ dativo_dbt.prepare_results_table() }}") }}
{%- set cfg = dativo_dbt.scoring_config() -%}
{%- set sev = cfg.severity_weights -%}
{%- set default_weight = sev.get('warning', 1.0) -%}

with runs as (

    select * from {{ dativo_dbt.results_relation() }}
    -- rows of nodes that did not build, without a test (record_results.sql): not checks
    where test_type is null or test_type <> 'dativo_model_build'

),

resolved as (

    select
        runs.*,
        lower(coalesce(runs.dimension, runs.default_dimension, 'validity')) as resolved_dimension,
        lower(coalesce(
            runs.severity,
            case lower(runs.dbt_severity) when 'warn' then 'warning' else 'critical' end
        )) as resolved_severity
    from runs

)

select
    resolved.*,
    case
        when resolved_dimension = 'uniqueness'
            then '{{ "uniqueness" if "uniqueness" in cfg.dimension_weights else "consistency" }}'
        else resolved_dimension
    end as scoring_dimension,
    case resolved_severity when 'error' then 'critical' when 'warn' then 'warning' else resolved_severity end
        as effective_severity,
    cast(coalesce(
        weight,
        case resolved_severity
            when 'error' then {{ dativo_dbt._num(sev.get('critical', 3.0)) }}
            when 'warn' then {{ dativo_dbt._num(default_weight) }}
        {%- for name, value in sev.items() %}
            when {{ dativo_dbt.sql_string(name | lower) }} then {{ dativo_dbt._num(value) }}
        {%- endfor %}
            else {{ dativo_dbt._num(default_weight) }}
        end
    ) as {{ dativo_dbt.type_double() }}) as effective_weight,
    case when status in ('pass', 'fail', 'warn', 'error') then 1 else 0 end as is_scored,
    case when status = 'pass' then 1 else 0 end as passed
from resolved
