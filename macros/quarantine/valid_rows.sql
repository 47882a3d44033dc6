{#-
  valid_rows(model_name, key=none): the rows of `model_name` that no quarantine test flagged.

  Use it as the body of a view that downstream models read instead of the model itself:

      -- models/stripe_customers_valid.sql
      {{ config(materialized='view') }}
      {{ dativo_dbt.valid_rows('stripe_customers', key='id') }}

  For every generated test on the model that stores its failing rows (`store_failures`, i.e. the
  contract's `on_quality_violation: quarantine`), the view excludes the rows matching that test's
  stored failures, as of the test's latest run:
    * on `key`, when the failures table has the key column (e.g. unique tests, custom SQL checks);
    * else on the test's column, compared with the stored failing value (`expression`,
      `value_field`, `unique_field` or the column itself, as dbt-expectations / dbt store them);
  null-safe (`is not distinct from`). A stored value is used only when its type is the column's
  type (a test storing a boolean `expression`, e.g. a regex match, flags no row). Table-level checks (row counts, freshness) flag no rows and
  are not used. A failures table that does not exist yet (tests never ran) excludes nothing.
  Being a view, it always reflects the latest test run.
-#}
{% macro valid_rows(model_name, key=none) %}
  {{ return(adapter.dispatch('valid_rows', 'dativo_dbt')(model_name, key)) }}
{% endmacro %}

{% macro default__valid_rows(model_name, key=none) %}
  {%- set model_relation = ref(model_name) -%}
  {%- set exclusions = dativo_dbt._quarantine_exclusions(model_name, model_relation, key) if execute else [] -%}
select *
from {{ model_relation }} as dativo_m
{%- for ex in exclusions %}
{{ 'where' if loop.first else '  and' }} not exists (
    select 1 from {{ ex.relation }} as dativo_q
    where dativo_q.{{ adapter.quote(ex.failure_column) }} is not distinct from dativo_m.{{ adapter.quote(ex.model_column) }}
  )
{%- endfor %}
{% endmacro %}

{#- The quarantine tests of a model and how to match their stored failing rows (execute time). -#}
{% macro _quarantine_exclusions(model_name, model_relation, key=none) %}
  {%- set out = [] -%}
  {%- set model_types = {} -%}
  {%- for col in adapter.get_columns_in_relation(model_relation) -%}
    {%- do model_types.update({col.name | lower: (col.dtype | lower).split('(')[0] | trim}) -%}
  {%- endfor -%}
  {%- set value_columns = ['expression', 'value_field', 'unique_field'] -%}
  {%- for node in graph.nodes.values() -%}
    {%- if node.resource_type == 'test' and node.config.get('store_failures') -%}
      {%- set parent = node.get('attached_node') or '' -%}
      {%- set dativo_meta = (node.config.get('meta') or {}).get('dativo') or {} -%}
      {%- if parent.split('.')[-1] == model_name and dativo_meta -%}
        {#- not adapter.get_relation: its cache predates the failures tables this run created -#}
        {%- set relation = api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias) -%}
        {%- set stored_columns = adapter.get_columns_in_relation(relation) -%}
        {%- if stored_columns | length > 0 -%}
          {%- set failure_types = {} -%}
          {%- for col in stored_columns -%}
            {%- do failure_types.update({col.name | lower: (col.dtype | lower).split('(')[0] | trim}) -%}
          {%- endfor -%}
          {%- set failure_cols = failure_types.keys() | list -%}
          {%- set column = dativo_meta.get('column') or ((node.get('test_metadata') or {}).get('kwargs') or {}).get('column_name') -%}
          {%- if key and (key | lower) in failure_cols -%}
            {%- do out.append({'relation': relation, 'failure_column': key | lower, 'model_column': key}) -%}
          {%- elif column and (column | lower) in failure_cols -%}
            {%- do out.append({'relation': relation, 'failure_column': column | lower, 'model_column': column}) -%}
          {%- elif column -%}
            {%- set found = namespace(done=false) -%}
            {%- for vc in value_columns -%}
              {#- only a stored value of the column's own type identifies rows (a boolean
                  `expression`, e.g. a regex test's match result, does not) -#}
              {%- if vc in failure_cols and not found.done
                    and failure_types[vc] == model_types.get(column | lower) -%}
                {%- do out.append({'relation': relation, 'failure_column': vc, 'model_column': column}) -%}
                {%- set found.done = true -%}
              {%- endif -%}
            {%- endfor -%}
          {%- endif -%}
        {%- endif -%}
      {%- endif -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(out) }}
{% endmacro %}
