{#- generated from analyzer/dativo_dbt/quarantine/tables.py (render_registry_columns_sql); do not edit -#}
{#- The quarantine registry and audit tables' column lists, as the Python side creates and fills them: definitions (spark=true: Spark types, no primary key) and names. -#}

{% macro _quarantine_registry_columns(spark=false) %}
  {%- if spark -%}
    {{- return('id string not null, contract string not null, contract_version string, model string not null, model_unique_id string not null, source_relation string, checks string not null, failing_relations string not null, failure_count int not null, invocation_id string, quarantined_at timestamp not null, expires_at timestamp not null, status string not null, reviewer string, reviewed_at timestamp, updated_at timestamp') -}}
  {%- endif -%}
  {{- return('id varchar(64) primary key, contract varchar(256) not null, contract_version varchar(64), model varchar(256) not null, model_unique_id varchar(512) not null, source_relation varchar(1024), checks text not null, failing_relations text not null, failure_count integer not null, invocation_id varchar(64), quarantined_at timestamp not null, expires_at timestamp not null, status varchar(16) not null, reviewer varchar(256), reviewed_at timestamp, updated_at timestamp') -}}
{% endmacro %}

{% macro _quarantine_registry_column_names() %}
  {{- return('id, contract, contract_version, model, model_unique_id, source_relation, checks, failing_relations, failure_count, invocation_id, quarantined_at, expires_at, status, reviewer, reviewed_at, updated_at') -}}
{% endmacro %}

{% macro _quarantine_audit_columns(spark=false) %}
  {%- if spark -%}
    {{- return('seq int not null, batch_id string not null, event_at timestamp not null, action string not null, from_status string, to_status string not null, actor string, detail string') -}}
  {%- endif -%}
  {{- return('seq integer not null, batch_id varchar(64) not null, event_at timestamp not null, action varchar(32) not null, from_status varchar(16), to_status varchar(16) not null, actor varchar(256), detail text') -}}
{% endmacro %}

{% macro _quarantine_audit_column_names() %}
  {{- return('seq, batch_id, event_at, action, from_status, to_status, actor, detail') -}}
{% endmacro %}
