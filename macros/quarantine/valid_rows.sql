{#-
  valid_rows(model_name, key=none): the rows of `model_name` that no quarantine test flagged.

  Use it as the body of a view that downstream models read instead of the model itself:

      -- models/stripe_customers_valid.sql
      {{ config(materialized='view') }}
      {{ dativo_dbt.valid_rows('stripe_customers', key='id') }}

  For every generated test on the model that stores its failing rows (`store_failures`, i.e. the
  contract's `on_quality_violation: quarantine`), the view excludes the rows matching that test's
  stored failures, as of the test's latest run:
    * on `key`, when the failures table has the key column: the full failing rows that row-level
      checks store (`dativo_dbt.quarantine_rows` in per-check execution, the failing-row samples
      of batched execution; not null, regex, range, value-set checks), dbt's not_null, custom
      SQL checks returning rows;
    * else on the test's column, compared with the stored failing value (`expression`,
      `value_field`, `unique_field` or the column itself, as dbt-expectations / dbt store them):
      uniqueness excludes every row of a duplicated value, accepted_values every row of a
      rejected value;
    * else, for a compound uniqueness test (`column_list`), on all its columns: every row of a
      duplicated combination;
  null-safe (`is not distinct from`). A stored value is used only when its type is the column's
  type (a boolean `expression` identifies no row). Table-level checks (row counts, aggregates,
  freshness) flag no rows and are not used. A failures table that does not exist yet (tests never
  ran) excludes nothing. Being a view, it always reflects the latest test run.
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
    where {% for failure_column, model_column in ex.pairs -%}
      {{ ' and ' if not loop.first }}dativo_q.{{ adapter.quote(failure_column) }} is not distinct from dativo_m.{{ adapter.quote(model_column) }}
    {%- endfor %}
  )
{%- endfor %}
{% endmacro %}

{#- The quarantine tests of a model and how to match their stored failing rows (execute time):
    per-check tests storing failures, and the failing-row samples of batched execution (one
    relation per entry of the batch test's `samples`, in its schema; absent when the check passed). -#}
{% macro _quarantine_exclusions(model_name, model_relation, key=none) %}
  {%- set out = [] -%}
  {%- set model_types = {} -%}
  {%- for col in adapter.get_columns_in_relation(model_relation) -%}
    {%- do model_types.update({col.name | lower: (col.dtype | lower).split('(')[0] | trim}) -%}
  {%- endfor -%}
  {%- for node in graph.nodes.values() -%}
    {%- if node.resource_type == 'test' and node.config.get('store_failures') -%}
      {%- set parent = node.get('attached_node') or '' -%}
      {%- set dativo_meta = (node.config.get('meta') or {}).get('dativo') or {} -%}
      {%- if parent.split('.')[-1] == model_name and dativo_meta -%}
        {%- set tm = node.get('test_metadata') or {} -%}
        {%- set kwargs = tm.get('kwargs') or {} -%}
        {%- set stored = [] -%}
        {%- if tm.get('name') == 'batched_checks' and tm.get('namespace') == 'dativo_dbt' -%}
          {%- for sample in kwargs.get('samples') or [] -%}
            {%- do stored.append({'identifier': sample.name, 'column': sample.get('column'),
                                  'column_list': sample.get('columns')}) -%}
          {%- endfor -%}
        {%- else -%}
          {%- do stored.append({'identifier': node.alias,
                                'column': dativo_meta.get('column') or kwargs.get('column_name'),
                                'column_list': kwargs.get('column_list')}) -%}
        {%- endif -%}
        {%- for s in stored -%}
          {#- not adapter.get_relation: its cache predates the failures tables this run created -#}
          {%- set relation = api.Relation.create(database=node.database, schema=node.schema, identifier=s.identifier) -%}
          {%- set pairs = dativo_dbt._quarantine_match(relation, s.column, s.column_list, key, model_types) -%}
          {%- if pairs -%}
            {%- do out.append({'relation': relation, 'pairs': pairs}) -%}
          {%- endif -%}
        {%- endfor -%}
      {%- endif -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(out) }}
{% endmacro %}

{#- [[stored column, model column], ...] identifying the model rows of one failures relation, or []. -#}
{% macro _quarantine_match(relation, column, column_list, key, model_types) %}
  {%- set failure_types = {} -%}
  {%- for col in adapter.get_columns_in_relation(relation) -%}
    {%- do failure_types.update({col.name | lower: (col.dtype | lower).split('(')[0] | trim}) -%}
  {%- endfor -%}
  {%- set failure_cols = failure_types.keys() | list -%}
  {%- if not failure_cols -%}
    {{ return([]) }}
  {%- endif -%}
  {%- if key and (key | lower) in failure_cols -%}
    {{ return([[key | lower, key]]) }}
  {%- endif -%}
  {%- if column and (column | lower) in failure_cols -%}
    {{ return([[column | lower, column]]) }}
  {%- endif -%}
  {%- if column -%}
    {%- for vc in ['expression', 'value_field', 'unique_field'] -%}
      {#- only a stored value of the column's own type identifies rows (a boolean
          `expression`, e.g. a regex test's match result, does not) -#}
      {%- if vc in failure_cols and failure_types[vc] == model_types.get(column | lower) -%}
        {{ return([[vc, column]]) }}
      {%- endif -%}
    {%- endfor -%}
    {{ return([]) }}
  {%- endif -%}
  {%- if column_list and column_list is not string -%}
    {#- a (compound) uniqueness test stores the duplicated combinations of its columns -#}
    {%- set pairs = [] -%}
    {%- for col in column_list if (col | lower) in failure_cols -%}
      {%- do pairs.append([col | lower, col]) -%}
    {%- endfor -%}
    {{ return(pairs if pairs and pairs | length == column_list | length else []) }}
  {%- endif -%}
  {{ return([]) }}
{% endmacro %}
