"""Throw-away dbt projects for the batched-execution benchmark and tests.

A project governs one model, `stripe_customers` (a view over the raw table that
bench/gen_customers.py writes), with the checks of the example contract (`stripe`, 11 checks) or a
synthetic 200-check contract (`wide`), in one execution mode (per-check, batched, batched-metrics).
The per-check tests are what `dativo-dbt generate` writes (names, severities, meta.dativo,
quarantine config, arguments from the mapping table); the other modes are derived from them with
dativo_dbt.generate.batched.apply_execution, exactly as the generator does.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from dativo_dbt.checks import custom_tests
from dativo_dbt.generate import batched

REPO_ROOT = Path(__file__).resolve().parents[1]
DE = "dbt_expectations."
QUARANTINE_SCHEMA = "{{ var('dativo_dbt_quarantine_schema', 'dativo_quarantine') }}"
EMAIL = r"^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$"
EMAIL_GE = r"^[\w\.-]+@[\w\.-]+\.\w+$"

# A custom generic test of the user's project (stays per-check in every mode).
CUSTOM_TEST = """{% test balance_within_training_range(model, column_name='balance') %}
select * from {{ model }} where {{ column_name }} < -5000 or {{ column_name }} > 15000
{% endtest %}
"""


def _check(
    contract: str,
    check: str,
    test: str,
    arguments: dict[str, Any],
    *,
    check_type: str,
    origin: str,
    dimension: str,
    severity: str,
    column: str | None,
    dbt_severity: str = "warn",
    quarantine: bool = True,
) -> dict[str, Any]:
    config: dict[str, Any] = {
        "severity": dbt_severity,
        "tags": ["dativo", f"dativo__{contract}"],
        "meta": {
            "dativo": {
                "contract": contract,
                "contract_version": "1.0",
                "check": check,
                "check_type": check_type,
                "origin": origin,
                "dimension": dimension,
                "severity": severity,
                "weight": None,
                "column": column,
            }
        },
    }
    if quarantine:
        config.update(store_failures=True, schema=QUARANTINE_SCHEMA)
    body: dict[str, Any] = {"name": f"dativo_{contract}__{check}", "config": config}
    if arguments:
        body["arguments"] = arguments
    return {test: body}


def stripe_checks() -> list[tuple[str | None, dict[str, Any]]]:
    """(column, test entry) for the 11 checks of contracts/stripe_customers (quarantine → warn)."""
    from dativo_dbt.checks import literals

    c = "stripe_customers"
    return [
        ("email", _check(c, "email_format", DE + "expect_column_values_to_match_regex", {"regex": literals.regex(EMAIL)}, check_type="regex", origin="soda", dimension="validity", severity="critical", column="email")),
        ("email", _check(c, "no_duplicate_emails", DE + "expect_column_values_to_be_unique", {}, check_type="uniqueness", origin="soda", dimension="consistency", severity="critical", column="email")),
        ("balance", _check(c, "amount_range", DE + "expect_column_values_to_be_between", {"min_value": -10000, "max_value": 1000000}, check_type="range", origin="soda", dimension="accuracy", severity="warning", column="balance")),
        ("created", _check(c, "freshness_check", DE + "expect_row_values_to_have_recent_data", {"datepart": "hour", "interval": 24}, check_type="freshness", origin="soda", dimension="timeliness", severity="critical", column="created")),
        ("id", _check(c, "expect_column_values_to_not_be_null", DE + "expect_column_values_to_not_be_null", {}, check_type="expect_column_values_to_not_be_null", origin="great_expectations", dimension="completeness", severity="critical", column="id")),
        ("currency", _check(c, "expect_column_values_to_be_in_set", DE + "expect_column_values_to_be_in_set", {"value_set": [literals.sql_string(v) for v in ("USD", "EUR", "GBP", "CAD")], "quote_values": False}, check_type="expect_column_values_to_be_in_set", origin="great_expectations", dimension="validity", severity="critical", column="currency")),
        ("email", _check(c, "expect_column_values_to_match_regex", DE + "expect_column_values_to_match_regex", {"regex": literals.regex(EMAIL_GE)}, check_type="expect_column_values_to_match_regex", origin="great_expectations", dimension="validity", severity="critical", column="email")),
        (None, _check(c, "expect_table_row_count_to_be_between", DE + "expect_table_row_count_to_be_between", {"min_value": 100, "max_value": 1000000}, check_type="expect_table_row_count_to_be_between", origin="great_expectations", dimension="completeness", severity="critical", column=None)),
        ("balance", _check(c, "ml_feature_validity", "balance_within_training_range", {}, check_type="custom", origin="custom", dimension="accuracy", severity="critical", column="balance")),
        ("created", _check(c, "sla_freshness", DE + "expect_row_values_to_have_recent_data", {"datepart": "hour", "interval": 2}, check_type="sla_freshness", origin="sla", dimension="timeliness", severity="critical", column="created", quarantine=False)),
        ("balance", _check(c, "balance_mean", DE + "expect_column_mean_to_be_between", {"min_value": -100000, "max_value": 100000}, check_type="avg", origin="soda", dimension="accuracy", severity="warning", column="balance")),
    ]  # fmt: skip


def without_quarantine(entry: dict[str, Any]) -> dict[str, Any]:
    """A test entry without store_failures (the verdict-only benchmark)."""
    ((test, body),) = entry.items()
    config = {k: v for k, v in body["config"].items() if k not in ("store_failures", "schema")}
    return {test: {**body, "config": config}}


def wide_checks(n: int = 200) -> list[tuple[str | None, dict[str, Any]]]:
    """`n` cheap aggregate-style checks over the five columns (node overhead dominates)."""
    from dativo_dbt.checks import literals

    c = "stripe_customers"
    out: list[tuple[str | None, dict[str, Any]]] = []
    for i in range(n):
        kind = i % 8
        sev = "error" if i % 5 == 0 else "warn"
        common = {
            "origin": "soda",
            "severity": "critical",
            "dbt_severity": sev,
            "quarantine": False,
        }
        name = f"check_{i:03d}"
        if kind == 0:
            out.append(
                (
                    "balance",
                    _check(
                        c,
                        name,
                        DE + "expect_column_values_to_be_between",
                        {"min_value": -10000 - i, "max_value": 3000000 + i},
                        check_type="range",
                        dimension="accuracy",
                        column="balance",
                        **common,
                    ),
                )
            )
        elif kind == 1:
            out.append(
                (
                    "id",
                    _check(
                        c,
                        name,
                        DE + "expect_column_values_to_not_be_null",
                        {},
                        check_type="not_null",
                        dimension="completeness",
                        column="id",
                        **common,
                    ),
                )
            )
        elif kind == 2:
            out.append(
                (
                    "currency",
                    _check(
                        c,
                        name,
                        DE + "expect_column_values_to_be_in_set",
                        {
                            "value_set": [
                                literals.sql_string(v) for v in ("USD", "EUR", "GBP", "CAD", "JPY")
                            ],
                            "quote_values": False,
                        },
                        check_type="accepted_values",
                        dimension="validity",
                        column="currency",
                        **common,
                    ),
                )
            )
        elif kind == 3:
            out.append(
                (
                    "id",
                    _check(
                        c,
                        name,
                        DE + "expect_column_values_to_match_regex",
                        {"regex": literals.regex(f"^cus_[0-9]{{{12 - (i % 3)},12}}$")},
                        check_type="regex",
                        dimension="validity",
                        column="id",
                        **common,
                    ),
                )
            )
        elif kind == 4:
            out.append(
                (
                    None,
                    _check(
                        c,
                        name,
                        DE + "expect_table_row_count_to_be_between",
                        {"min_value": 1, "max_value": 100000000 + i},
                        check_type="row_count",
                        dimension="completeness",
                        column=None,
                        **common,
                    ),
                )
            )
        elif kind == 5:
            out.append(
                (
                    "balance",
                    _check(
                        c,
                        name,
                        DE + "expect_column_max_to_be_between",
                        {"max_value": 5000000 + i},
                        check_type="max",
                        dimension="accuracy",
                        column="balance",
                        **common,
                    ),
                )
            )
        elif kind == 6:
            out.append(
                (
                    "balance",
                    _check(
                        c,
                        name,
                        DE + "expect_column_stdev_to_be_between",
                        {"min_value": 0, "max_value": 10000000 + i},
                        check_type="stddev",
                        dimension="accuracy",
                        column="balance",
                        **common,
                    ),
                )
            )
        else:
            out.append(
                (
                    "created",
                    _check(
                        c,
                        name,
                        DE + "expect_row_values_to_have_recent_data",
                        {"datepart": "day", "interval": 3650 + i},
                        check_type="freshness",
                        dimension="timeliness",
                        column="created",
                        **common,
                    ),
                )
            )
    return out  # fmt: skip


def properties(checks: list[tuple[str | None, dict[str, Any]]]) -> dict[str, Any]:
    """The per-check properties file of model stripe_customers."""
    model: dict[str, Any] = {
        "name": "stripe_customers",
        "config": {"meta": {"dativo": {"contract": "stripe_customers", "contract_version": "1.0"}}},
        "data_tests": [],
        "columns": [],
    }
    columns: dict[str, dict[str, Any]] = {}
    for column, entry in checks:
        if column is None:
            model["data_tests"].append(entry)
        else:
            columns.setdefault(column, {"name": column, "data_tests": []})["data_tests"].append(
                entry
            )
    model["columns"] = list(columns.values())
    return {"version": 2, "models": [model]}


def write_project(
    path: Path,
    *,
    mode: str,
    checks: list[tuple[str | None, dict[str, Any]]],
    target: str = "duckdb",
    duckdb_path: Path | None = None,
    pg_schema: str | None = None,
    raw_schema: str = "main",
    threads: int = 4,
    now: str | None = "2026-11-21 12:00:00",
    model_sql: str | None = None,
    on_run_end: str | None = None,
    macros: dict[str, str] | None = None,
    packages: list[Path] | None = None,
) -> Path:
    """Write a dbt project at `path` (created) in execution `mode` and return its path.
    `packages`: local package directories (default: this repository and its dbt_expectations;
    see snapshot_packages)."""
    path.mkdir(parents=True, exist_ok=True)
    (path / "models").mkdir(exist_ok=True)
    (path / "macros").mkdir(exist_ok=True)
    vars_: dict[str, Any] = {"dbt_date:time_zone": "UTC"}
    if now:
        vars_["dativo_dbt_now"] = now
    project = {
        "name": "dativo_bench",
        "version": "1.0.0",
        "config-version": 2,
        "profile": "dativo_bench",
        "model-paths": ["models"],
        "macro-paths": ["macros"],
        "vars": vars_,
        "models": {"dativo_bench": {"+materialized": "view"}},
    }
    if on_run_end:
        project["on-run-end"] = [on_run_end]
    (path / "dbt_project.yml").write_text(yaml.safe_dump(project, sort_keys=False))
    outputs: dict[str, Any] = {
        "duckdb": {
            "type": "duckdb",
            "path": str(duckdb_path or path / "bench.duckdb"),
            "threads": threads,
        },
        "postgres": {
            "type": "postgres",
            "host": "127.0.0.1",
            "port": 5432,
            "user": "postgres",
            "password": "",
            "dbname": "postgres",
            "schema": pg_schema or "dativo_bench",
            "threads": threads,
        },
    }
    profiles = {"dativo_bench": {"target": target, "outputs": outputs}}
    (path / "profiles.yml").write_text(yaml.safe_dump(profiles, sort_keys=False))
    local = packages or [REPO_ROOT, REPO_ROOT / "dbt_packages_src" / "dbt_expectations"]
    (path / "packages.yml").write_text(
        yaml.safe_dump({"packages": [{"local": str(p)} for p in local]}, sort_keys=False)
    )
    (path / "macros" / "balance_within_training_range.sql").write_text(CUSTOM_TEST)
    for name, text in (macros or {}).items():
        (path / "macros" / name).write_text(text)
    sources = {
        "version": 2,
        "sources": [
            {"name": "raw", "schema": raw_schema, "tables": [{"name": "stripe_customers"}]}
        ],
    }
    (path / "models" / "_sources.yml").write_text(yaml.safe_dump(sources, sort_keys=False))
    (path / "models" / "stripe_customers.sql").write_text(
        model_sql or "select * from {{ source('raw', 'stripe_customers') }}\n"
    )
    # as `generate` does: custom tests found in the project's macros may run inside the batch
    props, files = batched.apply_execution(
        properties(checks), mode, custom_tests=custom_tests.foldable(path)
    )
    header = f"# generated by dativo-dbt (bench, execution: {mode}); do not edit\n"
    (path / "models" / "_dativo__stripe_customers.yml").write_text(
        header + yaml.safe_dump(props, sort_keys=False, width=1000)
    )
    for name, text in files.items():
        (path / "models" / name).write_text(text)
    (path / "bench_mode.json").write_text(json.dumps({"mode": mode, "target": target}))
    return path


def snapshot_packages(dest: Path) -> list[Path]:
    """A copy of the dativo_dbt package (dbt_project.yml, macros, models) and of dbt_expectations
    under `dest` (replaced), for write_project(packages=...). `dbt deps` links a local package, so
    without a copy every edit in the working tree during a benchmark would make the next dbt run of
    each project re-parse (partial parsing sees a changed file), at random in either mode."""
    import shutil

    if dest.exists():
        shutil.rmtree(dest)
    pkg = dest / "dativo_dbt"
    pkg.mkdir(parents=True)
    shutil.copy2(REPO_ROOT / "dbt_project.yml", pkg / "dbt_project.yml")
    for name in ("macros", "models"):
        shutil.copytree(REPO_ROOT / name, pkg / name)
    expectations = REPO_ROOT / "dbt_packages_src" / "dbt_expectations"
    (dest / "dbt_expectations").mkdir()
    shutil.copy2(expectations / "dbt_project.yml", dest / "dbt_expectations" / "dbt_project.yml")
    shutil.copytree(expectations / "macros", dest / "dbt_expectations" / "macros")
    return [pkg, dest / "dbt_expectations"]


def prepare_duckdb(rows: int, path: Path) -> Path:
    """bench/gen_customers.py data at `path`, moved to schema `raw` (dbt builds views in `main`)."""
    import subprocess
    import sys

    import duckdb

    if path.exists():
        con = duckdb.connect(str(path))
        try:
            found = con.execute(
                "select count(*) from information_schema.tables where table_schema = 'raw' and table_name = 'stripe_customers'"
            ).fetchone()
            if (
                found
                and found[0]
                and con.execute("select count(*) from raw.stripe_customers").fetchone() == (rows,)
            ):
                return path
        finally:
            con.close()
        path.unlink()
    subprocess.run(
        [sys.executable, str(REPO_ROOT / "bench" / "gen_customers.py"), str(rows), str(path)],
        check=True,
        capture_output=True,
    )
    con = duckdb.connect(str(path))
    con.execute("create schema raw")
    con.execute("create table raw.stripe_customers as select * from main.stripe_customers")
    con.execute("drop table main.stripe_customers")
    con.close()
    return path


def prepare_postgres(duckdb_path: Path, dsn: str, schema: str = "dativo_bench_raw") -> str:
    """Copy raw.stripe_customers from a prepared DuckDB file to PostgreSQL `schema` (analyzed)."""
    import duckdb
    import psycopg2

    con = duckdb.connect(str(duckdb_path), read_only=True)
    rows = con.execute("select count(*) from raw.stripe_customers").fetchone()
    pg = psycopg2.connect(dsn)
    pg.autocommit = True
    with pg.cursor() as cur:
        cur.execute(
            "select count(*) from information_schema.tables where table_schema = %s and table_name = 'stripe_customers'",
            (schema,),
        )
        found = cur.fetchone()
        if found and found[0]:
            cur.execute(f'select count(*) from "{schema}".stripe_customers')
            if cur.fetchone() == rows:
                pg.close()
                con.close()
                return schema
        cur.execute(f'drop schema if exists "{schema}" cascade')
        cur.execute(f'create schema "{schema}"')
        cur.execute(
            f'create table "{schema}".stripe_customers (id text, email text, currency text, balance double precision, created timestamp)'
        )
        csv = duckdb_path.with_suffix(".csv")
        con.execute(
            f"copy (select * from raw.stripe_customers) to '{csv}' (header false, delimiter '\t', nullstr '\\N')"
        )
        with csv.open() as handle:
            cur.copy_expert(f'copy "{schema}".stripe_customers from stdin', handle)
        csv.unlink()
        cur.execute(f'analyze "{schema}".stripe_customers')
    pg.close()
    con.close()
    return schema
