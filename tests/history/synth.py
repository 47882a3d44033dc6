"""Hand-built run snapshots for unit tests of the history store and the report (no dbt)."""

from __future__ import annotations

from dativo_dbt.history.snapshot import CheckSnapshot, GateSnapshot, ModelSnapshot, RunSnapshot


def check(uid: str, status: str, **kw: object) -> CheckSnapshot:
    return CheckSnapshot(
        unique_id=f"test.p.{uid}",
        name=uid,
        status=status,
        failures=0 if status == "pass" else 3,
        severity=str(kw.pop("severity", "critical")),
        dimension=str(kw.pop("dimension", "validity")),
        **kw,  # type: ignore[arg-type]
    )


def model(
    name: str, score: float | None, checks: list[CheckSnapshot], **kw: object
) -> ModelSnapshot:
    return ModelSnapshot(
        unique_id=f"model.p.{name}",
        name=name,
        score=score,
        dimensions={"completeness": 100.0, "validity": score},
        checks=checks,
        **kw,  # type: ignore[arg-type]
    )


def run(invocation: str, when: str, models: list[ModelSnapshot]) -> RunSnapshot:
    scores = [m.score for m in models if m.score is not None]
    return RunSnapshot(
        invocation_id=invocation,
        generated_at=when,
        models=models,
        overall_score=sum(scores) / len(scores) if scores else None,
        gate_passed=all(m.gate.passed is not False for m in models),
        project="proj",
        target="duckdb",
        dbt_version="1.11.0",
        formula_version=1,
    )


def two_runs() -> tuple[RunSnapshot, RunSnapshot]:
    first = run(
        "inv-1",
        "2026-01-01T10:00:00Z",
        [
            model(
                "orders",
                60.0,
                [
                    check("orders_unique", "fail", compiled_sql="select 1"),
                    check("orders_nn", "pass"),
                ],
                tier="gold",
                gate=GateSnapshot(False, ["DATIVO-DQ102: below 90"], 90.0),
            ),
            model("gone", 80.0, [check("gone_nn", "pass")]),
        ],
    )
    second = run(
        "inv-2",
        "2026-01-02T10:00:00+02:00",  # = 08:00Z
        [
            model(
                "orders",
                95.0,
                [check("orders_unique", "pass"), check("orders_nn", "warn", severity="warning")],
                tier="gold",
                gate=GateSnapshot(True, [], 90.0),
            ),
            model("added", 100.0, [check("added_nn", "pass")], owner="team@x"),
        ],
    )
    return first, second
