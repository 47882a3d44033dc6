"""The dbt package's `macros/scoring/default_dimension.sql`, rendered from `core.vocabulary`'s table
(a test fails when the file on disk is stale)."""

from __future__ import annotations

from dativo_dbt.core.vocabulary import EXACT, FALLBACK_DIMENSION, PATTERNS

DEFAULT_DIMENSION_SQL_PATH = "macros/scoring/default_dimension.sql"


def render_default_dimension_sql() -> str:
    """Text of the dbt package's `macros/scoring/default_dimension.sql` (same table, same order).

    The macro `dativo_dbt.default_dimension(test_name)` returns the dimension string.
    """
    lines = [
        "{#- generated from analyzer/dativo_dbt/core/dimension_sql.py"
        " (render_default_dimension_sql); do not edit -#}",
        "{% macro default_dimension(test_name) -%}",
        "  {%- set name = (test_name or '') | string | lower -%}",
        "  {%- set name = name.split('.') | last -%}",
        "  {%- if name == '' -%}{{ return('" + FALLBACK_DIMENSION + "') }}{%- endif -%}",
        "  {%- set exact = {",
    ]
    items = list(EXACT.items())
    for i, (name, dim) in enumerate(items):
        comma = "," if i < len(items) - 1 else ""
        lines.append(f"      '{name}': '{dim}'{comma}")
    lines += [
        "  } -%}",
        "  {%- if name in exact -%}{{ return(exact[name]) }}{%- endif -%}",
    ]
    for kind, text, dim in PATTERNS:
        cond = f"name.startswith('{text}')" if kind == "prefix" else f"'{text}' in name"
        lines.append(f"  {{%- if {cond} -%}}{{{{ return('{dim}') }}}}{{%- endif -%}}")
    lines += [
        "  {{- return('" + FALLBACK_DIMENSION + "') -}}",
        "{%- endmacro %}",
        "",
    ]
    return "\n".join(lines)
