"""The one expansion boundary (artifacts/batches.py) and required-test matching by test type."""

from __future__ import annotations

import json
from typing import Any

import jinja2
import pytest
from dativo_dbt.artifacts import batches
from dativo_dbt.artifacts.interface import TestMeta, read_batch
from dativo_dbt.scoring.gates import SYNONYMS, required_test_present
from dativo_dbt.scoring.models import CheckResult

from tests.helpers.dbt import REPO_ROOT

ENTRIES = [
    {
        "test_name": "dativo_c__emails_unique",
        "test": "dbt_expectations.expect_column_values_to_be_unique",
        "column_name": "email",
        "check": "emails_unique",
        "check_type": "uniqueness",
        "dimension": "uniqueness",
    },
    {
        "test_name": "dativo_c__id_not_null",
        "test": "not_null",
        "column_name": "id",
        "dbt_severity": "warn",
        "check": "id_not_null",
        "check_type": "missing",
        "column": "id",
    },
]
HEADER = {
    "v": 1,
    "failures": {"dativo_c__emails_unique": 2, "dativo_c__id_not_null": 0},
    "sql": {"dativo_c__emails_unique": "select email from t group by email having count(*) > 1"},
    "relations": {"dativo_c__emails_unique": '"db"."q"."dativo_c__emails_unique"'},
}


def _code(header: dict[str, Any]) -> str:
    payload = json.dumps(header).replace("*/", "*\\/")
    return f"/* dativo_batched_results {payload} */ select 1"


def test_expand_batch_gives_typed_per_check_records() -> None:
    checks = batches.expand_batch(
        "test.p.dativo_c__batched.abc",
        read_batch(ENTRIES),
        status="fail",
        compiled_code=_code(HEADER),
    )
    unique, not_null = checks
    assert unique == batches.BatchedCheck(
        unique_id="test.p.dativo_c__emails_unique.batched",
        batch_id="test.p.dativo_c__batched.abc",
        name="dativo_c__emails_unique",
        check="emails_unique",
        test_name="expect_column_values_to_be_unique",
        test_namespace="dbt_expectations",
        column="email",
        meta=TestMeta(check="emails_unique", check_type="uniqueness", dimension="uniqueness"),
        dbt_severity="error",
        status="fail",
        failures=2,
        failing_sql=HEADER["sql"]["dativo_c__emails_unique"],
        quarantine_relation='"db"."q"."dativo_c__emails_unique"',
    )
    assert (not_null.status, not_null.failures, not_null.dbt_severity) == ("pass", 0, "warn")
    assert (not_null.test_name, not_null.test_namespace, not_null.column) == (
        "not_null",
        None,
        "id",
    )
    assert not_null.failing_sql is None and not_null.quarantine_relation is None


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (None, None, ["not_run", "not_run"]),
        ("error", None, ["error", "error"]),
        ("skipped", None, ["skipped", "skipped"]),
        # ran but recorded nothing: never a pass
        ("pass", "select 1", ["error", "error"]),
        ("pass", "/* dativo_batched_results {not json} */", ["error", "error"]),
    ],
)
def test_expand_batch_without_counts_never_passes(
    status: str | None, code: str | None, expected: list[str]
) -> None:
    checks = batches.expand_batch(
        "test.p.b.x", read_batch(ENTRIES), status=status, compiled_code=code
    )
    assert [c.status for c in checks] == expected
    assert all(c.failures is None for c in checks)


def test_expanded_artifacts_carry_test_type_sql_and_relation() -> None:
    node = {
        "resource_type": "test",
        "unique_id": "test.p.dativo_c__batched.abc",
        "package_name": "p",
        "attached_node": "model.p.m",
        "config": {"severity": "ERROR", "meta": {"dativo": {"batch": json.dumps(ENTRIES)}}},
        "test_metadata": {"name": "batched_checks", "namespace": "dativo_dbt", "kwargs": {}},
    }
    result = {"unique_id": node["unique_id"], "status": "fail", "compiled_code": _code(HEADER)}
    manifest, results = batches.expand_batched_artifacts(
        {"nodes": {node["unique_id"]: node}}, {"results": [result]}
    )
    uid = "test.p.dativo_c__emails_unique.batched"
    tm = manifest["nodes"][uid]["test_metadata"]
    assert (tm["name"], tm["namespace"]) == (
        "expect_column_values_to_be_unique",
        "dbt_expectations",
    )
    assert manifest["nodes"][uid]["column_name"] == "email"
    (expanded,) = [r for r in results["results"] if r["unique_id"] == uid]
    assert expanded["relation_name"] == '"db"."q"."dativo_c__emails_unique"'
    assert expanded["compiled_code"] == HEADER["sql"]["dativo_c__emails_unique"]


def _check(test_name: str | None, check_type: str) -> CheckResult:
    return CheckResult(
        unique_id="test.p.x",
        name="x",
        check="x",
        check_type=check_type,
        test_name=test_name,
        test_namespace=None,
        model_unique_id="model.p.m",
        column="c",
        dimension="validity",
        scored_dimension="validity",
        severity="critical",
        weight=3.0,
        status="pass",
        scored=True,
        passed=True,
    )


@pytest.mark.parametrize(
    ("required", "test_name", "check_type"),
    [
        ("unique", "expect_column_values_to_be_unique", "uniqueness"),
        ("unique", None, "duplicate_count"),
        ("unique", "unique", "unique"),
        ("not_null", "expect_column_values_to_not_be_null", "missing"),
        ("not_null", None, "null_check"),
        ("accepted_values", "expect_column_values_to_be_in_set", "invalid"),
        ("relationships", "relationships", "custom"),
    ],
)
def test_required_tests_match_by_test_type(
    required: str, test_name: str | None, check_type: str
) -> None:
    assert required_test_present(required, [_check(test_name, check_type)])


def test_required_tests_do_not_match_other_types() -> None:
    assert not required_test_present(
        "unique", [_check("expect_column_values_to_match_regex", "regex")]
    )
    assert not required_test_present("accepted_values", [_check("not_null", "not_null")])


def test_sql_required_test_synonyms_equal_python() -> None:
    """macros/scoring/scoring_config.sql required_test_synonyms() is scoring/gates.py SYNONYMS."""
    source = (REPO_ROOT / "macros" / "scoring" / "scoring_config.sql").read_text()
    captured: dict[str, Any] = {}

    def _return(value: Any) -> str:
        captured["value"] = value
        return ""

    env = jinja2.Environment(extensions=["jinja2.ext.do"])
    env.from_string(source + "{{ required_test_synonyms() }}").render(
        {"return": _return, "var": lambda name, default=None: default}
    )
    assert {k: frozenset(v) for k, v in captured["value"].items()} == SYNONYMS
