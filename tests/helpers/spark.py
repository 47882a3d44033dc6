"""Read a Spark warehouse built by dbt-spark's `session` method. Its tables live in the project's
./spark-warehouse with an embedded (single-process) Derby metastore, and every Spark session costs a
JVM start, so the test process does not open one: dbt prints the rows of named queries, either at
the end of a build (an extra on-run-end hook, no extra Spark session) or in a `dbt run-operation`."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import yaml

from tests.helpers.dbt import DbtProject

MARK = "DATIVO_TEST_ROW\t"

# Prints every row of each query as one line: MARK name TAB json (numbers as numbers, the rest text).
DUMP_MACRO = (
    """{% macro dativo_test_dump(queries) %}
  {%- if execute -%}
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
      {%- do print('"""
    + MARK
    + """' ~ name ~ '\\t' ~ tojson(out)) -%}
    {%- endfor -%}
  {%- endfor -%}
  {%- endif -%}
{% endmacro %}
"""
)


def _write_macro(project: DbtProject, extra: str = "") -> None:
    macro = project.path / "macros" / "dativo_test_dump.sql"
    macro.parent.mkdir(exist_ok=True)
    macro.write_text(DUMP_MACRO + extra)


def parse_rows(stdout: str, names: list[str]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    for line in stdout.splitlines():
        if line.startswith(MARK):
            name, payload = line[len(MARK) :].split("\t", 1)
            out[name].append(json.loads(payload))
    return out


def dump_after_build(project: DbtProject, queries: dict[str, str]) -> None:
    """Make the project's next dbt build print the rows of `queries` from an on-run-end hook run
    after the project's own hooks (read them with parse_rows(build stdout))."""
    hook = (
        "{% macro dativo_test_dump_hook() %}{% set queries %}"
        + json.dumps(queries)
        + "{% endset %}{% do dativo_test_dump(fromjson(queries)) %}{% endmacro %}\n"
    )
    _write_macro(project, hook)
    path = project.path / "dbt_project.yml"
    data = yaml.safe_load(path.read_text())
    hooks = data.get("on-run-end") or []
    hooks = [hooks] if isinstance(hooks, str) else hooks
    data["on-run-end"] = [*hooks, "{{ dativo_test_dump_hook() }}"]
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def spark_queries(project: DbtProject, queries: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """Rows of each named query (one dbt run-operation, hence one Spark session, for all)."""
    _write_macro(project)
    proc = project.dbt(
        "run-operation", "dativo_test_dump", "--args", json.dumps({"queries": queries})
    )
    return parse_rows(proc.stdout, list(queries))


# Runs `dativo-dbt quarantine` commands (JSON list of argument lists in argv[1]) in one process, so
# they share one JVM; prints one JSON list of {exit_code, stdout, error}.
_QUARANTINE_SEQUENCE = """
import json, sys
from click.testing import CliRunner
from dativo_dbt.cli.quarantine_cmd import command
out = []
for args in json.loads(sys.argv[1]):
    r = CliRunner().invoke(command, args)
    error = None if r.exception is None or isinstance(r.exception, SystemExit) else repr(r.exception)
    out.append({"exit_code": r.exit_code, "stdout": r.stdout, "error": error})
print("DATIVO_SEQUENCE\\t" + json.dumps(out))
"""


def quarantine_sequence(project: DbtProject, commands: list[list[str]]) -> list[dict[str, Any]]:
    """Results of `dativo-dbt quarantine ARGS` for each command, run in order in one process with
    cwd = project (a Spark session costs a JVM start per process: ~15 s; later commands ~2 s)."""
    proc = subprocess.run(
        [sys.executable, "-c", _QUARANTINE_SEQUENCE, json.dumps(commands)],
        cwd=project.path,
        env=project.env(),
        capture_output=True,
        text=True,
    )
    lines = [x for x in proc.stdout.splitlines() if x.startswith("DATIVO_SEQUENCE\t")]
    assert proc.returncode == 0 and lines, proc.stderr[-4000:]
    return list(json.loads(lines[-1].split("\t", 1)[1]))
