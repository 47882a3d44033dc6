{% test expect_column_to_exist(model, column_name, column_index=None, transform="upper") %}
{%- if execute -%}
    {%- set name = dbt_expectations._transform_name(column_name, transform) -%}
    {%- set relation_column_names = dbt_expectations._get_column_list(model, transform) -%}
    {%- set matching_column_index = relation_column_names.index(name) if name in relation_column_names else -1 -%}
    {%- if column_index -%}
        {%- set column_index_0 = column_index - 1 if column_index > 0 else 0 -%}
        {%- set column_index_matches = matching_column_index == column_index_0 -%}
    {%- else -%}
        {%- set column_index_matches = true -%}
    {%- endif %}
with test_data as (
    select
        cast({{ dbt_expectations.quote_string(name) }} as {{ dbt.type_string() }}) as column_name,
        {{ matching_column_index }} as matching_column_index,
        {{ "true" if column_index_matches else "false" }} as column_index_matches
)
select * from test_data
where not (matching_column_index >= 0 and column_index_matches)
{%- endif -%}
{% endtest %}
