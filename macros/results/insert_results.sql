{#- Append the hook's rows to the results table: one INSERT per chunk of
    var('dativo_dbt_insert_batch_size', 500) rows. `rows` are lists of Python values in
    results_columns() order from test_unique_id on; the first six columns (invocation_id,
    run_started_at, recorded_at, dbt_version, project_name, target_name) are the same for every row
    and rendered once.

    default: multi-row VALUES; every value becomes a literal with the rules of sql_string /
    sql_number (strings quoted per literal_style(): '' escaping, E'' strings on PostgreSQL when a
    backslash is present, backslash escapes on Spark/BigQuery; NUL bytes dropped; finite numbers as
    numbers, None as NULL), inlined in one loop because a macro call per value would cost seconds.
    duckdb: DuckDB parses large VALUES lists slowly (about 1 s per 500 rows of 33 columns), so each
    chunk is one JSON array of rows (tojson), passed as ONE string literal through sql_string and
    unpacked with from_json + unnest + typed casts: about 20x faster. -#}

{% macro insert_results(relation, rows) %}
  {{- return(adapter.dispatch('insert_results', 'dativo_dbt')(relation, rows)) -}}
{% endmacro %}

{% macro _results_prefix() %}
  {{- return([
      dativo_dbt.sql_string(invocation_id),
      dativo_dbt.sql_timestamp(run_started_at),
      'cast(' ~ dbt.current_timestamp() ~ ' as ' ~ dbt.type_timestamp() ~ ')',
      dativo_dbt.sql_string(dbt_version),
      dativo_dbt.sql_string(project_name),
      dativo_dbt.sql_string(target.name),
  ]) -}}
{% endmacro %}

{% macro _batch_size() %}
  {%- set size = var('dativo_dbt_insert_batch_size', 500) | int -%}
  {{- return(size if size > 0 else 500) -}}
{% endmacro %}

{% macro default__insert_results(relation, rows) %}
  {%- set names = [] -%}
  {%- for name, type in dativo_dbt.results_columns() -%}
    {%- do names.append(adapter.quote(name)) -%}
  {%- endfor -%}
  {%- set head = 'insert into ' ~ relation ~ ' (' ~ names | join(', ') ~ ') values\n' -%}
  {%- set prefix = '(' ~ dativo_dbt._results_prefix() | join(', ') ~ ', ' -%}
  {%- set style = dativo_dbt.literal_style() -%}
  {%- for chunk in rows | batch(dativo_dbt._batch_size()) -%}
    {%- set lines = [] -%}
    {%- for row in chunk -%}
      {%- set out = [] -%}
      {%- for value in row -%}
        {%- if value is none -%}
          {%- do out.append('NULL') -%}
        {%- elif value is boolean -%}
          {%- do out.append('true' if value else 'false') -%}
        {%- elif value is integer -%}
          {%- do out.append(value | string) -%}
        {%- elif value is number -%}
          {%- do out.append('NULL' if (value != value or value > 1e300 or value < -1e300) else ('%.6f' | format(value))) -%}
        {%- else -%}
          {#- sql_string's rules, inlined (see literal_style in quoting.sql) -#}
          {%- set text = (value | string).replace('\x00', '') -%}
          {%- if style == 'backslash' -%}
            {%- do out.append("'" ~ text.replace('\\', '\\\\').replace("'", "\\'") ~ "'") -%}
          {%- elif style == 'postgres' and '\\' in text -%}
            {%- do out.append("E'" ~ text.replace('\\', '\\\\').replace("'", "''") ~ "'") -%}
          {%- else -%}
            {%- do out.append("'" ~ text.replace("'", "''") ~ "'") -%}
          {%- endif -%}
        {%- endif -%}
      {%- endfor -%}
      {%- do lines.append(prefix ~ out | join(', ') ~ ')') -%}
    {%- endfor -%}
    {%- do dativo_dbt._execute_in_transaction(head ~ lines | join(',\n')) -%}
  {%- endfor -%}
{% endmacro %}

{% macro duckdb__insert_results(relation, rows) %}
  {%- set columns = dativo_dbt.results_columns() -%}
  {%- set names = [] -%}
  {%- for name, type in columns -%}
    {%- do names.append(adapter.quote(name)) -%}
  {%- endfor -%}
  {%- set fields = [] -%}
  {%- for name, type in columns[6:] -%}
    {%- do fields.append("cast(dativo_row->>'$[" ~ loop.index0 ~ "]' as " ~ type ~ ")") -%}
  {%- endfor -%}
  {%- set head = 'insert into ' ~ relation ~ ' (' ~ names | join(', ') ~ ')\nselect '
      ~ dativo_dbt._results_prefix() | join(', ') ~ ',\n' ~ fields | join(',\n')
      ~ '\nfrom (select unnest(from_json(' -%}
  {%- set tail = ", '[\"JSON\"]')) as dativo_row) as dativo_rows" -%}
  {%- for chunk in rows | batch(dativo_dbt._batch_size()) -%}
    {%- do dativo_dbt._execute_in_transaction(head ~ dativo_dbt.sql_string(tojson(chunk)) ~ tail) -%}
  {%- endfor -%}
{% endmacro %}

{#- Runs one statement inside dbt's transaction on the connection (opening it when none is open),
    so the hook's closing adapter.commit() always has a transaction to commit. run_query() does
    not begin one (auto_begin=False), and PostgreSQL then refuses the commit. -#}
{% macro _execute_in_transaction(sql) %}
  {%- call statement('dativo_dbt_results', fetch_result=False, auto_begin=True) -%}
    {{ sql }}
  {%- endcall -%}
{% endmacro %}
