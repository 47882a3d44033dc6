"""Read a Spark warehouse built by dbt-spark's `session` method: the tables live in the project's
./spark-warehouse with an embedded (single-process) Derby metastore, so the test process does not
open its own Spark session; it asks dbt (`dbt run-operation`) to run the queries and print rows."""

from __future__ import annotations

import json
from typing import Any

from tests.helpers.dbt import DbtProject

MARK = "DATIVO_TEST_ROW\t"

# Prints every row of each query as one line: MARK name TAB json (numbers as numbers, the rest text).
DUMP_MACRO = (
    """{% macro dativo_test_dump(queries) %}
  {%- for name, sql in queries.items() -%}
    {%- set table = run_query(sql) -%}
    {%- for row in table.rows -%}
      {%- set out = {} -%}
      {%- for col in table.column_names -%}
        {%- set v = row[loop.index0] -%}
        {%- if v is none or v is boolean or v is string -%}
          {%- do out.update({col: v}) -%}
        {%- elif v is number -%}
          {%- do out.update({col: v if v is integer else (v | float)}) -%}
        {%- else -%}
          {%- do out.update({col: v | string}) -%}
        {%- endif -%}
      {%- endfor -%}
      {{- print('"""
    + MARK
    + """' ~ name ~ '\\t' ~ tojson(out)) -}}
    {%- endfor -%}
  {%- endfor -%}
{% endmacro %}
"""
)


def spark_queries(project: DbtProject, queries: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """Rows of each named query (one dbt invocation, hence one Spark session, for all of them)."""
    macro = project.path / "macros" / "dativo_test_dump.sql"
    macro.parent.mkdir(exist_ok=True)
    macro.write_text(DUMP_MACRO)
    proc = project.dbt(
        "run-operation", "dativo_test_dump", "--args", json.dumps({"queries": queries})
    )
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in queries}
    for line in proc.stdout.splitlines():
        if line.startswith(MARK):
            name, payload = line[len(MARK) :].split("\t", 1)
            out[name].append(json.loads(payload))
    return out
