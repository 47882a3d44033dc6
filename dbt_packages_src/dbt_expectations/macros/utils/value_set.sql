{#- A union of one-row selects, one per set member, in column `value_field`. Quoted members go
    through quote_string (and are cast to the string type when cast_quoted); unquoted members are
    SQL expressions pasted as written. An empty set gives an empty relation. -#}
{% macro _value_set_select(value_set, quote_values=True, cast_quoted=False) -%}
    {%- if value_set is string -%}
        {{ exceptions.raise_compiler_error("`value_set` must be a list, got a string: '" ~ value_set ~ "'") }}
    {%- endif -%}
    {%- if value_set | length == 0 -%}
    select cast(null as {{ dbt.type_string() }}) as value_field where 1 = 0
    {%- endif -%}
    {%- for value in value_set %}
    select
        {%- if quote_values and cast_quoted %} cast({{ dbt_expectations.quote_string(value) }} as {{ dbt.type_string() }})
        {%- else %} {{ dbt_expectations._set_member(value, quote_values) }}
        {%- endif %} as value_field
    {{ "union all" if not loop.last }}
    {%- endfor %}
{%- endmacro %}
