"""The local history store: one embedded DuckDB file, appended to by every `dativo-dbt score`.

Tables (schema version 1), all keyed by the dbt `invocation_id`, so recording the same run twice
replaces it instead of duplicating it:

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

import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb
import msgspec

from dativo_dbt.errors import DativoError
from dativo_dbt.history import spool
from dativo_dbt.history.detached import wait_for_writers
from dativo_dbt.history.rows import RunRows, rows_from_snapshot
from dativo_dbt.history.snapshot import CheckSnapshot, GateSnapshot, ModelSnapshot, RunSnapshot
from dativo_dbt.scoring.status import gate_status

SCHEMA_VERSION = 1
# How long a writer waits for DuckDB's file lock (held by another writer or a reader) before it
# sets its run aside as a pending file (history/spool.py); how long a reader waits for detached
# writers of finished runs and for the lock to merge pending runs before it reads.
LOCK_WAIT_SECONDS = 15.0
READER_WAIT_SECONDS = 60.0

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

_TABLES = ("dativo_check_results", "dativo_dimension_scores", "dativo_model_scores", "dativo_runs")

_CHECK_COLUMNS = (
    "name, status, failures, severity, dimension, contract, check_name, check_type, column_name,"
    " message, compiled_sql, relation_name, weight"
)


_UNNEST_MAX_ROWS = 2_000


def _bulk_insert(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    invocation_id: str,
    rows: Sequence[msgspec.Struct],
) -> None:
    """Insert `rows` (structs whose field names are the table's columns) under `invocation_id`
    in one statement (executemany is row by row: ~100x slower).

    Small inserts bind each column as one list parameter and unnest the lists side by side. Large
    ones (100,000 checks of a big project) are written as JSON lines by msgspec and read by
    DuckDB's native JSON reader with the table's column types: binding Python lists converts every
    value one by one (3.3 s for 100,000 checks that way, 0.3 s this way).
    """
    if not rows:
        return
    columns = type(rows[0]).__struct_fields__
    names = ", ".join(columns)
    if len(rows) <= _UNNEST_MAX_ROWS:
        selects = ", ".join(f"unnest(${i + 2})" for i in range(len(columns)))
        values = [
            list(col) for col in zip(*(msgspec.structs.astuple(r) for r in rows), strict=True)
        ]
        conn.execute(
            f"insert into {table} (invocation_id, {names}) select $1, {selects}",
            [invocation_id, *values],
        )
        return
    types = dict(
        conn.execute(
            "select column_name, data_type from information_schema.columns where table_name = ?",
            [table],
        ).fetchall()
    )
    struct = ", ".join(f"'{name}': '{types[name]}'" for name in columns)
    with tempfile.TemporaryDirectory(prefix="dativo-history-") as tmp:
        path = Path(tmp) / f"{table}.jsonl"
        path.write_bytes(msgspec.json.Encoder().encode_lines(rows))
        conn.execute(
            f"insert into {table} (invocation_id, {names}) select ?, {names} "
            f"from read_json(?, format = 'newline_delimited', columns = {{{struct}}})",
            [invocation_id, str(path)],
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


def parse_timestamp(value: str | datetime) -> datetime:
    """An ISO-8601 string (with `Z` or an offset, or naive = UTC) -> naive UTC datetime."""
    if isinstance(value, datetime):
        moment = value
    else:
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            moment = datetime.fromisoformat(text)
        except ValueError as exc:
            raise DativoError(f"not an ISO-8601 timestamp: {value!r}") from exc
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


def format_timestamp(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat() + "Z"


class StoreBusy(DativoError):
    """DuckDB's lock on the store stayed held by another process for the whole wait."""


class HistoryStore:
    """A connection to the history DuckDB file (created with its tables on first write).

    Writers never wait for each other beyond `lock_wait` (DuckDB's own file lock, then StoreBusy).
    A reader first settles the store: it waits, bounded, for detached writers of finished runs and
    merges pending runs (`settle`), so it sees every run that finished before it started.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        read_only: bool = False,
        lock_wait: float | None = None,
        give_up: Callable[[], bool] | None = None,
    ) -> None:
        self.path = Path(path)
        self.read_only = read_only
        if read_only and str(self.path) != ":memory:":
            settle(self.path)
        wait = LOCK_WAIT_SECONDS if lock_wait is None else lock_wait
        self._conn = self._connect(wait, give_up)
        if not read_only:
            for statement in _DDL:
                self._conn.execute(statement)
            for table, column, kind in _ADDED_COLUMNS:
                self._conn.execute(f"alter table {table} add column if not exists {column} {kind}")
            self._conn.execute(
                "insert or replace into dativo_history_meta values ('schema_version', ?)",
                [str(SCHEMA_VERSION)],
            )

    def _connect(
        self, lock_wait: float, give_up: Callable[[], bool] | None
    ) -> duckdb.DuckDBPyConnection:
        if str(self.path) == ":memory:":
            return duckdb.connect(":memory:")
        if self.read_only and not self.path.exists():
            raise DativoError(
                "no history yet: run `dativo-dbt score` (it records every run here)",
                path=self.path,
            )
        if not self.read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        # Another dativo-dbt process may hold DuckDB's file lock: wait, bounded (and no longer
        # once `give_up()` says so, e.g. after Ctrl-C).
        deadline = time.monotonic() + lock_wait
        delay = 0.02
        while True:
            try:
                return duckdb.connect(str(self.path), read_only=self.read_only)
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower():
                    raise DativoError(
                        f"cannot open the history store: {exc}", path=self.path
                    ) from exc
                if time.monotonic() >= deadline or (give_up is not None and give_up()):
                    raise StoreBusy(
                        f"the history store is locked by another process: {exc}", path=self.path
                    ) from exc
            except duckdb.Error as exc:
                raise DativoError(
                    f"not a readable DuckDB history store: {exc}", path=self.path
                ) from exc
            time.sleep(delay)
            delay = min(delay * 2, 0.25)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _has_tables(self) -> bool:
        row = self._conn.execute(
            "select count(*) from information_schema.tables where table_name = 'dativo_runs'"
        ).fetchone()
        return bool(row and row[0])

    def _warnings_column(self, prefix: str = "") -> str:
        """`gate_warnings`, or an empty list for a store written before it existed (a read-only
        open does not add columns)."""
        row = self._conn.execute(
            "select count(*) from information_schema.columns"
            " where table_name = 'dativo_model_scores' and column_name = 'gate_warnings'"
        ).fetchone()
        return f"{prefix}gate_warnings" if row and row[0] else "cast([] as varchar[])"

    # ---- writing -------------------------------------------------------------------------

    def merge_pending(self, stop: Callable[[], bool] | None = None) -> int:
        """Record the runs set aside in pending files (oldest first), deleting each file once its
        run is committed; returns how many were merged. `stop()` true: leave the rest. An
        unreadable file is renamed `*.bad` and logged to `<store>.log`, never blocking others."""
        from dativo_dbt.history.detached import log_failure

        merged = 0
        for path in spool.pending_runs(self.path):
            if stop is not None and stop():
                break
            try:
                item = spool.load_pending(path)
            except FileNotFoundError:
                continue
            except (OSError, msgspec.DecodeError) as exc:
                bad = path.with_suffix(".bad")
                path.replace(bad)
                log_failure(self.path, DativoError(f"unreadable pending run: {exc}", path=bad))
                continue
            self.record(item.rows, recorded_at=parse_timestamp(item.recorded_at))
            path.unlink(missing_ok=True)
            merged += 1
        return merged

    def record(self, run: RunSnapshot | RunRows, *, recorded_at: datetime | None = None) -> bool:
        """Store `run`, replacing an earlier record of the same invocation. True when replaced."""
        if self.read_only:
            raise DativoError("the history store is open read-only", path=self.path)
        rows = rows_from_snapshot(run) if isinstance(run, RunSnapshot) else run
        head = rows.run
        conn = self._conn
        recorded = recorded_at or datetime.now(timezone.utc)
        conn.execute("begin transaction")
        try:
            existed = conn.execute(
                "select count(*) from dativo_runs where invocation_id = ?", [head.invocation_id]
            ).fetchone()
            for table in _TABLES:
                conn.execute(f"delete from {table} where invocation_id = ?", [head.invocation_id])
            conn.execute(
                "insert into dativo_runs values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    head.invocation_id,
                    parse_timestamp(head.generated_at),
                    parse_timestamp(recorded),
                    head.project,
                    head.target,
                    head.dbt_version,
                    head.formula_version,
                    head.overall_score,
                    head.gate_passed,
                    head.source,
                ],
            )
            _bulk_insert(conn, "dativo_model_scores", head.invocation_id, rows.models)
            _bulk_insert(conn, "dativo_dimension_scores", head.invocation_id, rows.dimensions)
            _bulk_insert(conn, "dativo_check_results", head.invocation_id, rows.checks)
            conn.execute("commit")
        except BaseException:
            conn.execute("rollback")
            raise
        return bool(existed and existed[0])

    # ---- reading -------------------------------------------------------------------------

    def runs(self, last: int | None = None) -> list[RunSummary]:
        """Recorded runs, oldest first (only the `last` N when given)."""
        if not self._has_tables():
            return []
        rows = self._conn.execute(
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

    def load_run(self, invocation_id: str) -> RunSnapshot | None:
        """The full record of one run, or None when it was never recorded."""
        if not self._has_tables():
            return None
        conn = self._conn
        row = conn.execute(
            "select invocation_id, generated_at, project, target, dbt_version, formula_version,"
            " overall_score, gate_passed, source from dativo_runs where invocation_id = ?",
            [invocation_id],
        ).fetchone()
        if row is None:
            return None
        run = RunSnapshot(
            invocation_id=row[0],
            generated_at=format_timestamp(row[1]),
            project=row[2],
            target=row[3],
            dbt_version=row[4],
            formula_version=row[5],
            overall_score=row[6],
            gate_passed=row[7],
            source=row[8],
        )
        dims: dict[str, dict[str, float | None]] = {}
        for model_id, dimension, score in conn.execute(
            "select model_id, dimension, score from dativo_dimension_scores"
            " where invocation_id = ? order by dimension",
            [invocation_id],
        ).fetchall():
            dims.setdefault(model_id, {})[dimension] = score
        checks: dict[str, list[CheckSnapshot]] = {}
        for r in conn.execute(
            f"select model_id, check_id, {_CHECK_COLUMNS} from dativo_check_results"
            " where invocation_id = ? order by model_id, position",
            [invocation_id],
        ).fetchall():
            checks.setdefault(r[0], []).append(
                CheckSnapshot(
                    unique_id=r[1],
                    name=r[2],
                    status=r[3],
                    failures=r[4],
                    severity=r[5],
                    dimension=r[6],
                    contract=r[7],
                    check=r[8],
                    check_type=r[9],
                    column=r[10],
                    message=r[11],
                    compiled_sql=r[12],
                    relation_name=r[13],
                    weight=r[14],
                )
            )
        for r in conn.execute(
            "select model_id, model_name, score, tier, contract, owner, gate_passed, gate_reasons,"
            f" gate_min_score, {self._warnings_column()} from dativo_model_scores"
            " where invocation_id = ?"
            " order by position, model_id",
            [invocation_id],
        ).fetchall():
            run.models.append(
                ModelSnapshot(
                    unique_id=r[0],
                    name=r[1],
                    score=r[2],
                    tier=r[3],
                    contract=r[4],
                    owner=r[5],
                    gate=GateSnapshot(
                        passed=r[6],
                        reasons=list(r[7] or []),
                        min_score=r[8],
                        warnings=list(r[9] or []),
                    ),
                    dimensions=dims.get(r[0], {}),
                    checks=checks.get(r[0], []),
                )
            )
        return run

    def latest_run(self) -> RunSnapshot | None:
        runs = self.runs(last=1)
        return self.load_run(runs[0].invocation_id) if runs else None

    def check_statuses(self, last: int | None = None) -> dict[str, dict[str, str]]:
        """Per check (test unique_id): its status in each of the last N runs, by invocation_id."""
        runs = self.runs(last)
        if not runs:
            return {}
        out: dict[str, dict[str, str]] = {}
        for check_id, invocation_id, status in self._conn.execute(
            "select check_id, invocation_id, status from dativo_check_results"
            " where invocation_id in (select unnest(?))",
            [[r.invocation_id for r in runs]],
        ).fetchall():
            out.setdefault(check_id, {})[invocation_id] = status
        return out

    def project_trend(self, last: int | None = None) -> list[TrendPoint]:
        """The project's overall score per run, oldest first."""
        return [
            TrendPoint(r.invocation_id, r.generated_at, r.overall_score, gate_passed=r.gate_passed)
            for r in self.runs(last)
        ]

    def model_trends(
        self, model: str | None = None, last: int | None = None
    ) -> dict[str, list[TrendPoint]]:
        """Per model name: its score and dimension scores in each of the last N runs, oldest first.

        `model` matches a model's name or unique_id. Runs in which a model was not scored are
        absent from its series.
        """
        runs = self.runs(last)
        if not runs:
            return {}
        ids = [r.invocation_id for r in runs]
        when = {r.invocation_id: r.generated_at for r in runs}
        params: list[Any] = [ids]
        where = "m.invocation_id in (select unnest(?))"
        if model:
            where += " and (m.model_name = ? or m.model_id = ?)"
            params += [model, model]
        rows = self._conn.execute(
            f"""
            select m.invocation_id, m.model_id, m.model_name, m.score, m.gate_passed, m.tier,
                   len(coalesce({self._warnings_column("m.")}, [])),
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


def settle(path: Path, timeout: float = READER_WAIT_SECONDS) -> None:
    """Before reading `path`: wait (bounded) for detached writers still recording finished runs,
    then merge pending runs. If the lock stays held, the reader goes on without them and says so."""
    deadline = time.monotonic() + timeout
    wait_for_writers(path, timeout=timeout)
    waiting = spool.pending_runs(path)
    if not waiting:
        return
    try:
        with HistoryStore(path, lock_wait=max(1.0, deadline - time.monotonic())) as store:
            store.merge_pending()
    except DativoError as exc:
        import sys

        print(
            f"warning: {len(waiting)} finished run(s) not merged into the history yet: "
            f"{exc.render()}",
            file=sys.stderr,
        )


def store_run(path: Path, rows: RunSnapshot | RunRows, recorded_at: datetime | None = None) -> bool:
    """Write one run: merge pending runs, then record it, under DuckDB's lock; when the lock stays
    held (or Ctrl-C comes while waiting), set the run aside as a pending file instead. Ctrl-C
    never tears the write: it is raised as KeyboardInterrupt once the store is consistent.
    True when recorded now, False when set aside."""
    from dativo_dbt.history.interrupt import deferred_sigint

    recorded = recorded_at or datetime.now(timezone.utc)
    with deferred_sigint() as interrupted:
        try:
            store = HistoryStore(path, give_up=interrupted.is_set)
        except StoreBusy:
            run = rows_from_snapshot(rows) if isinstance(rows, RunSnapshot) else rows
            spool.spool(path, run, recorded)
            return False
        with store:
            store.merge_pending(stop=interrupted.is_set)
            store.record(rows, recorded_at=recorded)
    return True


@contextmanager
def open_store(path: str | Path, *, read_only: bool = False) -> Iterator[HistoryStore]:
    store = HistoryStore(path, read_only=read_only)
    try:
        yield store
    finally:
        store.close()
