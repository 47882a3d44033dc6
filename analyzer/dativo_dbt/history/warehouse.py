"""Read the score history the dbt package's on-run-end hook keeps in the warehouse.

The package's views (enabled with `vars: {dativo_dbt_enabled: true}`) live in the schema
`<target schema>_<var dativo_dbt_schema, default "dativo">`:

- `dativo_score_history`   one row per model and invocation: score, `<dimension>_score` columns,
                           tier, contract, owner
- `dativo_test_results`    one row per test result and invocation (status, failures, dimension...)
- `dativo_gate_verdicts`   gate verdicts of the latest invocation (optional)

They are loaded into an in-memory `HistoryStore`, so `history` and `report` read warehouse history
exactly like the local store.
"""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path
from typing import Any

from dativo_dbt.core.dbt_project import project_vars
from dativo_dbt.core.errors import DativoError
from dativo_dbt.history.snapshot import CheckSnapshot, GateSnapshot, ModelSnapshot, RunSnapshot
from dativo_dbt.history.store import HistoryStore
from dativo_dbt.history.timestamps import format_timestamp, parse_timestamp
from dativo_dbt.warehouse.profile import load_target
from dativo_dbt.warehouse.quoting import quote, sql_string
from dativo_dbt.warehouse.readonly import Connection, connect_readonly

ENV_SCHEMA = "DATIVO_WAREHOUSE_SCHEMA"
_DIMENSION_SUFFIX = "_score"
_NOT_DIMENSIONS = {"score", "raw_score"}


def package_schema(project_dir: Path, target_schema: str | None, kind: str) -> str:
    """Where the package's history views are: $DATIVO_WAREHOUSE_SCHEMA, else dbt's default
    generate_schema_name result `<target schema>_<dativo_dbt_schema var or "dativo">`."""
    if os.environ.get(ENV_SCHEMA):
        return os.environ[ENV_SCHEMA]
    suffix = "dativo"
    configured = project_vars(project_dir).get("dativo_dbt_schema")
    if isinstance(configured, str) and configured:
        suffix = configured
    base = target_schema or ("main" if kind == "duckdb" else "public")
    return f"{base}_{suffix}"


def _rows(conn: Connection, sql: str) -> list[dict[str, Any]]:
    columns, rows = conn.query(sql)
    names = [c.lower() for c in columns]
    return [dict(zip(names, r, strict=True)) for r in rows]


def _iso(value: Any) -> str:
    if value is None:
        return "1970-01-01T00:00:00Z"
    return format_timestamp(parse_timestamp(value))


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


def read_runs(conn: Connection, schema: str, last: int) -> list[RunSnapshot]:
    """The last `last` invocations recorded in the warehouse, oldest first."""
    q = quote(schema)
    by_run, started = _score_rows(conn, schema)
    order = sorted(by_run, key=lambda inv: (_iso(started.get(inv)), inv))[-last:]
    if not order:
        return []
    checks = _checks(conn, q, order)
    gates = _gates(conn, q, order[-1])
    return [_run(inv, by_run[inv], _iso(started.get(inv)), checks, gates) for inv in order]


def _score_rows(
    conn: Connection, schema: str
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, Any]]:
    """`dativo_score_history` rows by invocation, and when each invocation started."""
    try:
        scores = _rows(conn, f"select * from {quote(schema)}.dativo_score_history")
    except Exception as exc:
        raise DativoError(
            f"cannot read {schema}.dativo_score_history ({str(exc).strip().splitlines()[0]}); "
            "run dbt with the dativo_dbt package's on-run-end hook and `dativo_dbt_enabled: true`, "
            f"or set ${ENV_SCHEMA}"
        ) from None
    by_run: dict[str, list[dict[str, Any]]] = defaultdict(list)
    started: dict[str, Any] = {}
    for row in scores:
        inv = str(row["invocation_id"])
        by_run[inv].append(row)
        when = row.get("run_started_at")
        if when is not None and (inv not in started or when > started[inv]):
            started[inv] = when
    return by_run, started


def _checks(
    conn: Connection, q: str, order: list[str]
) -> dict[tuple[str, str], list[CheckSnapshot]]:
    """The test results of the invocations `order`, by (invocation, model)."""
    wanted = ", ".join(sql_string(inv) for inv in order)
    checks: dict[tuple[str, str], list[CheckSnapshot]] = defaultdict(list)
    for r in _rows(
        conn, f"select * from {q}.dativo_test_results where invocation_id in ({wanted})"
    ):
        if not r.get("model_unique_id"):
            continue
        checks[(str(r["invocation_id"]), str(r["model_unique_id"]))].append(
            CheckSnapshot(
                unique_id=str(r["test_unique_id"]),
                name=str(r.get("test_name") or r["test_unique_id"]),
                status=str(r.get("status") or "skipped"),
                failures=int(r["failures"]) if r.get("failures") is not None else None,
                severity=r.get("effective_severity") or r.get("severity"),
                dimension=r.get("dimension") or r.get("scoring_dimension"),
                contract=r.get("contract"),
                check=r.get("check_name"),
                check_type=r.get("check_type"),
                column=r.get("column_name"),
                message=r.get("message"),
                weight=_num(r.get("effective_weight")),
            )
        )
    return checks


def _gates(conn: Connection, q: str, latest: str) -> dict[tuple[str, str], GateSnapshot]:
    """Gate verdicts by (invocation, model); {} when the optional verdicts view is missing."""
    gates: dict[tuple[str, str], GateSnapshot] = {}
    try:
        for g in _rows(conn, f"select * from {q}.dativo_gate_verdicts"):
            passed = g.get("gate_passed")
            # The view holds the latest invocation's verdicts (no invocation_id column).
            inv = str(g.get("invocation_id") or latest)
            gates[(inv, str(g.get("model_unique_id")))] = GateSnapshot(
                passed=None if passed is None else bool(passed),
                min_score=_num(g.get("min_score")),
            )
    except Exception:  # the verdicts view is optional
        gates = {}
    return gates


def _model(
    inv: str,
    row: dict[str, Any],
    checks: dict[tuple[str, str], list[CheckSnapshot]],
    gates: dict[tuple[str, str], GateSnapshot],
) -> ModelSnapshot:
    """One `dativo_score_history` row as a model of its run."""
    uid = str(row["model_unique_id"])
    dims = {
        k[: -len(_DIMENSION_SUFFIX)]: _num(v)
        for k, v in row.items()
        if k.endswith(_DIMENSION_SUFFIX) and k not in _NOT_DIMENSIONS
    }
    return ModelSnapshot(
        unique_id=uid,
        name=str(row.get("model_name") or uid.split(".")[-1]),
        score=_num(row.get("score")),
        dimensions=dims,
        tier=row.get("tier"),
        contract=row.get("contract"),
        owner=row.get("owner"),
        gate=gates.get((inv, uid), GateSnapshot()),
        checks=checks.get((inv, uid), []),
    )


def _run(
    inv: str,
    rows: list[dict[str, Any]],
    generated_at: str,
    checks: dict[tuple[str, str], list[CheckSnapshot]],
    gates: dict[tuple[str, str], GateSnapshot],
) -> RunSnapshot:
    """One invocation's run: its models, mean score and combined gate verdict."""
    models = [_model(inv, row, checks, gates) for row in rows]
    scored = [m.score for m in models if m.score is not None]
    verdicts = [m.gate.passed for m in models if m.gate.passed is not None]
    formula = rows[0].get("formula_version")
    return RunSnapshot(
        invocation_id=inv,
        generated_at=generated_at,
        models=sorted(models, key=lambda m: m.unique_id),
        overall_score=sum(scored) / len(scored) if scored else None,
        gate_passed=all(verdicts) if verdicts else None,
        formula_version=int(formula) if formula is not None else None,
        source="warehouse",
    )


def warehouse_history(
    project_dir: Path,
    *,
    profiles_dir: Path | None = None,
    target: str | None = None,
    last: int = 50,
    schema: str | None = None,
) -> tuple[HistoryStore, str]:
    """An in-memory history store holding the warehouse's last runs, and a label of the source."""
    wt = load_target(project_dir, profiles_dir=profiles_dir, target=target)
    schema = schema or package_schema(project_dir, wt.schema, wt.type)
    conn, problem = connect_readonly(project_dir, profiles_dir=profiles_dir, target=target)
    if conn is None:
        raise DativoError(f"cannot read the warehouse history: {problem}")
    try:
        runs = read_runs(conn, schema, last)
    finally:
        conn.close()
    store = HistoryStore(":memory:")
    for run in runs:
        store.record(run)
    return store, f"warehouse {wt.type}:{schema}"
