{#- The generic tests of batched execution. Their SQL is written by `dativo-dbt generate`
    (analyzer/dativo_dbt/generate/batch_sql.py) into the test arguments, with dbt left to render
    only what depends on the adapter (regex function, types, current time, quoting, ref/source):
    the per-check tests' own expressions, so every check's failure count is the one its per-check
    test reports.

    Mode `batched` (one node): test `dativo_dbt.batched_checks` runs `sql` — the one-pass query of
    (check_name, failures), one row per check — and returns one row per FAILING check; dbt's
    `failures` is the number of failing checks. Error and warn checks share the node: the query's
    third column `dativo_error` is 1 for an error check, and the generated `error_if`
    (`!= 0 and max(dativo_error) = 1`) makes the node fail only when an error check failed (else
    warn). When dbt runs it (`dbt test`/`dbt build`/`dbt
    retry`), the query runs while the test is compiled and the test's compiled SQL becomes a
    literal of the failing checks, headed by a `/* dativo_batched_results {json} */` comment holding
    every check's count (`failures`), each failing check's rendered failing-rows SQL (`sql`, from
    `failing_rows` or its sample) and the relation each quarantine check stores its failing rows in, when it fails
    (`relations`), so run_results.json (compiled_code) and the on-run-end hook
    (results[].node.compiled_code) carry every check's outcome; the Python side reads it in ONE
    place, dativo_dbt.artifacts.batches.expand_batch(), the hook in batched_results.sql.
    `samples` ({name, sql, column / columns}: a check's failing-row query) are written only for
    checks that failed (quarantine). Under other commands (compile, docs, show) the test compiles to the plain query.

    Mode `batched-metrics` (per-check nodes): model `dativo_metrics__<model>` (a table, one row per
    check) is computed in one pass, and each check keeps its own node, test
    `dativo_dbt.batched_metric`, which reads its row (fail_calc sums the failures, so run_results
    shows the per-check count).
-#}

{#- One block, no dispatch and no run_query: dbt compiles every macro a test calls, on every run,
    and that compile time counts in the batch's execution_time. While running: the batch query,
    the failed checks' samples, then the literal of the failing checks under the results comment
    holding every check's count. -#}
{% test batched_checks(model, sql, samples=none, failing_rows=none) %}
{%- if execute and (flags.WHICH | default('')) in ['test', 'build', 'retry'] -%}
{%- set failures = {} -%}
{%- set failing_sql = {} -%}
{%- set relations = {} -%}
{%- set rows = [] -%}
{%- for row in adapter.execute(sql, auto_begin=False, fetch=True)[1].rows -%}
{%- set n = row[1] | int -%}
{%- do failures.update({row[0]: n}) -%}
{%- if n > 0 -%}
{%- do rows.append("select " ~ ("'" ~ row[0] ~ "'" if modules.re.fullmatch('[A-Za-z0-9_]+', row[0]) else dativo_dbt.sql_string(row[0])) ~ " as check_name, " ~ n ~ " as failures, " ~ ((row[2] | int) if row | length > 2 else 1) ~ " as dativo_error") -%}
{%- endif -%}
{%- endfor -%}
{%- for name, rows_sql in (failing_rows or {}).items() if failures.get(name, 0) > 0 -%}
{%- do failing_sql.update({name: rows_sql}) -%}
{%- endfor -%}
{%- for s in samples or [] -%}
{%- set stored = dativo_dbt.batched_write_sample(model, s.name, s.sql, failures.get(s.name, 0) > 0) -%}
{%- do relations.update({s.name: stored | string}) -%}
{%- if failures.get(s.name, 0) > 0 -%}
{%- do failing_sql.update({s.name: s.sql}) -%}
{%- endif -%}
{%- endfor %}
/* dativo_batched_results {{ tojson({"v": 1, "failures": failures, "sql": failing_sql, "relations": relations}) | replace("*/", "*\\/") }} */
select * from (
{{ rows | join("\nunion all\n") if rows else "select '' as check_name, 0 as failures, 0 as dativo_error" }}
) dativo_batched_results{% if not rows %} where failures > 0{% endif %}
{%- else -%}
select * from (
{{ sql }}
) dativo_batched_all
where failures > 0
{%- endif -%}
{% endtest %}

{#- Quarantine: the failing rows of a failed check go to the relation the per-check test would store
    its failures in (schema var dativo_dbt_quarantine_schema, identifier = the check's test name);
    a passing check's relation is dropped (per-check mode would leave it empty), so stale samples
    never survive. Only failed checks scan the model again. -#}
{% macro batched_write_sample(model, name, rows_sql, failed) -%}
    {%- set schema = generate_schema_name(var('dativo_dbt_quarantine_schema', 'dativo_quarantine'), none) -%}
    {%- set relation = api.Relation.create(database=model.database, schema=schema, identifier=name, type='table') -%}
    {%- if failed -%}
        {%- do adapter.create_schema(relation) -%}
    {%- endif -%}
    {%- do run_query("drop table if exists " ~ relation) -%}
    {%- if failed -%}
        {%- do run_query(get_create_table_as_sql(False, relation, rows_sql)) -%}
    {%- endif -%}
    {{- return(relation) -}}
{%- endmacro %}


{#- batched-metrics mode: one check's row of the metrics model; `sample` is its failing-row query
    (quarantine), written only when the check fails. -#}
{% test batched_metric(model, metrics, check_name, sample=none, column_name=none) %}
    {{ config(fail_calc='coalesce(sum(failures), 0)') }}
    {%- set label = dativo_dbt.sql_string(check_name) -%}
    {%- if sample and execute and (flags.WHICH | default('')) in ['test', 'build', 'retry'] -%}
        {%- set found = run_query("select failures from " ~ metrics ~ " where check_name = " ~ label) -%}
        {%- set n = (found.rows[0][0] | int) if found.rows else 0 -%}
        {%- do dativo_dbt.batched_write_sample(model, check_name, sample, n > 0) -%}
    {%- endif %}
    select failures from {{ metrics }}
    where check_name = {{ label }} and failures > 0
{% endtest %}
