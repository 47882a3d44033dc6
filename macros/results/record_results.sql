{#- on-run-end hook:  on-run-end: "{{ dativo_dbt.record_results(results) }}"

    Appends one row per test result of this invocation (dbt build / dbt test) to the results table
    (see results_table.sql). Does nothing at all (no query, no DDL) when no test ran. Rows go in
    multi-row INSERTs of var('dativo_dbt_insert_batch_size', 500) rows; every value is rendered by
    sql_string / sql_number / sql_timestamp. Failed, erroring and skipped tests are recorded like
    passing ones (skipped ones are not scored). The statements run while the hook renders, so the
    hook's own SQL is empty. -#}

{% macro record_results(results) %}
  {{- return(adapter.dispatch('record_results', 'dativo_dbt')(results)) -}}
{% endmacro %}

{% macro default__record_results(results) %}
  {%- if not execute or results is none -%}
    {{- return('') -}}
  {%- endif -%}
  {%- set tests = [] -%}
  {%- for res in results if res.node is defined and res.node.resource_type == 'test' -%}
    {%- do tests.append(res) -%}
  {%- endfor -%}
  {%- if tests | length == 0 -%}
    {{- return('') -}}
  {%- endif -%}
  {#- Resolved once: 2,000 tests x 33 values through adapter.dispatch would cost seconds. -#}
  {%- set sql_values = adapter.dispatch('sql_values', 'dativo_dbt') -%}
  {%- set prefix = [
      dativo_dbt.sql_string(invocation_id),
      dativo_dbt.sql_timestamp(run_started_at),
      dbt.current_timestamp(),
      dativo_dbt.sql_string(dbt_version),
      dativo_dbt.sql_string(project_name),
      dativo_dbt.sql_string(target.name),
  ] | join(', ') -%}
  {%- set dimension_cache = {} -%}
  {%- set model_cache = {} -%}
  {%- set rows = [] -%}
  {%- for res in tests -%}
    {%- do rows.append('(' ~ prefix ~ ', ' ~ sql_values(dativo_dbt._result_values(res, dimension_cache, model_cache)) ~ ')') -%}
  {%- endfor -%}
  {%- set relation = dativo_dbt.ensure_results_table() -%}
  {%- set names = [] -%}
  {%- for name, type in dativo_dbt.results_columns() -%}
    {%- do names.append(adapter.quote(name)) -%}
  {%- endfor -%}
  {%- set batch_size = var('dativo_dbt_insert_batch_size', 500) | int -%}
  {%- for chunk in rows | batch(batch_size if batch_size > 0 else 500) -%}
    {%- do run_query('insert into ' ~ relation ~ ' (' ~ names | join(', ') ~ ') values\n' ~ chunk | join(',\n')) -%}
  {%- endfor -%}
  {%- do adapter.commit() -%}
  {{- return('') -}}
{% endmacro %}

{#- The model (or source/seed/snapshot) a test belongs to: attached_node, else its first
    dependency (singular tests). Returns a dict with the fields the row needs. -#}
{% macro _tested_node(test_node, model_cache) %}
  {%- set found = namespace(uid=test_node.attached_node if test_node.attached_node is defined and test_node.attached_node else none) -%}
  {%- if found.uid is none -%}
    {%- for dep in test_node.depends_on.nodes if found.uid is none and dep.split('.')[0] in ['model', 'seed', 'snapshot', 'source'] -%}
      {%- set found.uid = dep -%}
    {%- endfor -%}
  {%- endif -%}
  {%- set uid = found.uid -%}
  {%- if uid is none -%}
    {{- return({'unique_id': none, 'name': none, 'resource_type': none, 'tier': none, 'contract': none, 'owner': none, 'columns': [], 'column_count': none}) -}}
  {%- endif -%}
  {%- if uid in model_cache -%}
    {{- return(model_cache[uid]) -}}
  {%- endif -%}
  {%- set node = graph.sources.get(uid) if uid.startswith('source.') else graph.nodes.get(uid) -%}
  {%- if node is none -%}
    {%- set info = {'unique_id': uid, 'name': uid.split('.')[-1], 'resource_type': uid.split('.')[0], 'tier': none, 'contract': none, 'owner': none, 'columns': [], 'column_count': none} -%}
  {%- else -%}
    {%- set config_meta = (node.get('config') or {}).get('meta') or {} -%}
    {%- set dativo = config_meta.get('dativo') or (node.get('meta') or {}).get('dativo') or {} -%}
    {%- set columns = [] -%}
    {%- for col in (node.get('columns') or {}).keys() -%}
      {%- do columns.append(col | replace('"', '') | lower) -%}
    {%- endfor -%}
    {%- set info = {
        'unique_id': uid,
        'name': node.get('name'),
        'resource_type': node.get('resource_type'),
        'tier': dativo.get('tier'),
        'contract': dativo.get('contract'),
        'owner': dativo.get('owner'),
        'columns': columns,
        'column_count': columns | length,
    } -%}
  {%- endif -%}
  {%- do model_cache.update({uid: info}) -%}
  {{- return(info) -}}
{% endmacro %}

{#- The values of one row after the constant prefix (invocation .. target_name), in
    results_columns() order, as (kind, value): s string, n number, b boolean. -#}
{% macro _result_values(res, dimension_cache, model_cache) %}
  {%- set node = res.node -%}
  {%- set config = node.config -%}
  {%- set meta = (config.meta or {}) if config.meta is defined else {} -%}
  {%- set dativo = meta.get('dativo') or ((node.meta or {}).get('dativo') if node.meta is defined else none) or {} -%}
  {%- if dativo is not mapping -%}
    {%- set dativo = {} -%}
  {%- endif -%}
  {%- set tm = node.test_metadata if node.test_metadata is defined and node.test_metadata else none -%}
  {%- set test_type = tm.name if tm is not none else 'singular' -%}
  {%- if test_type not in dimension_cache -%}
    {%- do dimension_cache.update({test_type: dativo_dbt.default_dimension(test_type if tm is not none else none)}) -%}
  {%- endif -%}
  {%- set tested = dativo_dbt._tested_node(node, model_cache) -%}
  {%- set column = dativo.get('column') or (node.column_name if node.column_name is defined and node.column_name else none) -%}
  {%- if column is none and tm is not none and tm.kwargs is defined and tm.kwargs -%}
    {%- set column = tm.kwargs.get('column_name') -%}
  {%- endif -%}
  {%- set status = res.status.value if res.status.value is defined else res.status -%}
  {%- set message = res.message -%}
  {%- if message is not none and message | length > 4000 -%}
    {%- set message = message[:4000] -%}
  {%- endif -%}
  {{- return([
      ('s', node.unique_id),
      ('s', node.name),
      ('s', test_type),
      ('s', tm.namespace if tm is not none else none),
      ('s', tested.unique_id),
      ('s', tested.name),
      ('s', tested.resource_type),
      ('s', column),
      ('b', none if column is none else ((column | string | replace('"', '') | lower) in tested.columns)),
      ('s', status | string | lower),
      ('n', res.failures if res.failures is number else none),
      ('n', res.execution_time),
      ('s', message),
      ('s', config.severity | lower if config.severity else none),
      ('s', dativo.get('contract')),
      ('s', dativo.get('contract_version')),
      ('s', dativo.get('check')),
      ('s', dativo.get('check_type')),
      ('s', dativo.get('origin')),
      ('s', dativo.get('dimension') | lower if dativo.get('dimension') else none),
      ('s', dativo.get('severity') | lower if dativo.get('severity') else none),
      ('n', dativo.get('weight')),
      ('s', dimension_cache[test_type]),
      ('s', tested.tier),
      ('s', tested.contract),
      ('s', tested.owner),
      ('n', tested.column_count),
  ]) -}}
{% endmacro %}
