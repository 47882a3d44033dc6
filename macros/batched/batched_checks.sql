{#- Batched execution (dativo-dbt generate --execution batched).

    All aggregate-style checks of one model are computed in ONE query (one pass over the model, plus
    one group-by per uniqueness check), returning one row per check: (check_name, failures). Each
    check's failure count equals what the check's own per-check test would report in
    run_results.json, because every check is evaluated with the per-check test's own row predicate
    (the same dbt_expectations expressions, the same NULL handling) as a conditional aggregate.

    A check is a dict (written by dativo_dbt.generate.batched, never by hand):
      name        the check's test name (unique; the key of its result). Optional: the batch test
                  of `generate` leaves it out and lists the names, in the checks' order, in its
                  meta.dativo.batch (see _batched_names)
      kind        not_null | regex | not_regex | between | in_set | not_in_set | accepted_values
                  | unique | aggregate | recent | dativo_recent | min_records_per_day
      column / columns, row_condition, regex, flags, is_raw, value_set, min_value, max_value,
      strictly, agg (count|min|max|avg|sum|stddev), datepart, interval, ignore_row_if
      sample      identifier of the failing-row relation to write when the check fails (quarantine),
                  or null

    Contract values reach SQL only through dativo_dbt.sql_string (strings) or as numbers checked
    here; column names and row conditions are SQL by contract, as in the per-check tests.

    The package needs no dbt_expectations to parse or run a batch: quoting, types, time, stddev
    and row filters come from dativo_dbt's own dispatched helpers (macros/utils/, sql_string),
    which write the SQL the per-check dbt_expectations tests write. Only regex checks dispatch into
    dbt_expectations (regexp_instr), called only when a batch holds one (their per-check tests
    are dbt_expectations tests, so a project generating them installs that package anyway).
-#}

{#- The one-pass query: (check_name, failures) for every check of the batch. `names` are the
    checks' test names (default: dativo_dbt._batched_names). -#}
{% macro batched_metrics_sql(model, checks, names=none) -%}
    {{ return(adapter.dispatch('batched_metrics_sql', 'dativo_dbt')(model, checks, names)) }}
{%- endmacro %}

{% macro default__batched_metrics_sql(model, checks, names=none) -%}
{%- set names = names or dativo_dbt._batched_names(checks) -%}
{%- set ctx = dativo_dbt._batched_ctx(checks) -%}
{%- set aggs = [] -%}
{%- set seen = {} -%}
{%- set groups = [] -%}
{%- set rows = [] -%}
{%- for check in checks -%}
    {%- set i = loop.index0 -%}
    {%- set e = dativo_dbt._batched_exprs(check, ctx, 'm_' ~ i) -%}
    {%- set label = dativo_dbt._batched_label(names[i], ctx.q) -%}
    {%- if e.group -%}
        {%- do groups.append('dativo_u_' ~ i ~ ' as (\n    select count(*) as n from (\n        ' ~ dativo_dbt._batched_group_query(model, check) ~ '\n    ) dativo_dup\n)') -%}
        {%- do rows.append('    select ' ~ label ~ ' as check_name, cast(n as ' ~ ctx.bigint ~ ') as failures from dativo_u_' ~ i) -%}
    {%- else -%}
        {#- identical aggregates (two freshness checks of one column) are computed once -#}
        {%- if e.agg in seen -%}
            {%- set e = dativo_dbt._batched_exprs(check, ctx, seen[e.agg]) -%}
        {%- else -%}
            {%- do seen.update({e.agg: 'm_' ~ i}) -%}
            {%- do aggs.append(e.agg ~ ' as m_' ~ i) -%}
        {%- endif -%}
        {%- do rows.append('    select ' ~ label ~ ' as check_name, cast(' ~ e.fail ~ ' as ' ~ ctx.bigint ~ ') as failures from dativo_agg') -%}
    {%- endif -%}
{%- endfor -%}
{%- set ctes = [] -%}
{%- if aggs -%}
    {%- do ctes.append('dativo_agg as (\n    select\n        ' ~ aggs | join(',\n        ') ~ '\n    from ' ~ model ~ '\n)') -%}
{%- endif -%}
with
{{ (ctes + groups) | join(',\n') }}
select check_name, failures from (
{{ rows | join('\n    union all\n') }}
) dativo_batched
{%- endmacro %}


{#- The test names of a batch's checks, in order: a check's own `name`, else the `test_name` of
    its entry in the batch's meta.dativo.batch (the generator lists the checks there, in the same
    order, and leaves the names out of the test arguments: dbt renders every string argument as
    a Jinja template on every run, so 200 names cost 200 template compilations). -#}
{% macro _batched_names(checks) -%}
    {%- set meta = config.get('meta') if execute else none -%}
    {%- set batch = ((meta.get('dativo') or {}).get('batch') or []) if meta is mapping else [] -%}
    {%- set names = [] -%}
    {%- for check in checks -%}
        {%- set listed = batch[loop.index0].get('test_name') if loop.index0 < batch | length else none -%}
        {%- if check.get('name') or listed -%}
            {%- do names.append(check.get('name') or listed) -%}
        {%- elif execute and batch | length != checks | length -%}
            {{ exceptions.raise_compiler_error("dativo_dbt batched checks: check " ~ loop.index0 ~ " has no name, and meta.dativo.batch lists " ~ batch | length ~ " checks for " ~ checks | length) }}
        {%- else -%}
            {%- do names.append('check_' ~ loop.index0) -%}
        {%- endif -%}
    {%- endfor -%}
    {{- return(names) -}}
{%- endmacro %}

{#- A check name as an SQL string: dbt test names are plain words, which every dialect's quoting
    writes as '<name>'; anything else goes through the dispatched quoting (sql_string). -#}
{% macro _batched_label(name, q) -%}
    {{- return("'" ~ name ~ "'" if modules.re.fullmatch('[A-Za-z0-9_]+', name) else q(name)) -}}
{%- endmacro %}


{#- Everything adapter-specific a batch needs, resolved ONCE per batch (dispatch and macro calls
    are the costly part of rendering many checks): quoting, stddev and type names, and only when a
    check needs them the time expressions, so the batch writes exactly the SQL the per-check tests
    write. -#}
{% macro _batched_ctx(checks=none) -%}
    {%- set kinds = (checks or []) | map(attribute='kind') | list -%}
    {%- set ctx = {
        'q': adapter.dispatch('sql_string', 'dativo_dbt'),
        'stddev': adapter.dispatch('stddev_samp', 'dativo_dbt'),
        'string': none,
        'bigint': dbt.type_bigint(),
        'since': {},
    } -%}
    {%- if checks is none -%}
        {%- do ctx.update({'string': dbt.type_string()}) -%}
    {%- endif -%}
    {%- if checks is none or 'recent' in kinds -%}
        {%- do ctx.update({
            'ts': dativo_dbt.naive_timestamp_type(),
            'now': dativo_dbt.now_in_time_zone(),
            'epoch': dativo_dbt.timestamp_literal('1970-01-01'),
        }) -%}
    {%- endif -%}
    {%- if checks is none or 'dativo_recent' in kinds -%}
        {%- do ctx.update({'dbt_ts': dbt.type_timestamp(), 'dativo_now': dativo_dbt.now()}) -%}
    {%- endif -%}
    {{- return(ctx) -}}
{%- endmacro %}

{#- A string literal, through the same quoting the per-check tests use. -#}
{% macro _batched_str(value) -%}
    {{- return(dativo_dbt.sql_string(value)) -}}
{%- endmacro %}

{#- One check's SQL, in one macro call (cheap to render for hundreds of checks):
      pred   the rows it counts as failures (row-level kinds; also the quarantine sample), exactly
             the per-check test's `where <row_condition>` then `where not(<expr>)`
      agg    the aggregate computed in the single pass (as column `m`)
      fail   the failure count from `m`, as the per-check test reports it
      group  true for checks that need their own group-by (uniqueness, rows per day)
    Bounds are numbers, or the SQL the generator made from a contract time, pasted as the per-check
    test pastes them; value-set members are quoted like dbt_expectations._value_set_select. -#}
{% macro _batched_exprs(check, ctx, m='m') -%}
    {%- set kind = check.kind -%}
    {%- set col = check.get('column') -%}
    {%- set rc = check.get('row_condition') -%}
    {%- set out = {'group': false, 'pred': none, 'agg': none, 'fail': m} -%}
    {%- if kind in ['unique', 'min_records_per_day'] -%}
        {%- do out.update({'group': true}) -%}
        {{- return(out) -}}
    {%- endif -%}
    {#- bounds: (1=1 and e >= min and e <= max), as dbt_expectations.expression_between -#}
    {%- set op = '' if check.get('strictly') else '=' -%}
    {%- set bounds = [] -%}
    {%- for key, sign in [('min_value', '>'), ('max_value', '<')] if check.get(key) is not none -%}
        {%- set value = check.get(key) -%}
        {%- if value is boolean or (value is not number and value is not string) -%}
            {{ exceptions.raise_compiler_error("dativo_dbt batched check " ~ (check.get('name') or check.get('sample') or tojson(check)) ~ ": " ~ key ~ " must be a number or a time expression, got " ~ value) }}
        {%- endif -%}
        {%- do bounds.append([sign ~ op, value | string]) -%}
    {%- endfor -%}
    {%- set members = [] -%}
    {%- if kind in ['in_set', 'not_in_set', 'accepted_values'] -%}
        {%- set quoted = check.get('quote_values', True) -%}
        {%- for value in check.value_set -%}
            {%- if kind == 'accepted_values' -%}
                {%- do members.append(ctx.q(value)) -%}
            {%- elif quoted -%}
                {#- the string type (one dispatch per batch) only when a set quotes its members -#}
                {%- if ctx.string is none -%}{%- do ctx.update({'string': dbt.type_string()}) -%}{%- endif -%}
                {%- do members.append('cast(' ~ ctx.q(value) ~ ' as ' ~ ctx.string ~ ')') -%}
            {%- else -%}
                {%- do members.append(value | string) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set cond = '(' ~ rc ~ ') and ' if rc else '' -%}
    {%- if kind == 'not_null' -%}
        {%- do out.update({'pred': cond ~ 'not (' ~ col ~ ' is not null)'}) -%}
    {%- elif kind in ['regex', 'not_regex'] -%}
        {#- a package-qualified call, not adapter.dispatch(..., 'dbt_expectations'): dbt resolves
            literal dispatch calls of every macro while parsing (the package would not parse without
            dbt_expectations), but records this one as a dependency only when the package exists -#}
        {%- set instr = dbt_expectations.regexp_instr(col, check.regex, 1, 1, check.get('is_raw', False), check.get('flags', '') or '') -%}
        {%- do out.update({'pred': cond ~ 'not (' ~ instr ~ (' > 0' if kind == 'regex' else ' = 0') ~ ')'}) -%}
    {%- elif kind == 'between' -%}
        {%- set parts = ['1=1'] -%}
        {%- for sign, value in bounds -%}{%- do parts.append(col ~ ' ' ~ sign ~ ' ' ~ value) -%}{%- endfor -%}
        {%- do out.update({'pred': cond ~ 'not ((' ~ parts | join(' and ') ~ '))'}) -%}
    {%- elif kind == 'in_set' -%}
        {#- a left join to the set: NULLs and values outside the set fail -#}
        {%- do out.update({'pred': cond ~ ('(' ~ col ~ ' is null or ' ~ col ~ ' not in (' ~ members | join(', ') ~ '))' if members else '1=1')}) -%}
    {%- elif kind == 'not_in_set' -%}
        {%- do out.update({'pred': cond ~ (col ~ ' in (' ~ members | join(', ') ~ ')' if members else '1=0')}) -%}
    {%- elif kind == 'accepted_values' -%}
        {#- dbt's accepted_values: non-null values outside the list, one failure per distinct value -#}
        {%- do out.update({'pred': cond ~ col ~ ' not in (' ~ members | join(', ') ~ ')'}) -%}
        {%- do out.update({'agg': 'count(distinct case when ' ~ out.pred ~ ' then ' ~ col ~ ' end)'}) -%}
        {{- return(out) -}}
    {%- elif kind == 'aggregate' -%}
        {%- set agg = check.agg -%}
        {%- if agg == 'count' -%}
            {%- set expr = 'count(case when ' ~ rc ~ ' then 1 end)' if rc else 'count(*)' -%}
        {%- else -%}
            {%- set value = 'case when ' ~ rc ~ ' then ' ~ col ~ ' end' if rc else col -%}
            {%- if agg == 'stddev' -%}
                {%- set expr = ctx.stddev(value) -%}
            {%- elif agg in ['min', 'max', 'avg', 'sum'] -%}
                {%- set expr = agg ~ '(' ~ value ~ ')' -%}
            {%- else -%}
                {{ exceptions.raise_compiler_error("dativo_dbt batched check " ~ (check.get('name') or check.get('sample') or tojson(check)) ~ ": unknown aggregate " ~ agg) }}
            {%- endif -%}
        {%- endif -%}
        {%- set parts = ['1=1'] -%}
        {%- for sign, value in bounds -%}{%- do parts.append(m ~ ' ' ~ sign ~ ' ' ~ value) -%}{%- endfor -%}
        {%- do out.update({'agg': expr, 'fail': 'case when not (' ~ parts | join(' and ') ~ ') then 1 else 0 end'}) -%}
        {{- return(out) -}}
    {%- elif kind == 'recent' -%}
        {%- set value = 'cast(' ~ col ~ ' as ' ~ ctx.ts ~ ')' -%}
        {%- set key = check.datepart ~ ':' ~ check.interval -%}
        {%- if key not in ctx.since -%}
            {%- do ctx.since.update({key: dbt.dateadd(check.datepart, -1 * (check.interval | int), ctx.now)}) -%}
        {%- endif -%}
        {%- do out.update({
            'agg': 'max(case when ' ~ value ~ ' <= ' ~ ctx.now ~ (' and (' ~ rc ~ ')' if rc else '') ~ ' then ' ~ value ~ ' end)',
            'fail': 'case when coalesce(' ~ m ~ ', ' ~ ctx.epoch ~ ') < cast(' ~ ctx.since[key] ~ ' as ' ~ ctx.ts ~ ') then 1 else 0 end',
        }) -%}
        {{- return(out) -}}
    {%- elif kind == 'dativo_recent' -%}
        {#- dativo_dbt.recent_data: newest non-future value, dbt timestamp type, dativo_dbt.now() -#}
        {%- set value = 'cast(' ~ col ~ ' as ' ~ ctx.dbt_ts ~ ')' -%}
        {%- set since = dbt.dateadd(check.datepart, -1 * check.interval, ctx.dativo_now) -%}
        {%- do out.update({
            'agg': 'max(case when ' ~ value ~ ' <= ' ~ ctx.dativo_now ~ ' then ' ~ value ~ ' end)',
            'fail': 'case when ' ~ m ~ ' is null or ' ~ m ~ ' < ' ~ since ~ ' then 1 else 0 end',
        }) -%}
        {{- return(out) -}}
    {%- else -%}
        {{ exceptions.raise_compiler_error("dativo_dbt batched check " ~ (check.get('name') or check.get('sample') or tojson(check)) ~ ": unknown kind " ~ kind) }}
    {%- endif -%}
    {%- do out.update({'agg': 'count(case when ' ~ out.pred ~ ' then 1 end)'}) -%}
    {{- return(out) -}}
{%- endmacro %}

{#- The failing groups of a check that needs its own group-by: duplicate keys (exactly as
    dbt_expectations.expect_compound_columns_to_be_unique), or the days with too few rows
    (dativo_dbt.min_records_per_day's own query, used as is). -#}
{% macro _batched_group_query(model, check) -%}
    {%- if check.kind == 'min_records_per_day' -%}
        {{- return(dativo_dbt.test_min_records_per_day(model, check.column, check.min_records, check.get('lookback_days', 7))) -}}
    {%- endif -%}
    {%- set columns = check.columns -%}
    {%- set conds = [] -%}
    {%- if check.get('row_condition') -%}{%- do conds.append("(" ~ check.row_condition ~ ")") -%}{%- endif -%}
    {%- do conds.append(dativo_dbt.ignore_row_if_expression(check.get('ignore_row_if') or 'all_values_are_missing', columns)) -%}
    {{- return("select " ~ columns | join(", ") ~ ", count(*) as n_records\n        from " ~ model
        ~ "\n        where " ~ conds | join(" and ") ~ "\n        group by " ~ columns | join(", ")
        ~ "\n        having count(*) > 1") -}}
{%- endmacro %}

{#- The failing rows of one check (quarantine sample), or the failing aggregate row. -#}
{% macro batched_failing_rows_sql(model, check) -%}
    {%- set ctx = dativo_dbt._batched_ctx([check]) -%}
    {%- set e = dativo_dbt._batched_exprs(check, ctx) -%}
    {%- if e.group -%}
        {{ dativo_dbt._batched_group_query(model, check) }}
    {%- elif check.kind in ['aggregate', 'recent', 'dativo_recent'] -%}
        select * from (select {{ e.agg }} as m from {{ model }}) dativo_agg
        where {{ e.fail }} = 1
    {%- else -%}
        select * from {{ model }} where {{ e.pred }}
    {%- endif -%}
{%- endmacro %}
