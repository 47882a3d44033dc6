{#- on-run-end hook:  on-run-end: "{{ dativo_dbt.record_results(results) }}"

    Appends one row per test result of this invocation (dbt build / dbt test / dbt retry) to the
    results table (see results_table.sql); a batched_checks node (batched execution) gives one row
    per check of its batch, as its per-check test would (unique_id test.<package>.<test>.batched). Does nothing at all (no query, no DDL) when no test ran.
    Failed, erroring and skipped tests are recorded like passing ones (skipped ones are not scored).
    Fail closed (as scoring/build_state.py): a test dbt skipped because the node it tests did not
    build in this invocation (model result error, skipped, partial success, runtime error; e.g. an
    enforced model contract failed) is recorded as `error` with the message "not run: model ...
    did not build"; `model_status` keeps that node's own status in this invocation (NULL when it
    was not built here), and dativo_gate_verdicts fails such a model with DATIVO-DQ108.
    Rows are written by the dispatched insert_results macro (insert_results.sql): one statement per
    chunk of var('dativo_dbt_insert_batch_size', 500) rows, every value rendered as a literal there.
    The statements run while the hook renders, so the hook's own SQL is empty.

    Speed: a dbt macro call costs about a millisecond, so the per-test work is one inline loop here
    (no macro call per test or per value); 2,000 tests take well under a second to render. -#}

{% macro record_results(results) %}
  {{- return(adapter.dispatch('record_results', 'dativo_dbt')(results)) -}}
{% endmacro %}

{% macro default__record_results(results) %}
  {%- if not execute or results is none -%}
    {{- return('') -}}
  {%- endif -%}
  {%- set tests = [] -%}
  {%- set built = {} -%}
  {%- for res in results if res.node is defined -%}
    {%- if res.node.resource_type == 'test' -%}
      {%- do tests.append(res) -%}
    {%- elif res.node.resource_type in ['model', 'seed', 'snapshot'] -%}
      {%- do built.update({res.node.unique_id: res}) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- set rows = dativo_dbt._result_rows(tests, built) -%}
  {%- set tested = [] -%}
  {%- for row in rows -%}
    {%- do tested.append(row[4]) -%}
  {%- endfor -%}
  {%- do rows.extend(dativo_dbt._build_rows(built, tested)) -%}
  {%- if rows | length == 0 -%}
    {{- return('') -}}
  {%- endif -%}
  {%- set relation = dativo_dbt.ensure_results_table() -%}
  {%- do adapter.dispatch('insert_results', 'dativo_dbt')(relation, rows) -%}
  {%- do adapter.commit() -%}
  {{- return('') -}}
{% endmacro %}

{#- One row per node that did not build in this invocation and has no test row here (e.g. a model
    that errored in `dbt run`): test_type `dativo_model_build`, test_unique_id
    `dativo_model_build.<node unique_id>`, the node's status in `status` and `model_status`.
    dativo_test_results leaves these rows out; dativo_gate_verdicts reads them (DQ108). -#}
{% macro _build_rows(built, tested) %}
  {%- set rows = [] -%}
  {%- for uid, res in built.items() if uid not in tested -%}
    {%- set status = ((res.status.value if res.status.value is defined else res.status) | string | lower) -%}
    {%- if status in ['error', 'skipped', 'partial success', 'runtime error'] -%}
      {%- set node = dativo_dbt._tested_node_info(uid) -%}
      {%- do rows.append([
          'dativo_model_build.' ~ uid, node.name, 'dativo_model_build', 'dativo_dbt',
          uid, node.name, node.resource_type, none, none, status, none,
          res.execution_time if res.execution_time is number else none,
          none if res.message is none else (res.message | string)[:4000],
          none, none, none, none, none, none, none, none, none, none,
          none if node.tier is none else node.tier | string,
          none if node.contract is none else node.contract | string,
          none if node.owner is none else node.owner | string,
          node.column_count, status,
      ]) -%}
    {%- endif -%}
  {%- endfor -%}
  {{- return(rows) -}}
{% endmacro %}

{#- The node a test belongs to (attached_node, else its first model/seed/snapshot/source parent)
    and what the row records about it. -#}
{% macro _tested_node_info(uid) %}
  {%- if uid is none -%}
    {{- return({'unique_id': none, 'name': none, 'resource_type': none, 'tier': none, 'contract': none, 'owner': none, 'columns': [], 'column_count': none}) -}}
  {%- endif -%}
  {%- set node = graph.sources.get(uid) if uid.startswith('source.') else graph.nodes.get(uid) -%}
  {%- if node is none -%}
    {{- return({'unique_id': uid, 'name': uid.split('.')[-1], 'resource_type': uid.split('.')[0], 'tier': none, 'contract': none, 'owner': none, 'columns': [], 'column_count': none}) -}}
  {%- endif -%}
  {%- set config_meta = (node.get('config') or {}).get('meta') or {} -%}
  {%- set dativo = config_meta.get('dativo') or (node.get('meta') or {}).get('dativo') or {} -%}
  {%- if dativo is not mapping -%}
    {%- set dativo = {} -%}
  {%- endif -%}
  {%- set columns = [] -%}
  {%- for col in (node.get('columns') or {}).keys() -%}
    {%- do columns.append(col | replace('"', '') | lower) -%}
  {%- endfor -%}
  {{- return({
      'unique_id': uid,
      'name': node.get('name'),
      'resource_type': node.get('resource_type'),
      'tier': dativo.get('tier'),
      'contract': dativo.get('contract'),
      'owner': dativo.get('owner'),
      'columns': columns,
      'column_count': columns | length,
  }) -}}
{% endmacro %}

{#- One list of values per test result (per check for a batch node), in results_columns() order from test_unique_id on (the
    first six columns, the same for every row, are added by insert_results). Python values:
    str, int, float, bool or None. -#}
{% macro _result_rows(tests, built=none) %}
  {%- set built = built or {} -%}
  {%- set dimensions = {} -%}
  {%- set models = {} -%}
  {%- set rows = [] -%}
  {%- set number_re = modules.re.compile('[-+]?[0-9]+([.][0-9]+)?') -%}
  {%- for res in tests -%}
    {%- set node = res.node -%}
    {%- set config = node.config -%}
    {%- set meta = config.meta or {} -%}
    {%- set dativo = meta.get('dativo') or (node.meta or {}).get('dativo') or {} -%}
    {%- if dativo is not mapping -%}
      {%- set dativo = {} -%}
    {%- endif -%}
    {%- set tm = node.test_metadata if node.test_metadata is defined and node.test_metadata else none -%}
    {%- set test_type = tm.name if tm is not none else 'singular' -%}
    {%- set test_namespace = tm.namespace if tm is not none else none -%}
    {%- if test_type == 'quarantine_rows' and dativo.get('replaces') -%}
      {#- a per-check quarantine test stands for this generic test (generate/quarantine.py), as
          scoring/checks.py reads it: its type and package -#}
      {%- set replaces = (dativo.get('replaces') | string).split('.') -%}
      {%- set test_type = replaces[-1] -%}
      {%- set test_namespace = replaces[0] if replaces | length > 1 else none -%}
    {%- endif -%}
    {%- if test_type not in dimensions -%}
      {%- do dimensions.update({test_type: dativo_dbt.default_dimension(test_type if tm is not none else none)}) -%}
    {%- endif -%}
    {#- the tested node -#}
    {%- set found = namespace(uid=node.attached_node if node.attached_node is defined and node.attached_node else none) -%}
    {%- if found.uid is none -%}
      {%- for dep in node.depends_on.nodes if found.uid is none and dep.split('.')[0] in ['model', 'seed', 'snapshot', 'source'] -%}
        {%- set found.uid = dep -%}
      {%- endfor -%}
    {%- endif -%}
    {%- if found.uid not in models -%}
      {%- do models.update({found.uid: dativo_dbt._tested_node_info(found.uid)}) -%}
    {%- endif -%}
    {%- set tested = models[found.uid] -%}
    {#- column: meta.dativo.column, else the test's column, else its column_name argument -#}
    {#- one part per recorded row: the test itself, or each check of a batch node (meta.dativo.batch,
        see macros/batched/batched_results.sql), as dativo_dbt.artifacts.batches.expand_batch
        expands it: unique_id test.<package>.<test name>.batched, the test type and namespace of
        the check's per-check test, the check's own meta, the batch's time shared equally. -#}
    {%- set status = res.status.value if res.status.value is defined else res.status -%}
    {%- set parts = [] -%}
    {%- if tm is not none and tm.name == 'batched_checks' and tm.namespace == 'dativo_dbt' -%}
      {%- set checks = dativo_dbt.batched_check_results(res) -%}
      {%- set share = (res.execution_time / ([checks | length, 1] | max)) if res.execution_time is number else none -%}
      {%- for item in checks -%}
        {%- if item.test_type not in dimensions -%}
          {%- do dimensions.update({item.test_type: dativo_dbt.default_dimension(item.test_type)}) -%}
        {%- endif -%}
        {%- set check_meta = item.meta if item.meta is mapping else {} -%}
        {%- if item.status in ['fail', 'warn'] -%}
          {%- set check_message = 'Got ' ~ item.failures ~ ' results (batched in ' ~ node.unique_id ~ ')' -%}
        {%- elif item.status == 'pass' -%}
          {%- set check_message = none -%}
        {%- else -%}
          {%- set check_message = res.message -%}
        {%- endif -%}
        {%- do parts.append({
            'unique_id': 'test.' ~ node.package_name ~ '.' ~ item.test_name ~ '.batched',
            'name': item.test_name,
            'test_type': item.test_type,
            'namespace': item.namespace,
            'column': item.column,
            'status': item.status,
            'failures': 0 if item.status == 'pass' else item.failures,
            'execution_time': share,
            'message': check_message,
            'dativo': check_meta,
            'check': check_meta.get('check') or item.check or item.test_name,
            'default_dimension': dimensions[item.test_type],
            'dbt_severity': item.dbt_severity,
        }) -%}
      {%- endfor -%}
    {%- else -%}
      {#- column: meta.dativo.column, else the test's column, else its column_name argument -#}
      {%- set column = dativo.get('column') or (node.column_name if node.column_name is defined and node.column_name else none) -%}
      {%- if column is none and tm is not none and tm.kwargs is defined and tm.kwargs -%}
        {%- set column = tm.kwargs.get('column_name') -%}
      {%- endif -%}
      {%- do parts.append({
          'unique_id': node.unique_id,
          'name': node.name,
          'test_type': test_type,
          'namespace': test_namespace,
          'column': column,
          'status': status,
          'failures': res.failures,
          'execution_time': res.execution_time,
          'message': res.message,
          'dativo': dativo,
          'check': dativo.get('check'),
          'default_dimension': dimensions[test_type],
          'dbt_severity': config.severity | lower if config.severity else none,
      }) -%}
    {%- endif -%}
    {#- the tested node's own result in this invocation: did it build? -#}
    {%- set build = built.get(tested.unique_id) if tested.unique_id is not none else none -%}
    {%- set model_status = none -%}
    {%- if build is not none -%}
      {%- set model_status = ((build.status.value if build.status.value is defined else build.status) | string | lower) -%}
    {%- endif -%}
    {%- set not_built = model_status in ['error', 'skipped', 'partial success', 'runtime error'] -%}
    {%- for part in parts -%}
    {%- set dativo = part.dativo -%}
    {%- set column = none if part.column is none else (part.column | string) -%}
    {%- set message = part.message -%}
    {%- set status = part.status | string | lower -%}
    {%- if not_built and status == 'skipped' -%}
      {%- set status = 'error' -%}
      {%- set message = 'not run: model ' ~ tested.name ~ ' did not build (dbt status ' ~ model_status ~ ')' -%}
    {%- endif -%}
    {%- if message is not none -%}
      {%- set message = (message | string)[:4000] -%}
    {%- endif -%}
    {#- weight: a number (or a numeric string) -> float, anything else -> NULL -#}
    {%- set weight = dativo.get('weight') -%}
    {%- if weight is boolean -%}
      {%- set weight = none -%}
    {%- elif weight is string -%}
      {%- set weight = (weight.strip() | float) if number_re.fullmatch(weight.strip()) else none -%}
    {%- elif weight is number -%}
      {%- set weight = weight | float -%}
    {%- else -%}
      {%- set weight = none -%}
    {%- endif -%}
    {%- do rows.append([
        part.unique_id,
        part.name,
        part.test_type,
        part.namespace,
        tested.unique_id,
        tested.name,
        tested.resource_type,
        column,
        none if column is none else ((column | replace('"', '') | lower) in tested.columns),
        status,
        part.failures if (part.failures is number and part.failures is not boolean) else none,
        part.execution_time if part.execution_time is number else none,
        message,
        part.dbt_severity,
        none if dativo.get('contract') is none else dativo.get('contract') | string,
        none if dativo.get('contract_version') is none else dativo.get('contract_version') | string,
        none if part.check is none else part.check | string,
        none if dativo.get('check_type') is none else dativo.get('check_type') | string,
        none if dativo.get('origin') is none else dativo.get('origin') | string,
        dativo.get('dimension') | string | lower if dativo.get('dimension') else none,
        dativo.get('severity') | string | lower if dativo.get('severity') else none,
        weight,
        part.default_dimension,
        none if tested.tier is none else tested.tier | string,
        none if tested.contract is none else tested.contract | string,
        none if tested.owner is none else tested.owner | string,
        tested.column_count,
        model_status,
    ]) -%}
    {%- endfor -%}
  {%- endfor -%}
  {{- return(rows) -}}
{% endmacro %}
