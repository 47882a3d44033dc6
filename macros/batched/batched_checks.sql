{#- Batched execution (dativo-dbt generate --execution batched).

    All aggregate-style checks of one model are computed in ONE query (one pass over the model, plus
    one group-by per uniqueness check), returning one row per check: (check_name, failures). Each
    check's failure count equals what the check's own per-check test would report in
    run_results.json, because every check is evaluated with the per-check test's own row predicate
    (the same dbt_expectations expressions, the same NULL handling) as a conditional aggregate.

    A check is a dict (written by dativo_dbt.generate.batched, never by hand):
      name        the contract check name (meta.dativo.check); unique in the batch
      kind        not_null | regex | not_regex | between | in_set | not_in_set | accepted_values
                  | unique | aggregate | recent | dativo_recent | min_records_per_day
      column / columns, row_condition, regex, flags, is_raw, value_set, min_value, max_value,
      strictly, agg (count|min|max|avg|sum|stddev), datepart, interval, ignore_row_if
      sample      identifier of the failing-row relation to write when the check fails (quarantine),
                  or null

    Contract values reach SQL only through dbt_expectations.quote_string (strings) or as numbers
    checked here; column names and row conditions are SQL by contract, as in the per-check tests.
-#}

{#- The one-pass query: (check_name, failures) for every check of the batch. -#}
{% macro batched_metrics_sql(model, checks) -%}
    {{ return(adapter.dispatch('batched_metrics_sql', 'dativo_dbt')(model, checks)) }}
{%- endmacro %}

{% macro default__batched_metrics_sql(model, checks) -%}
{%- set ctx = dativo_dbt._batched_ctx() -%}
{%- set agg_exprs = [] -%}
{%- set unique_checks = [] -%}
{%- for check in checks -%}
    {%- if check.kind in ['unique', 'min_records_per_day'] -%}
        {%- do unique_checks.append(loop.index0) -%}
    {%- else -%}
        {%- do agg_exprs.append(dativo_dbt._batched_aggregate(check, ctx) ~ ' as m_' ~ loop.index0) -%}
    {%- endif -%}
{%- endfor -%}
with
{%- if agg_exprs %}
dativo_agg as (
    select
        {{ agg_exprs | join(",\n        ") }}
    from {{ model }}
){{ "," if unique_checks }}
{%- endif %}
{%- for i in unique_checks %}
dativo_u_{{ i }} as (
    select count(*) as n from (
        {{ dativo_dbt._batched_group_query(model, checks[i]) }}
    ) dativo_dup
){{ "," if not loop.last }}
{%- endfor %}
select check_name, failures from (
{%- for check in checks %}
    select {{ ctx.q(check.name) }} as check_name, cast(
    {%- if check.kind in ['unique', 'min_records_per_day'] %} n as {{ ctx.bigint }}) as failures from dativo_u_{{ loop.index0 }}
    {%- else %} {{ dativo_dbt._batched_failures('m_' ~ loop.index0, check, ctx) }} as {{ ctx.bigint }}) as failures from dativo_agg
    {%- endif %}
    {{ "union all" if not loop.last }}
{%- endfor %}
) dativo_batched
{%- endmacro %}


{#- Everything adapter-specific a batch needs, resolved ONCE per batch (dispatch is the costly part
    of rendering many checks): the per-check tests' own quoting, regex, stddev and time macros and
    type names, so the batch writes exactly the SQL the per-check tests write. -#}
{% macro _batched_ctx() -%}
    {%- set ctx = {
        'q': adapter.dispatch('quote_string', 'dbt_expectations'),
        'instr': adapter.dispatch('regexp_instr', 'dbt_expectations'),
        'stddev': adapter.dispatch('stddev', 'dbt_expectations'),
        'string': dbt.type_string(),
        'bigint': dbt.type_bigint(),
        'ts': dbt_expectations.type_timestamp(),
        'now': dbt_expectations.now(),
        'epoch': dbt_expectations._timestamp_literal('1970-01-01'),
        'dbt_ts': dbt.type_timestamp(),
        'dativo_now': dativo_dbt.now(),
        'since': {},
    } -%}
    {{- return(ctx) -}}
{%- endmacro %}

{#- A string literal, through the same quoting the per-check tests use. -#}
{% macro _batched_str(value) -%}
    {{- return(dbt_expectations.quote_string(value)) -}}
{%- endmacro %}

{#- A bound: a number, or the SQL expression the generator made from a contract time (`now`,
    `2 hours ago`, an ISO date), pasted as the per-check test pastes it. -#}
{% macro _batched_num(value, what) -%}
    {%- if value is boolean or (value is not number and value is not string) -%}
        {{ exceptions.raise_compiler_error("dativo_dbt batched check: " ~ what ~ " must be a number or a time expression, got " ~ value) }}
    {%- endif -%}
    {{- return(value | string) -}}
{%- endmacro %}

{#- The members of a value set, as dbt_expectations._value_set_select writes them: quoted members
    (quote_values, the default) through quote_string and cast to the string type; unquoted members
    are the SQL literals the generator wrote with its quoting helpers. -#}
{% macro _batched_set(check, ctx) -%}
    {%- set members = [] -%}
    {%- for value in check.value_set -%}
        {%- if check.get('quote_values', True) -%}
            {%- do members.append("cast(" ~ ctx.q(value) ~ " as " ~ ctx.string ~ ")") -%}
        {%- else -%}
            {%- do members.append(value | string) -%}
        {%- endif -%}
    {%- endfor -%}
    {{- return(members | join(", ")) -}}
{%- endmacro %}

{#- The per-check test's pass expression for row-level kinds (rows fail where `not (expr)`). -#}
{% macro _batched_row_expr(check, ctx) -%}
    {%- set col = check.column -%}
    {%- if check.kind == 'not_null' -%}
        {{- return(col ~ " is not null") -}}
    {%- elif check.kind == 'regex' or check.kind == 'not_regex' -%}
        {%- set instr = ctx.instr(col, check.regex, 1, 1, check.get('is_raw', False), check.get('flags', '') or '') -%}
        {{- return(instr ~ (" > 0" if check.kind == 'regex' else " = 0")) -}}
    {%- elif check.kind == 'between' -%}
        {{- return(dativo_dbt._batched_between(col, check)) -}}
    {%- else -%}
        {{ exceptions.raise_compiler_error("dativo_dbt batched check " ~ check.name ~ ": unknown row kind " ~ check.kind) }}
    {%- endif -%}
{%- endmacro %}

{#- `(1=1 and e >= min and e <= max)`, exactly as dbt_expectations.expression_between. -#}
{% macro _batched_between(expression, check) -%}
    {%- set op = "" if check.get('strictly') else "=" -%}
    {%- set parts = ["1=1"] -%}
    {%- if check.get('min_value') is not none -%}
        {%- do parts.append(expression ~ " >" ~ op ~ " " ~ dativo_dbt._batched_num(check.min_value, 'min_value')) -%}
    {%- endif -%}
    {%- if check.get('max_value') is not none -%}
        {%- do parts.append(expression ~ " <" ~ op ~ " " ~ dativo_dbt._batched_num(check.max_value, 'max_value')) -%}
    {%- endif -%}
    {{- return("(" ~ parts | join(" and ") ~ ")") -}}
{%- endmacro %}

{#- The predicate selecting the rows a row-level check counts as failures (also the quarantine
    sample). Matches `where <row_condition>` then `where not(<expr>)` of the per-check test. -#}
{% macro batched_failing_rows_predicate(check, ctx=none) -%}
    {%- set ctx = ctx or dativo_dbt._batched_ctx() -%}
    {%- set cond = "(" ~ check.row_condition ~ ") and " if check.get('row_condition') else "" -%}
    {%- if check.kind == 'in_set' -%}
        {#- a left join to the set: NULLs and values outside the set fail -#}
        {%- if check.value_set | length == 0 -%}{{- return(cond ~ "1=1") -}}{%- endif -%}
        {{- return(cond ~ "(" ~ check.column ~ " is null or " ~ check.column ~ " not in (" ~ dativo_dbt._batched_set(check, ctx) ~ "))") -}}
    {%- elif check.kind == 'not_in_set' -%}
        {%- if check.value_set | length == 0 -%}{{- return(cond ~ "1=0") -}}{%- endif -%}
        {{- return(cond ~ check.column ~ " in (" ~ dativo_dbt._batched_set(check, ctx) ~ ")") -}}
    {%- elif check.kind == 'accepted_values' -%}
        {#- dbt's accepted_values: non-null values outside the list -#}
        {%- set members = [] -%}
        {%- for value in check.value_set -%}{%- do members.append(ctx.q(value)) -%}{%- endfor -%}
        {{- return(cond ~ check.column ~ " not in (" ~ members | join(", ") ~ ")") -}}
    {%- else -%}
        {{- return(cond ~ "not (" ~ dativo_dbt._batched_row_expr(check, ctx) ~ ")") -}}
    {%- endif -%}
{%- endmacro %}

{#- The aggregate computed in the single pass for one check. -#}
{% macro _batched_aggregate(check, ctx) -%}
    {%- set rc = check.get('row_condition') -%}
    {%- if check.kind == 'accepted_values' -%}
        {#- dbt's accepted_values returns one row per distinct failing value -#}
        {{- return("count(distinct case when " ~ dativo_dbt.batched_failing_rows_predicate(check, ctx) ~ " then " ~ check.column ~ " end)") -}}
    {%- elif check.kind in ['not_null', 'regex', 'not_regex', 'between', 'in_set', 'not_in_set'] -%}
        {{- return("count(case when " ~ dativo_dbt.batched_failing_rows_predicate(check, ctx) ~ " then 1 end)") -}}
    {%- elif check.kind == 'aggregate' -%}
        {%- set agg = check.agg -%}
        {%- if agg == 'count' -%}
            {{- return("count(case when " ~ rc ~ " then 1 end)" if rc else "count(*)") -}}
        {%- endif -%}
        {%- set value = "case when " ~ rc ~ " then " ~ check.column ~ " end" if rc else check.column -%}
        {%- if agg == 'stddev' -%}
            {{- return(ctx.stddev(value)) -}}
        {%- elif agg in ['min', 'max', 'avg', 'sum'] -%}
            {{- return(agg ~ "(" ~ value ~ ")") -}}
        {%- endif -%}
        {{ exceptions.raise_compiler_error("dativo_dbt batched check " ~ check.name ~ ": unknown aggregate " ~ agg) }}
    {%- elif check.kind == 'recent' -%}
        {%- set value = "cast(" ~ check.column ~ " as " ~ ctx.ts ~ ")" -%}
        {{- return("max(case when " ~ value ~ " <= " ~ ctx.now ~ (" and (" ~ rc ~ ")" if rc else "") ~ " then " ~ value ~ " end)") -}}
    {%- elif check.kind == 'dativo_recent' -%}
        {#- dativo_dbt.recent_data: newest non-future value, dbt timestamp type, dativo_dbt.now() -#}
        {%- set value = "cast(" ~ check.column ~ " as " ~ ctx.dbt_ts ~ ")" -%}
        {{- return("max(case when " ~ value ~ " <= " ~ ctx.dativo_now ~ " then " ~ value ~ " end)") -}}
    {%- else -%}
        {{ exceptions.raise_compiler_error("dativo_dbt batched check " ~ check.name ~ ": unknown kind " ~ check.kind) }}
    {%- endif -%}
{%- endmacro %}

{#- The check's failure count from its aggregate column `m`. -#}
{% macro _batched_failures(m, check, ctx) -%}
    {%- if check.kind == 'aggregate' -%}
        {{- return("case when not " ~ dativo_dbt._batched_between(m, check) ~ " then 1 else 0 end") -}}
    {%- elif check.kind == 'recent' -%}
        {%- set key = check.datepart ~ ":" ~ check.interval -%}
        {%- if key not in ctx.since -%}
            {%- do ctx.since.update({key: dbt.dateadd(check.datepart, -1 * (check.interval | int), ctx.now)}) -%}
        {%- endif -%}
        {{- return("case when coalesce(" ~ m ~ ", " ~ ctx.epoch ~ ") < cast(" ~ ctx.since[key] ~ " as " ~ ctx.ts ~ ") then 1 else 0 end") -}}
    {%- elif check.kind == 'dativo_recent' -%}
        {%- set since = dbt.dateadd(check.datepart, -1 * check.interval, ctx.dativo_now) -%}
        {{- return("case when " ~ m ~ " is null or " ~ m ~ " < " ~ since ~ " then 1 else 0 end") -}}
    {%- else -%}
        {{- return(m) -}}
    {%- endif -%}
{%- endmacro %}

{#- The failing groups of a check that needs its own group-by: duplicate keys, or the days with
    too few rows (dativo_dbt.min_records_per_day's own query, used as is). -#}
{% macro _batched_group_query(model, check) -%}
    {%- if check.kind == 'min_records_per_day' -%}
        {{- return(dativo_dbt.test_min_records_per_day(model, check.column, check.min_records, check.get('lookback_days', 7))) -}}
    {%- endif -%}
    {{- return(dativo_dbt._batched_duplicate_groups(model, check)) -}}
{%- endmacro %}

{#- Duplicate key groups, exactly as dbt_expectations.expect_compound_columns_to_be_unique. -#}
{% macro _batched_duplicate_groups(model, check) -%}
    {%- set columns = check.columns -%}
    {%- set conds = [] -%}
    {%- if check.get('row_condition') -%}{%- do conds.append("(" ~ check.row_condition ~ ")") -%}{%- endif -%}
    {%- do conds.append(dbt_expectations.ignore_row_if_expression(check.get('ignore_row_if') or 'all_values_are_missing', columns)) -%}
    select {{ columns | join(", ") }}, count(*) as n_records
        from {{ model }}
        where {{ conds | join(" and ") }}
        group by {{ columns | join(", ") }}
        having count(*) > 1
{%- endmacro %}

{#- The failing rows of one check (quarantine sample), or the failing aggregate row. -#}
{% macro batched_failing_rows_sql(model, check) -%}
    {%- set ctx = dativo_dbt._batched_ctx() -%}
    {%- if check.kind in ['unique', 'min_records_per_day'] -%}
        {{ dativo_dbt._batched_group_query(model, check) }}
    {%- elif check.kind in ['aggregate', 'recent', 'dativo_recent'] -%}
        select * from (select {{ dativo_dbt._batched_aggregate(check, ctx) }} as m from {{ model }}) dativo_agg
        where {{ dativo_dbt._batched_failures('m', check, ctx) }} = 1
    {%- else -%}
        select * from {{ model }} where {{ dativo_dbt.batched_failing_rows_predicate(check, ctx) }}
    {%- endif -%}
{%- endmacro %}
