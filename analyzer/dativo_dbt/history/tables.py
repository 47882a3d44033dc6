"""The history store's tables (schema version 1), all keyed by the dbt `invocation_id`, so
recording the same run twice replaces it instead of duplicating it:

- `dativo_runs`              one row per scored invocation (overall score, gate verdict, when)
- `dativo_model_scores`      one row per model and run (score, tier, gate, contract, owner)
- `dativo_dimension_scores`  one row per model, dimension and run
- `dativo_check_results`     one row per check (dbt test), model and run (status, failures, SQL);
                             unique on (invocation_id, model_id, check_id) by construction (rows
                             are deduplicated before insert) rather than by a primary key, whose
                             index cost 0.2 s per run on 100,000 checks (stores created before
                             keep theirs)
"""

from __future__ import annotations

import duckdb

SCHEMA_VERSION = 1

_DDL = [
    """create table if not exists dativo_history_meta (key varchar primary key, value varchar)""",
    """create table if not exists dativo_runs (
        invocation_id varchar primary key,
        generated_at timestamp not null,
        recorded_at timestamp not null,
        project varchar,
        target varchar,
        dbt_version varchar,
        formula_version integer,
        overall_score double,
        gate_passed boolean,
        source varchar not null
    )""",
    """create table if not exists dativo_model_scores (
        invocation_id varchar not null,
        model_id varchar not null,
        model_name varchar not null,
        score double,
        tier varchar,
        contract varchar,
        owner varchar,
        gate_passed boolean,
        gate_reasons varchar[],
        gate_min_score double,
        position integer,
        primary key (invocation_id, model_id)
    )""",
    """create table if not exists dativo_dimension_scores (
        invocation_id varchar not null,
        model_id varchar not null,
        dimension varchar not null,
        score double,
        primary key (invocation_id, model_id, dimension)
    )""",
    """create table if not exists dativo_check_results (
        invocation_id varchar not null,
        model_id varchar not null,
        check_id varchar not null,
        position integer not null,
        name varchar not null,
        status varchar not null,
        failures bigint,
        severity varchar,
        dimension varchar,
        contract varchar,
        check_name varchar,
        check_type varchar,
        column_name varchar,
        message varchar,
        compiled_sql varchar,
        relation_name varchar,
        weight double
    )""",
]

# Columns added after a table's first version: stores written by an older dativo-dbt get them on
# open (new columns are only ever appended, so old rows read as NULL).
_ADDED_COLUMNS = [
    ("dativo_model_scores", "gate_min_score", "double"),
    ("dativo_model_scores", "position", "integer"),
    ("dativo_model_scores", "gate_warnings", "varchar[]"),
]

#: the tables holding a run's rows, children first
RUN_TABLES = (
    "dativo_check_results",
    "dativo_dimension_scores",
    "dativo_model_scores",
    "dativo_runs",
)


def create_tables(conn: duckdb.DuckDBPyConnection) -> None:
    """Create the tables (or add the columns an older store lacks) and record the schema version."""
    for statement in _DDL:
        conn.execute(statement)
    for table, column, kind in _ADDED_COLUMNS:
        conn.execute(f"alter table {table} add column if not exists {column} {kind}")
    conn.execute(
        "insert or replace into dativo_history_meta values ('schema_version', ?)",
        [str(SCHEMA_VERSION)],
    )


def has_tables(conn: duckdb.DuckDBPyConnection) -> bool:
    row = conn.execute(
        "select count(*) from information_schema.tables where table_name = 'dativo_runs'"
    ).fetchone()
    return bool(row and row[0])


def warnings_column(conn: duckdb.DuckDBPyConnection, prefix: str = "") -> str:
    """`gate_warnings`, or an empty list for a store written before it existed (a read-only open
    does not add columns)."""
    row = conn.execute(
        "select count(*) from information_schema.columns"
        " where table_name = 'dativo_model_scores' and column_name = 'gate_warnings'"
    ).fetchone()
    return f"{prefix}gate_warnings" if row and row[0] else "cast([] as varchar[])"
