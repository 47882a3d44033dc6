{#- The append-only table the on-run-end hook writes: one row per test result per invocation.
    Location: database = target.database, schema = var('dativo_dbt_results_schema') or
    "<target.schema>_<var('dativo_dbt_schema', 'dativo')>" (the schema dbt's default
    generate_schema_name gives the package's models), table = var('dativo_dbt_results_table',
    'dativo_test_runs'). -#}

{% macro results_schema() %}
  {%- set explicit = var('dativo_dbt_results_schema', none) -%}
  {%- if explicit -%}
    {{- return(explicit | string) -}}
  {%- endif -%}
  {{- return(target.schema ~ '_' ~ var('dativo_dbt_schema', 'dativo')) -}}
{% endmacro %}

{% macro results_relation() %}
  {{- return(adapter.dispatch('results_relation', 'dativo_dbt')()) -}}
{% endmacro %}

{% macro default__results_relation() %}
  {{- return(api.Relation.create(
        database=target.database,
        schema=dativo_dbt.results_schema(),
        identifier=var('dativo_dbt_results_table', 'dativo_test_runs'),
        type='table')) -}}
{% endmacro %}

{#- (name, type) of every column, in table order. New columns are only ever appended, and
    ensure_results_table adds the ones an older table lacks. -#}
{% macro results_columns() %}
  {%- set s = dbt.type_string() -%}
  {%- set ts = dbt.type_timestamp() -%}
  {%- set f = dativo_dbt.type_double() -%}
  {%- set i = dbt.type_int() -%}
  {%- set b = dbt.type_boolean() -%}
  {{- return([
    ('invocation_id', s),
    ('run_started_at', ts),
    ('recorded_at', ts),
    ('dbt_version', s),
    ('project_name', s),
    ('target_name', s),
    ('test_unique_id', s),
    ('test_name', s),
    ('test_type', s),
    ('test_namespace', s),
    ('model_unique_id', s),
    ('model_name', s),
    ('model_resource_type', s),
    ('column_name', s),
    ('column_documented', b),
    ('status', s),
    ('failures', i),
    ('execution_time', f),
    ('message', s),
    ('dbt_severity', s),
    ('contract', s),
    ('contract_version', s),
    ('check_name', s),
    ('check_type', s),
    ('origin', s),
    ('dimension', s),
    ('severity', s),
    ('weight', f),
    ('default_dimension', s),
    ('model_tier', s),
    ('model_contract', s),
    ('model_owner', s),
    ('model_column_count', i),
    ('model_status', s),
  ]) -}}
{% endmacro %}

{#- Creates the schema and table when missing and appends columns an older table lacks.
    Returns the relation. Called by the hook (only when there is something to write) and by the
    pre-hook of the dativo_test_results model. -#}
{% macro ensure_results_table() %}
  {{- return(adapter.dispatch('ensure_results_table', 'dativo_dbt')()) -}}
{% endmacro %}

{% macro default__ensure_results_table() %}
  {%- set relation = dativo_dbt.results_relation() -%}
  {%- if not execute -%}
    {{- return(relation) -}}
  {%- endif -%}
  {%- set existing = adapter.get_relation(database=relation.database, schema=relation.schema, identifier=relation.identifier) -%}
  {%- if existing is none -%}
    {%- do adapter.create_schema(relation) -%}
    {%- set cols = [] -%}
    {%- for name, type in dativo_dbt.results_columns() -%}
      {%- do cols.append(adapter.quote(name) ~ ' ' ~ type) -%}
    {%- endfor -%}
    {%- do dativo_dbt._execute_in_transaction('create table if not exists ' ~ relation ~ ' (' ~ cols | join(', ') ~ ')') -%}
  {%- else -%}
    {%- set have = [] -%}
    {%- for col in adapter.get_columns_in_relation(existing) -%}
      {%- do have.append(col.name | lower) -%}
    {%- endfor -%}
    {%- for name, type in dativo_dbt.results_columns() if name not in have -%}
      {%- do dativo_dbt._execute_in_transaction('alter table ' ~ relation ~ ' add column ' ~ adapter.quote(name) ~ ' ' ~ type) -%}
    {%- endfor -%}
  {%- endif -%}
  {{- return(relation) -}}
{% endmacro %}

{#- An 8-byte float on every adapter (dbt.type_float() is 4 bytes on DuckDB). -#}
{% macro type_double() %}
  {{- return(adapter.dispatch('type_double', 'dativo_dbt')()) -}}
{% endmacro %}

{% macro default__type_double() %}
  {{- return('double precision') -}}
{% endmacro %}

{#- Pre-hook form of ensure_results_table: its rendered SQL is empty. -#}
{% macro prepare_results_table() %}
  {%- do dativo_dbt.ensure_results_table() -%}
  {{- return('') -}}
{% endmacro %}
