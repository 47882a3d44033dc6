{#- The generic tests of batched execution.

    Mode `batched` (one node): test `dativo_dbt.batched_checks` evaluates every check of a batch in
    one query and returns one row per FAILING check (check_name, failures); dbt's `failures` is the
    number of failing checks. When dbt runs it (`dbt test`/`dbt build`/`dbt retry`), the query runs
    while the test is compiled and the test's compiled SQL becomes a literal of the failing checks,
    headed by a `/* dativo_batched_results {json} */` comment holding every check's count, so
    run_results.json (compiled_code) and the on-run-end hook (results[].node.compiled_code) carry
    every check's failure count; dativo_dbt.generate.batched.expand_batched_results() turns it back
    into per-check outcomes. Failing-row samples (quarantine) are written only for checks that failed.
    Under other commands (compile, docs, show) the test compiles to the plain one-pass query.

    Mode `batched-metrics` (per-check nodes): model `dativo_metrics__<model>` (a table, one row per
    check) is computed in one pass, and each check keeps its own node, test `dativo_dbt.batched_metric`,
    which reads its row (fail_calc sums the failures, so run_results shows the per-check count).
-#}

{% test batched_checks(model, checks) %}
    {{ adapter.dispatch('test_batched_checks', 'dativo_dbt')(model, checks) }}
{% endtest %}

{% macro default__test_batched_checks(model, checks) -%}
{%- set names = dativo_dbt._batched_names(checks) -%}
{%- set metrics_sql = dativo_dbt.batched_metrics_sql(model, checks, names) -%}
{%- if execute and (flags.WHICH | default('')) in ['test', 'build', 'retry'] -%}
    {%- set table = run_query(metrics_sql) -%}
    {%- set failures = {} -%}
    {%- for row in table.rows -%}
        {%- do failures.update({row[0]: (row[1] | int)}) -%}
    {%- endfor -%}
    {%- for check in checks if check.get('sample') -%}
        {%- do dativo_dbt.batched_write_sample(model, check, failures.get(names[loop.index0], 0) > 0) -%}
    {%- endfor -%}
    {{ dativo_dbt.batched_results_select(names, failures) }}
{%- else -%}
select check_name, failures from (
{{ metrics_sql }}
) dativo_batched_all
where failures > 0
{%- endif -%}
{%- endmacro %}

{#- The literal result table of a batch (one row per FAILING check), headed by the machine-readable
    results comment that holds every check's count. `names`: the checks' test names (a list of
    checks with names is accepted too). -#}
{% macro batched_results_select(names, failures) -%}
{%- set payload = {"v": 1, "failures": failures} -%}
{%- set q = adapter.dispatch('sql_string', 'dativo_dbt') -%}
{%- set bigint = dbt.type_bigint() -%}
{%- set rows = [] -%}
{%- for item in names -%}
    {%- set name = item if item is string else item.name -%}
    {%- set n = failures.get(name, 0) | int -%}
    {%- if n > 0 -%}
        {%- do rows.append('    select ' ~ dativo_dbt._batched_label(name, q) ~ ' as check_name, cast(' ~ n ~ ' as ' ~ bigint ~ ') as failures') -%}
    {%- endif -%}
{%- endfor -%}
/* dativo_batched_results {{ tojson(payload) | replace("*/", "*\\/") }} */
{% if rows -%}
select check_name, failures from (
{{ rows | join('\n    union all\n') }}
) dativo_batched_results
{%- else -%}
select check_name, failures from (
    select {{ q('') }} as check_name, cast(0 as {{ bigint }}) as failures
) dativo_batched_results
where failures > 0
{%- endif -%}
{%- endmacro %}

{#- Quarantine: the failing rows of a failed check go to the relation the per-check test would store
    its failures in (schema var dativo_dbt_quarantine_schema, identifier = the check's test name);
    a passing check's relation is dropped (per-check mode would leave it empty), so stale samples
    never survive. Only failed checks scan the model again. -#}
{% macro batched_write_sample(model, check, failed) -%}
    {%- set schema = generate_schema_name(var('dativo_dbt_quarantine_schema', 'dativo_quarantine'), none) -%}
    {%- set relation = api.Relation.create(database=model.database, schema=schema, identifier=check.sample, type='table') -%}
    {%- if failed -%}
        {%- do adapter.create_schema(relation) -%}
    {%- endif -%}
    {%- do run_query("drop table if exists " ~ relation) -%}
    {%- if failed -%}
        {%- do run_query(get_create_table_as_sql(False, relation, dativo_dbt.batched_failing_rows_sql(model, check))) -%}
    {%- endif -%}
{%- endmacro %}


{#- batched-metrics mode: one check's row of the metrics model. -#}
{% test batched_metric(model, metrics, check, column_name=none) %}
    {{ config(fail_calc='coalesce(sum(failures), 0)') }}
    {%- if check.get('sample') and execute and (flags.WHICH | default('')) in ['test', 'build', 'retry'] -%}
        {%- set found = run_query("select failures from " ~ metrics ~ " where check_name = " ~ dativo_dbt._batched_str(check.name)) -%}
        {%- set n = (found.rows[0][0] | int) if found.rows else 0 -%}
        {%- do dativo_dbt.batched_write_sample(model, check, n > 0) -%}
    {%- endif %}
    select failures from {{ metrics }}
    where check_name = {{ dativo_dbt._batched_str(check.name) }} and failures > 0
{% endtest %}

{#- batched-metrics mode: the body of model `dativo_metrics__<model>`. Its checks are the `check`
    arguments of the batched_metric tests that read it (found in the graph), so the model file
    holds no contract values. -#}
{% macro batched_metrics_model(governed) -%}
{%- set checks = [] -%}
{%- if execute -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'test' and (node.test_metadata or {}).get('name') == 'batched_metric'
              and model.unique_id in node.depends_on.nodes -%}
            {%- do checks.append(node.test_metadata.kwargs.check) -%}
        {%- endif -%}
    {%- endfor -%}
{%- endif -%}
{%- if checks -%}
{{ dativo_dbt.batched_metrics_sql(governed, checks | sort(attribute='name')) }}
{%- else -%}
select cast(null as {{ dbt.type_string() }}) as check_name, cast(null as {{ dbt.type_bigint() }}) as failures where 1 = 0
{%- endif -%}
{%- endmacro %}
