{#- Column names of a relation (read while compiling), each passed through the Jinja filter named
    by `transform` (upper, lower, ...). Empty at parse time. -#}
{% macro _get_column_list(model, transform="upper") -%}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set relation_columns = adapter.get_columns_in_relation(model) -%}
    {%- set names = relation_columns | map(attribute="name") | map(transform) | list -%}
    {{ return(names) }}
{%- endmacro %}

{% macro _transform_name(name, transform="upper") -%}
    {{ return([name] | map(transform) | first) }}
{%- endmacro %}

{% macro _list_intersect(list1, list2) -%}
    {%- set matching_items = [] -%}
    {%- for item in list1 -%}
        {%- if item in list2 -%}{%- do matching_items.append(item) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(matching_items) }}
{%- endmacro %}

{#- A one-column relation of string literals (for the metadata-only schema tests). -#}
{% macro _string_list_select(values, column) -%}
    {%- if values | length == 0 -%}
    select cast(null as {{ dbt.type_string() }}) as {{ column }} where 1 = 0
    {%- endif -%}
    {%- for value in values %}
    select cast({{ dbt_expectations.quote_string(value) }} as {{ dbt.type_string() }}) as {{ column }}
    {{ "union all" if not loop.last }}
    {%- endfor %}
{%- endmacro %}
