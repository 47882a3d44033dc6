{#- Spark only: works around a dbt-spark 1.11 bug in its seed loader (`spark__load_csv_rows`). With
    the `session` method it binds each cell into the INSERT as `'%s'`-style text without escaping,
    so a cell holding a quote (this project's hostile rows: O'Brien, "'); drop table x; --") breaks
    the statement (PARSE_SYNTAX_ERROR), and an empty cell is bound as the text 'None' instead of
    NULL. This override (the root project's macro wins over the adapter's) renders every cell as a
    literal through dativo_dbt.sql_string, which escapes quotes and backslashes the Spark way and
    writes NULL for empty cells. Other adapters keep dbt's own loader. -#}
{% macro spark__load_csv_rows(model, agate_table) %}
  {%- set column_override = model['config'].get('column_types', {}) -%}
  {%- set types = [] -%}
  {%- for col_name in agate_table.column_names -%}
    {%- do types.append(column_override.get(col_name, adapter.convert_type(agate_table, loop.index0))) -%}
  {%- endfor -%}
  {%- set statements = [] -%}
  {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
    {%- set rows = [] -%}
    {%- for row in chunk -%}
      {%- set cells = [] -%}
      {%- for value in row -%}
        {%- do cells.append('cast(' ~ dativo_dbt.sql_string(value) ~ ' as ' ~ types[loop.index0] ~ ')') -%}
      {%- endfor -%}
      {%- do rows.append('(' ~ cells | join(', ') ~ ')') -%}
    {%- endfor -%}
    {%- set sql = 'insert into ' ~ this.render() ~ ' values\n' ~ rows | join(',\n') -%}
    {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
    {%- do statements.append(sql) -%}
  {%- endfor -%}
  {{- return(statements[0]) -}}
{% endmacro %}
