{#- on-run-end hook: register quarantined batches from dbt alone (e.g. dbt Cloud, no Python step).

      on-run-end:
        - "{{ dativo_dbt.record_results(results) }}"
        - "{{ dativo_dbt.register_quarantine(results) }}"

    Does what `dativo-dbt quarantine register` does, with the same tables, ids and columns (the two
    never register the same batch twice): for every model whose contract says
    `on_quality_violation: quarantine` (quarantine.enabled) and whose stored-failures tests failed or
    warned with failing rows, it copies each such test's failing rows into `<batch id>_<n>` in the
    registry schema and inserts one row into `dativo_quarantine_registry` plus a `register` row into
    `dativo_quarantine_audit` (both created on demand). Registry schema: var
    `dativo_dbt_quarantine_registry_schema`, else `<target schema>_dativo_quarantine`.
    Review, release and purge stay with the CLI (`dativo-dbt quarantine ...`). -#}

{% macro register_quarantine(results) %}
  {{- return(adapter.dispatch('register_quarantine', 'dativo_dbt')(results)) -}}
{% endmacro %}

{% macro default__register_quarantine(results) %}
  {%- if not execute or results is none -%}
    {{- return('') -}}
  {%- endif -%}
  {%- set batches = {} -%}
  {%- set order = [] -%}
  {%- for res in results if res.node is defined and res.node.resource_type == 'test' -%}
    {%- set node = res.node -%}
    {%- set model_uid = node.attached_node if node.attached_node is defined else none -%}
    {%- set test_meta = ((node.config.meta or {}).get('dativo')) or {} -%}
    {%- set model_meta = ((graph.nodes[model_uid].config.meta or {}).get('dativo')) or {} if model_uid in graph.nodes else {} -%}
    {%- if node.config.store_failures and test_meta and model_meta.get('on_quality_violation') == 'quarantine'
          and (model_meta.get('quarantine') or {}).get('enabled') -%}
      {#- per check: a batch node's checks (their own stored rows), else the test itself -#}
      {%- set items = [] -%}
      {%- if dativo_dbt.is_batched_result(res) -%}
        {%- for c in dativo_dbt.batched_check_results(res) if c.relation -%}
          {%- do items.append({'relation': c.relation, 'test': c.test_name, 'failures': c.failures, 'status': c.status, 'check': c.check or c.test_name}) -%}
        {%- endfor -%}
      {%- else -%}
        {%- do items.append({'relation': node.relation_name, 'test': node.name, 'failures': res.failures, 'status': (res.status.value if res.status.value is defined else res.status) | string | lower, 'check': test_meta.get('check') or node.name}) -%}
      {%- endif -%}
      {%- for item in items if item.status in ('fail', 'warn') and (item.failures or 0) > 0 and item.relation -%}
        {%- if model_uid not in batches -%}
          {%- do batches.update({model_uid: []}) -%}
          {%- do order.append(model_uid) -%}
        {%- endif -%}
        {%- do batches[model_uid].append(item) -%}
      {%- endfor -%}
    {%- endif -%}
  {%- endfor -%}
  {%- if order | length == 0 -%}
    {{- return('') -}}
  {%- endif -%}

  {%- set schema = var('dativo_dbt_quarantine_registry_schema', target.schema ~ '_dativo_quarantine') -%}
  {%- set q_schema = adapter.quote(schema) -%}
  {%- set registry = q_schema ~ '.' ~ adapter.quote('dativo_quarantine_registry') -%}
  {%- set audit = q_schema ~ '.' ~ adapter.quote('dativo_quarantine_audit') -%}
  {%- do dativo_dbt._quarantine_create(q_schema, registry, audit) -%}
  {%- set now = dativo_dbt.quarantine_utc_now() -%}

  {%- for model_uid in order -%}
    {%- set model = graph.nodes[model_uid] -%}
    {%- set model_meta = model.config.meta.dativo -%}
    {%- set batch_id = 'qb_' ~ local_md5(invocation_id ~ ':' ~ model_uid)[:12] -%}
    {%- set exists = run_query('select count(*) from ' ~ registry ~ ' where id = ' ~ dativo_dbt.sql_string(batch_id)) -%}
    {%- if exists.columns[0].values()[0] | int == 0 -%}
      {%- set checks = [] -%}
      {%- set relations = [] -%}
      {%- set total = namespace(n=0) -%}
      {%- for item in batches[model_uid] -%}
        {%- set copy_name = batch_id ~ '_' ~ loop.index -%}
        {%- do run_query('create table ' ~ q_schema ~ '.' ~ adapter.quote(copy_name) ~ ' as select * from ' ~ item.relation) -%}
        {%- do relations.append(schema ~ '.' ~ copy_name) -%}
        {%- do checks.append({'check': item.check, 'test': item.test, 'status': item.status,
                              'failures': item.failures, 'source_relation': item.relation,
                              'relation': schema ~ '.' ~ copy_name}) -%}
        {%- set total.n = total.n + (item.failures | int) -%}
      {%- endfor -%}
      {%- set version = model_meta.get('contract_version') -%}
      {%- set retention = (model_meta.get('quarantine') or {}).get('retention_days') or 30 -%}
      {%- do run_query(
        'insert into ' ~ registry ~ ' (' ~ dativo_dbt._quarantine_registry_column_names() ~ ') values ('
        ~ dativo_dbt.sql_string(batch_id) ~ ', '
        ~ dativo_dbt.sql_string(model_meta.get('contract') or model.name) ~ ', '
        ~ dativo_dbt.sql_string(version | string if version is not none else none) ~ ', '
        ~ dativo_dbt.sql_string(model.name) ~ ', '
        ~ dativo_dbt.sql_string(model_uid) ~ ', '
        ~ dativo_dbt.sql_string(model.relation_name) ~ ', '
        ~ dativo_dbt.sql_string(tojson(checks)) ~ ', '
        ~ dativo_dbt.sql_string(tojson(relations)) ~ ', '
        ~ total.n ~ ', '
        ~ dativo_dbt.sql_string(invocation_id) ~ ', '
        ~ now ~ ', '
        ~ dbt.dateadd('day', retention | int, now) ~ ', '
        ~ "'quarantined', NULL, NULL, " ~ now ~ ')'
      ) -%}
      {%- do run_query(
        'insert into ' ~ audit ~ ' (' ~ dativo_dbt._quarantine_audit_column_names() ~ ')'
        ~ ' select coalesce(max(seq), 0) + 1, ' ~ dativo_dbt.sql_string(batch_id) ~ ', ' ~ now
        ~ ", 'register', NULL, 'quarantined', 'dbt on-run-end', "
        ~ dativo_dbt.sql_string(checks | length ~ ' check(s)') ~ ' from ' ~ audit
      ) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- do dativo_dbt._quarantine_commit() -%}
  {{- return('') -}}
{% endmacro %}

{#- DuckDB keeps the hook's statements in an open transaction: commit it. dbt-postgres runs them
    without one (committing there fails with "does not have one open"). -#}
{% macro _quarantine_commit() %}
  {{- return(adapter.dispatch('_quarantine_commit', 'dativo_dbt')()) -}}
{% endmacro %}

{% macro default___quarantine_commit() %}
  {%- do adapter.commit() -%}
{% endmacro %}

{% macro postgres___quarantine_commit() %}
{% endmacro %}

{#- Creates the registry schema and tables when missing (dispatched: Spark runs one statement per
    call and has other types). -#}
{% macro _quarantine_create(q_schema, registry, audit) %}
  {{- return(adapter.dispatch('_quarantine_create', 'dativo_dbt')(q_schema, registry, audit)) -}}
{% endmacro %}

{% macro default___quarantine_create(q_schema, registry, audit) %}
  {%- do run_query(dativo_dbt._quarantine_ddl(q_schema, registry, audit)) -%}
{% endmacro %}

{#- The registry and audit tables: the columns of dativo_dbt/quarantine/tables.py
    (registry_columns.sql is generated from them). -#}
{% macro _quarantine_ddl(q_schema, registry, audit) %}
create schema if not exists {{ q_schema }};
create table if not exists {{ registry }} ({{ dativo_dbt._quarantine_registry_columns() }});
create table if not exists {{ audit }} ({{ dativo_dbt._quarantine_audit_columns() }})
{% endmacro %}

{#- The current UTC time as a timestamp without time zone (as the Python side stores it). -#}
{% macro quarantine_utc_now() %}
  {{- return(adapter.dispatch('quarantine_utc_now', 'dativo_dbt')()) -}}
{% endmacro %}

{% macro default__quarantine_utc_now() %}
  {{- return("cast(current_timestamp as timestamp)") -}}
{% endmacro %}

{% macro postgres__quarantine_utc_now() %}
  {{- return("(now() at time zone 'utc')") -}}
{% endmacro %}

{% macro duckdb__quarantine_utc_now() %}
  {{- return("cast(timezone('UTC', current_timestamp) as timestamp)") -}}
{% endmacro %}
