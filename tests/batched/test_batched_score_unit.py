"""build_checks on hand-written artifacts: a batch test node scores as one check per batched check
(lean reader: compiled_code read for batch results only; with_sql reader), and an errored or
missing batch gives every check that status."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from dativo_dbt.artifacts.manifest import read_manifest
from dativo_dbt.artifacts.merge import merge_run_results
from dativo_dbt.artifacts.run_results import read_compiled_code
from dativo_dbt.scoring.check_rules import CheckOptions
from dativo_dbt.scoring.checks import build_checks

SEV = {"critical": 3.0, "warning": 2.0, "info": 1.0}
DIMS = {"completeness": 1.0, "validity": 1.0, "consistency": 1.0}
BATCH = "test.proj.dativo_c__batched.abc"
PLAIN = "test.proj.not_null_m_id.def"


def _entry(name: str, check: str, dimension: str, severity: str, **extra: Any) -> dict[str, Any]:
    return {
        "test_name": name,
        "contract": "c",
        "contract_version": "1",
        "check": check,
        "check_type": "missing_count",
        "origin": "soda",
        "dimension": dimension,
        "severity": severity,
        "weight": None,
        "column": "id",
        **extra,
    }


def _write(
    tmp: Path, status: str | None, compiled: str | None, *, b_extra: dict[str, Any] | None = None
) -> Path:
    meta = {
        "contract": "c",
        "check": "dativo_c__batched",
        "check_type": "batched",
        "origin": "batched",
        "batch": [
            _entry("dativo_c__a", "a", "completeness", "critical"),
            _entry("dativo_c__b", "b", "validity", "warning", weight=4, **(b_extra or {})),
        ],
    }
    manifest = {
        "metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json"},
        "nodes": {
            "model.proj.m": {"resource_type": "model", "name": "m", "package_name": "proj"},
            BATCH: {
                "resource_type": "test",
                "name": "dativo_c__batched",
                "attached_node": "model.proj.m",
                "config": {"severity": "ERROR", "meta": {"dativo": meta}},
                "test_metadata": {"name": "batched_checks", "namespace": "dativo_dbt"},
            },
            PLAIN: {
                "resource_type": "test",
                "name": "not_null_m_id",
                "attached_node": "model.proj.m",
                "config": {"severity": "ERROR"},
                "test_metadata": {"name": "not_null", "namespace": None},
            },
        },
        "sources": {},
    }
    results: list[dict[str, Any]] = [
        {"unique_id": PLAIN, "status": "pass", "failures": 0, "compiled_code": "select 1"}
    ]
    if status is not None:
        results.append(
            {
                "unique_id": BATCH,
                "status": status,
                "failures": 1,
                "execution_time": 2.0,
                "message": "boom" if status == "error" else None,
                "compiled_code": compiled,
            }
        )
    rr = {
        "metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/run-results/v6.json"},
        "results": results,
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest))
    (tmp / "run_results.json").write_text(json.dumps(rr))
    return tmp


def _checks(tmp: Path, *, with_sql: bool) -> dict[str, Any]:
    manifest = read_manifest(tmp / "manifest.json")
    merged = merge_run_results([tmp / "run_results.json"], with_sql=with_sql)
    options = CheckOptions(severity_weights=SEV, dimension_weights=DIMS, timeout_seconds=None)
    by_model = build_checks(manifest, merged, options)
    return {c.unique_id: c for c in by_model["model.proj.m"]}


PAYLOAD = '/* dativo_batched_results {"v": 1, "failures": {"dativo_c__a": 0, "dativo_c__b": 3}} */ select 1'


@pytest.mark.parametrize("with_sql", [False, True])
def test_batch_scores_one_check_per_batched_check(tmp_path: Path, with_sql: bool) -> None:
    checks = _checks(_write(tmp_path, "fail", PAYLOAD), with_sql=with_sql)
    assert set(checks) == {PLAIN, "test.proj.dativo_c__a.batched", "test.proj.dativo_c__b.batched"}
    a, b = checks["test.proj.dativo_c__a.batched"], checks["test.proj.dativo_c__b.batched"]
    assert (a.status, a.failures, a.passed, a.dimension, a.severity, a.weight) == (
        "pass",
        0,
        True,
        "completeness",
        "critical",
        3.0,
    )
    assert (b.status, b.failures, b.passed, b.dimension, b.severity, b.weight) == (
        "fail",
        3,
        False,
        "validity",
        "warning",
        4.0,
    )
    assert a.check == "a" and a.contract == "c" and a.from_meta and a.execution_time == 1.0
    assert checks[PLAIN].status == "pass"


def test_mixed_batch_check_keeps_its_dbt_severity(tmp_path: Path) -> None:
    """One node holds error and warn checks: a failing warn check scores as `warn` with its own dbt
    severity; its contract severity (meta) still decides the weight."""
    written = _write(tmp_path, "fail", PAYLOAD, b_extra={"dbt_severity": "warn"})
    b = _checks(written, with_sql=False)["test.proj.dativo_c__b.batched"]
    assert (b.status, b.failures, b.dbt_severity, b.severity, b.weight) == (
        "warn",
        3,
        "warn",
        "warning",
        4.0,
    )


@pytest.mark.parametrize(("status", "expected"), [("error", "error"), (None, "not_run")])
def test_errored_or_missing_batch(tmp_path: Path, status: str | None, expected: str) -> None:
    checks = _checks(_write(tmp_path, status, "select 1"), with_sql=False)
    for uid in ("test.proj.dativo_c__a.batched", "test.proj.dativo_c__b.batched"):
        assert checks[uid].status == expected and checks[uid].failures is None


def test_read_compiled_code_only_for_asked_ids(tmp_path: Path) -> None:
    _write(tmp_path, "fail", PAYLOAD)
    assert read_compiled_code(tmp_path / "run_results.json", {BATCH}) == {BATCH: PAYLOAD}
