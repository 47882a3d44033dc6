"""Reading the history store's tables: the recorded runs, one run's rows, check statuses and
score trends."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from dativo_dbt.history.rows import CheckRow, DimensionRow, ModelRow, RunRow, RunRows
from dativo_dbt.history.tables import has_tables, warnings_column
from dativo_dbt.history.timestamps import format_timestamp
from dativo_dbt.scoring.status import gate_status

_CHECK_COLUMNS = (
    "name, status, failures, severity, dimension, contract, check_name, check_type, column_name,"
    " message, compiled_sql, relation_name, weight"
)


@dataclass
class RunSummary:
    """One row of `dativo_runs`."""

    invocation_id: str
    generated_at: str
    overall_score: float | None
    gate_passed: bool | None
    models: int
    failing_checks: int


@dataclass
class TrendPoint:
    """A model's (or the project's) score in one run."""

    invocation_id: str
    generated_at: str
    score: float | None
    dimensions: dict[str, float | None] = field(default_factory=dict)
    gate_passed: bool | None = None
    tier: str | None = None
    gate_warnings: int = 0  # warning-level gate findings

    @property
    def gate_status(self) -> str:
        """pass | warn | fail | none (`dativo_dbt.scoring.status`, as `score` shows it)."""
        return gate_status(self.gate_passed, self.gate_warnings)


def run_summaries(conn: duckdb.DuckDBPyConnection, last: int | None = None) -> list[RunSummary]:
    """Recorded runs, oldest first (only the `last` N when given)."""
    if not has_tables(conn):
        return []
    rows = conn.execute(
        """
        select r.invocation_id, r.generated_at, r.overall_score, r.gate_passed,
               (select count(*) from dativo_model_scores m where m.invocation_id = r.invocation_id),
               (select count(*) from dativo_check_results c
                 where c.invocation_id = r.invocation_id and c.status in ('fail', 'warn', 'error'))
        from dativo_runs r
        order by r.generated_at desc, r.recorded_at desc
        """
        + (" limit ?" if last else ""),
        [last] if last else [],
    ).fetchall()
    return [
        RunSummary(row[0], format_timestamp(row[1]), row[2], row[3], row[4], row[5])
        for row in reversed(rows)
    ]


def run_rows(conn: duckdb.DuckDBPyConnection, invocation_id: str) -> RunRows | None:
    """The stored rows of one run (models by position, checks by model and position), or None
    when it was never recorded."""
    if not has_tables(conn):
        return None
    row = conn.execute(
        "select invocation_id, generated_at, project, target, dbt_version, formula_version,"
        " overall_score, gate_passed, source from dativo_runs where invocation_id = ?",
        [invocation_id],
    ).fetchone()
    if row is None:
        return None
    head = RunRow(row[0], format_timestamp(row[1]), *row[2:])
    dimensions = [
        DimensionRow(*r)
        for r in conn.execute(
            "select model_id, dimension, score from dativo_dimension_scores"
            " where invocation_id = ? order by dimension",
            [invocation_id],
        ).fetchall()
    ]
    checks = [
        CheckRow(*r)
        for r in conn.execute(
            f"select model_id, check_id, position, {_CHECK_COLUMNS} from dativo_check_results"
            " where invocation_id = ? order by model_id, position",
            [invocation_id],
        ).fetchall()
    ]
    return RunRows(head, _model_rows(conn, invocation_id), dimensions, checks)


def _model_rows(conn: duckdb.DuckDBPyConnection, invocation_id: str) -> list[ModelRow]:
    return [
        ModelRow(
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            r[6],
            list(r[7] or []),
            r[8],
            r[9] or 0,
            list(r[10] or []),
        )
        for r in conn.execute(
            "select model_id, model_name, score, tier, contract, owner, gate_passed, gate_reasons,"
            f" gate_min_score, position, {warnings_column(conn)} from dativo_model_scores"
            " where invocation_id = ?"
            " order by position, model_id",
            [invocation_id],
        ).fetchall()
    ]


def check_statuses(
    conn: duckdb.DuckDBPyConnection, runs: list[RunSummary]
) -> dict[str, dict[str, str]]:
    """Per check (test unique_id): its status in each of `runs`, by invocation_id."""
    out: dict[str, dict[str, str]] = {}
    for check_id, invocation_id, status in conn.execute(
        "select check_id, invocation_id, status from dativo_check_results"
        " where invocation_id in (select unnest(?))",
        [[r.invocation_id for r in runs]],
    ).fetchall():
        out.setdefault(check_id, {})[invocation_id] = status
    return out


def model_trends(
    conn: duckdb.DuckDBPyConnection, runs: list[RunSummary], model: str | None = None
) -> dict[str, list[TrendPoint]]:
    """Per model name: its score and dimension scores in each of `runs`, oldest first (`model`
    matches a model's name or unique_id; runs in which a model was not scored are absent)."""
    when = {r.invocation_id: r.generated_at for r in runs}
    params: list[Any] = [[r.invocation_id for r in runs]]
    where = "m.invocation_id in (select unnest(?))"
    if model:
        where += " and (m.model_name = ? or m.model_id = ?)"
        params += [model, model]
    rows = conn.execute(
        f"""
        select m.invocation_id, m.model_id, m.model_name, m.score, m.gate_passed, m.tier,
               len(coalesce({warnings_column(conn, "m.")}, [])),
               coalesce(
                 (select map(list(d.dimension order by d.dimension), list(d.score order by d.dimension))
                    from dativo_dimension_scores d
                   where d.invocation_id = m.invocation_id and d.model_id = m.model_id),
                 map())
        from dativo_model_scores m
        join dativo_runs r using (invocation_id)
        where {where}
        order by m.model_name, r.generated_at, r.recorded_at
        """,
        params,
    ).fetchall()
    out: dict[str, list[TrendPoint]] = {}
    for inv, _model_id, name, score, gate, tier, warnings, dims in rows:
        out.setdefault(name, []).append(
            TrendPoint(inv, when[inv], score, dict(dims or {}), gate, tier, warnings)
        )
    return out
