{#- Spark (dbt-spark) versions of the package's adapter-specific SQL. Spark has no `database`
    level (a schema is a database), no `double precision`/`text` types, no primary keys, runs one
    statement per call and has no transactions. -#}

{% macro spark__results_relation() %}
  {{- return(api.Relation.create(
        schema=dativo_dbt.results_schema(),
        identifier=var('dativo_dbt_results_table', 'dativo_test_runs'),
        type='table')) -}}
{% endmacro %}

{% macro spark__type_double() %}
  {{- return('double') -}}
{% endmacro %}

{#- The quarantine registry (register_quarantine): one statement per run_query, Spark types, no
    primary key (ids are unique by construction: qb_ + md5 of invocation and model). -#}
{% macro spark___quarantine_create(q_schema, registry, audit) %}
  {%- do run_query('create schema if not exists ' ~ q_schema) -%}
  {%- do run_query('create table if not exists ' ~ registry ~ ' (
    id string not null, contract string not null, contract_version string, model string not null,
    model_unique_id string not null, source_relation string, checks string not null,
    failing_relations string not null, failure_count int not null, invocation_id string,
    quarantined_at timestamp not null, expires_at timestamp not null, status string not null,
    reviewer string, reviewed_at timestamp, updated_at timestamp)') -%}
  {%- do run_query('create table if not exists ' ~ audit ~ ' (
    seq int not null, batch_id string not null, event_at timestamp not null,
    action string not null, from_status string, to_status string not null, actor string,
    detail string)') -%}
{% endmacro %}

{#- No transactions on Spark: every statement is final when it returns. -#}
{% macro spark___quarantine_commit() %}
{% endmacro %}

{#- The current UTC time as a timestamp (as the Python side stores it). -#}
{% macro spark__quarantine_utc_now() %}
  {{- return("to_utc_timestamp(current_timestamp(), current_timezone())") -}}
{% endmacro %}
