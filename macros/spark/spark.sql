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
    primary key (ids are unique by construction: qb_ + md5 of invocation and model); the columns
    are generated from dativo_dbt/quarantine/tables.py (macros/quarantine/registry_columns.sql). -#}
{% macro spark___quarantine_create(q_schema, registry, audit) %}
  {%- do run_query('create schema if not exists ' ~ q_schema) -%}
  {%- do run_query('create table if not exists ' ~ registry ~ ' ('
        ~ dativo_dbt._quarantine_registry_columns(spark=true) ~ ')') -%}
  {%- do run_query('create table if not exists ' ~ audit ~ ' ('
        ~ dativo_dbt._quarantine_audit_columns(spark=true) ~ ')') -%}
{% endmacro %}

{#- No transactions on Spark: every statement is final when it returns. -#}
{% macro spark___quarantine_commit() %}
{% endmacro %}

{#- The current UTC time as a timestamp (as the Python side stores it). -#}
{% macro spark__quarantine_utc_now() %}
  {{- return("to_utc_timestamp(current_timestamp(), current_timezone())") -}}
{% endmacro %}
