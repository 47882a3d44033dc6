{#- Per-check outcomes of a batched test result, for the on-run-end hook (the dbt-only path), the
    same as dativo_dbt.artifacts.batches.expand_batch() on the Python side.

    is_batched_result(res)   true when `res` (an item of on-run-end `results`) is a batch node
    batched_check_results(res) -> one dict per check of the batch:
        {test_name, check, test_type, namespace, status (pass|fail|warn|error|skipped),
         failures (int or none), relation (its stored failing rows, or none), dbt_severity, meta}
    where meta is the check's own meta.dativo (contract, check, dimension, severity, weight, ...)
    and test_type / namespace the generic test its per-check test runs (e.g. `unique`,
    `expect_column_values_to_be_unique` in `dbt_expectations`).
-#}

{% macro is_batched_result(res) -%}
    {%- set tm = res.node.test_metadata if res.node.test_metadata is defined else none -%}
    {{- return(tm is not none and tm.name == 'batched_checks' and tm.namespace == 'dativo_dbt') -}}
{%- endmacro %}

{% macro batched_check_results(res) -%}
    {%- set node = res.node -%}
    {%- set meta = ((node.config.meta or {}).get('dativo') or {}) -%}
    {#- a check's dbt severity: its entry's dbt_severity (one node holds error and warn checks),
        else the node's (batches written before that) -#}
    {%- set severity = (node.config.severity or 'error') | lower -%}
    {%- set status = res.status | string | lower -%}
    {%- set status = status.split('.')[-1] -%}
    {%- set code = node.compiled_code if node.compiled_code is defined and node.compiled_code else '' -%}
    {%- set found = modules.re.search('/\\* dativo_batched_results (\\{.*?\\}) \\*/', code, modules.re.DOTALL) -%}
    {%- set payload = fromjson(found.group(1)) if found else {} -%}
    {%- set counts = (payload.get('failures') or {}) if found else none -%}
    {%- set relations = payload.get('relations') or {} -%}
    {%- set out = [] -%}
    {%- set batch = meta.get('batch') or [] -%}
    {#- the generator writes the list as JSON text (dbt compiles a test's config on every run) -#}
    {%- set batch = fromjson(batch) if batch is string else batch -%}
    {%- for entry in batch -%}
        {%- set per_meta = {} -%}
        {%- for key, value in entry.items() if key not in ['test_name', 'dbt_severity', 'test', 'column_name'] -%}
            {%- do per_meta.update({key: value}) -%}
        {%- endfor -%}
        {%- set check_severity = (entry.get('dbt_severity') or severity) | lower -%}
        {%- if status in ['error', 'skipped'] or counts is none or entry.test_name not in counts -%}
            {%- set row = {'status': status if status in ['error', 'skipped'] else 'error', 'failures': none} -%}
        {%- else -%}
            {%- set n = counts[entry.test_name] | int -%}
            {%- set row = {'status': 'pass' if n == 0 else ('fail' if check_severity == 'error' else 'warn'), 'failures': n} -%}
        {%- endif -%}
        {%- set test = (entry.get('test') or '') | string -%}
        {%- set test_type = test.split('.')[-1] if test else (per_meta.get('check_type') or 'batched_check') -%}
        {%- set namespace = test.split('.')[0] if '.' in test else none -%}
        {%- do row.update({'test_name': entry.test_name, 'check': entry.check, 'meta': per_meta,
                           'test_type': test_type, 'namespace': namespace,
                           'column': per_meta.get('column') or entry.get('column_name'),
                           'relation': relations.get(entry.test_name), 'dbt_severity': check_severity}) -%}
        {%- do out.append(row) -%}
    {%- endfor -%}
    {{- return(out) -}}
{%- endmacro %}
