"""Planning (which tests are batched, how) and reading batched results back, without dbt."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from dativo_dbt.artifacts import batches
from dativo_dbt.artifacts.interface import TestMeta, read_batch_results
from dativo_dbt.generate import batch_specs, batched, execution, metrics_model

from bench.batched_project import properties, stripe_checks
from tests.batched.edge_project import edge_checks


def _tests(props: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    model = props["models"][0]
    out = []
    for entry in model.get("data_tests", []):
        out.extend(entry.items())
    for column in model.get("columns", []):
        for entry in column.get("data_tests", []):
            out.extend(entry.items())
    return out


def test_per_check_mode_leaves_the_properties_unchanged() -> None:
    props = properties(edge_checks())
    out, files = batched.apply_execution(props, "per-check")
    assert out == props and files == {}


def test_unknown_mode_is_an_error() -> None:
    with pytest.raises(batched.BatchError, match="unknown execution mode 'fast'"):
        batched.apply_execution(properties(edge_checks()), "fast")


def test_batched_mode_one_node_for_both_severities_and_custom_tests_stay() -> None:
    props = properties(edge_checks())
    before = copy.deepcopy(props)
    out, files = batched.apply_execution(props, "batched")
    assert props == before  # input not modified
    assert files == {}
    tests = _tests(out)
    names = sorted(body["name"] for _, body in tests)
    # without custom_tests (custom_tests.foldable) the custom check keeps its own test
    assert names == ["dativo_edge__batched", "dativo_edge__custom_training_range"]
    (batch,) = [body for test, body in tests if test == batched.BATCH_TEST]
    # error and warn checks share the node; it fails only when an error check failed
    assert batch["config"]["severity"] == "error"
    assert batch["config"]["error_if"] == batched.MIXED_ERROR_IF
    entries = json.loads(batch["config"]["meta"]["dativo"]["batch"])  # as written
    listed = [e["check"] for e in entries]
    assert len(listed) == 29 and "custom_training_range" not in listed
    warn_checks = {e["test_name"] for e in entries if e.get("dbt_severity") == "warn"}
    assert len(warn_checks) == 15
    assert all("dbt_severity" not in e for e in entries if e["test_name"] not in warn_checks)
    # the generator writes the batch's SQL: one labelled row per check, in meta.dativo.batch order,
    # saying whether the check is an error check (the node's error_if reads it)
    sql = batch["arguments"]["sql"]
    assert sql.count(" as dativo_error") == len(entries)
    labels = [
        f"'{e['test_name']}' as check_name, {0 if e['test_name'] in warn_checks else 1} as dativo_error"
        for e in entries
    ]
    positions = [sql.index(label) for label in labels]
    assert positions == sorted(positions)
    assert "{{ ref('stripe_customers') }}" in sql and "batched_checks" not in sql
    assert "{{ dbt_expectations.regexp_instr('email', " in sql  # the per-check test's own regex
    assert "where not (k1 is null or k2 is null)" in sql  # keys_unique_any: ignore_row_if any
    assert "m_0 >= 7" in sql or ">= 7 and" in sql  # row_count_equal: both bounds 7
    # failing rows are written for quarantine checks only, each with its own query
    samples = {s["name"]: s for s in batch["arguments"].get("samples", [])}
    regex = samples["dativo_edge__email_regex"]
    assert regex["sql"].startswith("select * from {{ ref('stripe_customers') }} where")
    assert regex["column"] == "email"  # dativo_dbt.valid_rows matches stored rows on it
    assert all(name.startswith("dativo_edge__") for name in samples)
    # the batch keeps each check's own meta (dimension, severity, weight) for scoring
    entry = next(e for e in entries if e["check"] == "email_regex")
    assert entry["test_name"] == "dativo_edge__email_regex" and entry["severity"] == "warning"
    # batches holding quarantine checks store into the quarantine schema
    assert batch["config"]["store_failures"] is True


def test_batch_severity_config() -> None:
    assert batched.severity_config(0, 3) == {"severity": "error"}
    assert batched.severity_config(3, 3) == {"severity": "warn"}
    assert batched.severity_config(1, 3) == {
        "severity": "error",
        "error_if": "!= 0 and max(dativo_error) = 1",
    }


@pytest.mark.parametrize(
    ("test", "column", "arguments", "config"),
    [
        ("dbt_expectations.expect_column_values_to_be_increasing", "id", {}, {}),
        (
            "dbt_expectations.expect_column_values_to_be_between",
            "balance",
            {"min_value": 0},
            {"where": "id > 1"},
        ),
        (
            "dbt_expectations.expect_column_values_to_be_between",
            "balance",
            {"min_value": 0},
            {"warn_if": ">10"},
        ),
        (
            "dbt_expectations.expect_column_mean_to_be_between",
            "balance",
            {"min_value": 0, "group_by": ["currency"]},
            {},
        ),
        (
            "dbt_expectations.expect_column_values_to_be_in_set",
            "currency",
            {"value_set": ["a"], "unknown": 1},
            {},
        ),
        ("accepted_values", "currency", {"values": ["a"], "quote": False}, {}),
        (
            "dbt_expectations.expect_compound_columns_to_be_unique",
            None,
            {"column_list": ["a"], "quote_columns": True},
            {},
        ),
    ],
)
def test_tests_that_must_keep_their_own_query(
    test: str, column: str | None, arguments: dict[str, Any], config: dict[str, Any]
) -> None:
    body = {
        "name": "dativo_x__c",
        "arguments": arguments,
        "config": {"severity": "warn", "meta": {"dativo": {"check": "c"}}, **config},
    }
    assert batch_specs.to_check(test, column, body) is None


def test_tests_without_dativo_meta_are_not_batched() -> None:
    body = {"name": "n", "arguments": {"min_value": 0}, "config": {}}
    assert (
        batch_specs.to_check("dbt_expectations.expect_column_values_to_be_between", "b", body)
        is None
    )
    with_meta = {**body, "config": {"meta": {"dativo": {"check": "c"}}}}
    assert (
        batch_specs.to_check("dbt_expectations.expect_column_values_to_be_between", "b", with_meta)
        is not None
    )


def test_repeated_test_names_are_refused_and_repeated_check_names_allowed() -> None:
    checks = stripe_checks()
    props = properties([checks[0], checks[0]])
    with pytest.raises(batched.BatchError, match="test names repeat"):
        batched.apply_execution(props, "batched")
    column, entry = checks[0]
    ((test, body),) = entry.items()
    twin = {test: {**body, "name": body["name"] + "_2"}}
    out, _ = batched.apply_execution(properties([checks[0], (column, twin)]), "batched")
    batch = out["models"][0]["data_tests"][0][batched.BATCH_TEST]
    assert [e.meta.check for e in batches.batch_entries(batch["config"]["meta"]["dativo"])] == [
        "email_format"
    ] * 2
    assert [e.test_name for e in batches.batch_entries(batch["config"]["meta"]["dativo"])] == [
        "dativo_stripe_customers__email_format",
        "dativo_stripe_customers__email_format_2",
    ]


def test_batched_metrics_mode_keeps_nodes_and_writes_the_metrics_model() -> None:
    out, files = batched.apply_execution(properties(stripe_checks()), "batched-metrics")
    assert list(files) == ["dativo_metrics__stripe_customers.sql"]
    model_sql = files["dativo_metrics__stripe_customers.sql"]
    assert "from {{ ref('stripe_customers') }}" in model_sql
    assert model_sql.count(" as check_name") == 10
    tests = _tests(out)
    assert len(tests) == 11
    metric = [body for test, body in tests if test == metrics_model.METRIC_TEST]
    assert len(metric) == 10  # the custom test keeps its own query (not found among macros)
    assert all("store_failures" not in body["config"] for body in metric)
    assert {m["name"] for m in out["models"]} == {
        "stripe_customers",
        "dativo_metrics__stripe_customers",
    }


def _artifacts(status: str, compiled: str | None) -> tuple[dict[str, Any], dict[str, Any]]:
    node = {
        "unique_id": "test.p.dativo_c__batched.abc",
        "resource_type": "test",
        "package_name": "p",
        "name": "dativo_c__batched",
        "attached_node": "model.p.m",
        "test_metadata": {"name": "batched_checks", "namespace": "dativo_dbt", "kwargs": {}},
        "config": {
            "severity": "ERROR",
            "meta": {
                "dativo": {
                    "check": "dativo_c__batched",
                    "batch": [
                        {"test_name": "dativo_c__a", "check": "a", "dimension": "validity"},
                        {"test_name": "dativo_c__b", "check": "b", "dimension": "accuracy"},
                    ],
                }
            },
        },
    }
    other = {"unique_id": "test.p.plain.1", "resource_type": "test", "name": "plain", "config": {}}
    manifest = {"nodes": {node["unique_id"]: node, other["unique_id"]: other}}
    results = {
        "results": [
            {
                "unique_id": node["unique_id"],
                "status": status,
                "failures": 1,
                "execution_time": 2.0,
                "compiled_code": compiled,
            },
            {"unique_id": "test.p.plain.1", "status": "pass", "failures": 0, "execution_time": 0.5},
        ]
    }
    return manifest, results


def test_expand_gives_one_result_per_check() -> None:
    compiled = '/* dativo_batched_results {"v": 1, "failures": {"dativo_c__a": 0, "dativo_c__b": 7}} */ select 1'
    manifest, results = batches.expand_batched_artifacts(*_artifacts("fail", compiled))
    by_name = {manifest["nodes"][r["unique_id"]]["name"]: r for r in results["results"]}
    assert set(by_name) == {"plain", "dativo_c__a", "dativo_c__b"}
    assert (by_name["dativo_c__a"]["status"], by_name["dativo_c__a"]["failures"]) == ("pass", 0)
    assert (by_name["dativo_c__b"]["status"], by_name["dativo_c__b"]["failures"]) == ("fail", 7)
    assert by_name["dativo_c__b"]["execution_time"] == 1.0
    node_b = manifest["nodes"][by_name["dativo_c__b"]["unique_id"]]
    assert node_b["config"]["meta"]["dativo"] == TestMeta(check="b", dimension="accuracy").to_dict()
    assert node_b["attached_node"] == "model.p.m"


def test_expand_warn_severity_and_errors() -> None:
    compiled = (
        '/* dativo_batched_results {"v": 1, "failures": {"dativo_c__a": 3, "dativo_c__b": 0}} */'
    )
    manifest, results = _artifacts("warn", compiled)
    manifest["nodes"]["test.p.dativo_c__batched.abc"]["config"]["severity"] = "warn"
    _, out = batches.expand_batched_artifacts(manifest, results)
    assert sorted((r["status"], r["failures"]) for r in out["results"]) == [
        ("pass", 0),
        ("pass", 0),
        ("warn", 3),
    ]
    _, out = batches.expand_batched_artifacts(*_artifacts("error", None))
    assert sorted(r["status"] for r in out["results"]) == ["error", "error", "pass"]
    # a batch that ran but recorded no per-check results is an error for every check, never a pass
    _, out = batches.expand_batched_artifacts(*_artifacts("pass", "select 1"))
    assert sorted(r["status"] for r in out["results"]) == ["error", "error", "pass"]


def test_expand_mixed_batch_gives_each_check_its_own_severity() -> None:
    """One node holds error and warn checks: a failing warn check is `warn`, a failing error check
    `fail`, and each expanded node carries its own severity and no batch error_if."""
    manifest, results = _artifacts("fail", None)
    node = manifest["nodes"]["test.p.dativo_c__batched.abc"]
    node["config"]["error_if"] = batched.MIXED_ERROR_IF
    node["config"]["meta"]["dativo"]["batch"][1]["dbt_severity"] = "warn"
    node["config"]["meta"]["dativo"]["batch"] = json.dumps(
        node["config"]["meta"]["dativo"]["batch"]
    )
    results["results"][0]["compiled_code"] = (
        '/* dativo_batched_results {"v": 1, "failures": {"dativo_c__a": 2, "dativo_c__b": 7}} */'
    )
    manifest, out = batches.expand_batched_artifacts(manifest, results)
    by_name = {manifest["nodes"][r["unique_id"]]["name"]: r for r in out["results"]}
    assert (by_name["dativo_c__a"]["status"], by_name["dativo_c__b"]["status"]) == ("fail", "warn")
    nodes = {n["name"]: n for n in manifest["nodes"].values()}
    assert nodes["dativo_c__a"]["config"]["severity"] == "ERROR"
    assert nodes["dativo_c__b"]["config"]["severity"] == "warn"
    assert all("error_if" not in nodes[n]["config"] for n in ("dativo_c__a", "dativo_c__b"))
    assert "dbt_severity" not in nodes["dativo_c__b"]["config"]["meta"]["dativo"]
    # only warn checks failing: every failing check warns
    counts = '{"v": 1, "failures": {"dativo_c__a": 0, "dativo_c__b": 7}}'
    outcomes = batches.expand_batch(
        node["unique_id"],
        batches.batch_entries(node["config"]["meta"]["dativo"]),
        status="warn",
        compiled_code=f"/* dativo_batched_results {counts} */",
    )
    assert [(o.status, o.dbt_severity) for o in outcomes] == [("pass", "error"), ("warn", "warn")]


def test_payload_survives_comment_terminators() -> None:
    payload = read_batch_results('/* dativo_batched_results {"v": 1, "failures": {"x*\\/y": 2}} */')
    assert payload is not None and payload.failures == {"x*/y": 2}
    assert read_batch_results(None) is None


def test_source_tables_are_batched() -> None:
    model = properties(stripe_checks())["models"][0]
    table = {k: v for k, v in model.items() if k != "config"}
    props = {"version": 2, "sources": [{"name": "stripe", "tables": [table]}]}
    out, _ = batched.apply_execution(props, "batched")
    tests = out["sources"][0]["tables"][0]["data_tests"]
    # the contract's quality checks are all quarantine (warn): one batch; the custom test stays
    assert [next(iter(t)) for t in tests] == [batched.BATCH_TEST]
    assert tests[0][batched.BATCH_TEST]["name"] == "dativo_stripe_customers__batched"
    assert tests[0][batched.BATCH_TEST]["config"]["severity"] == "warn"
    sql = tests[0][batched.BATCH_TEST]["arguments"]["sql"]
    assert sql.count(" as check_name") == 10
    assert "from {{ source('stripe', 'stripe_customers') }}" in sql
    remaining = [next(iter(t)) for c in table["columns"] for t in c.get("data_tests", [])]
    kept = [
        next(iter(t))
        for c in out["sources"][0]["tables"][0]["columns"]
        for t in c.get("data_tests", [])
    ]
    assert len(remaining) == 10 and kept == ["balance_within_training_range"]


def test_execution_mode_from_flag_project_var_or_default(tmp_path: Path) -> None:
    from dativo_dbt.core.errors import DativoError

    assert execution.resolve_execution(None, tmp_path) == execution.DEFAULT_EXECUTION == "per-check"
    (tmp_path / "dbt_project.yml").write_text("name: p\nvars:\n  dativo_dbt_execution: batched\n")
    assert execution.resolve_execution(None, tmp_path) == "batched"
    assert execution.resolve_execution("per-check", tmp_path) == "per-check"
    (tmp_path / "dbt_project.yml").write_text("name: p\nvars:\n  dativo_dbt_execution: fast\n")
    with pytest.raises(DativoError, match=r"dbt_project.yml: execution mode 'fast' is not one of"):
        execution.resolve_execution(None, tmp_path)
    with pytest.raises(DativoError, match="'batched-metrics' is not one of per-check, batched"):
        execution.resolve_execution("batched-metrics", None)


def test_generate_defaults_to_per_check(tmp_path: Path) -> None:
    """Without `--execution`, contract `execution:` or the project var, `generate` writes one dbt
    test per check: the example project's committed files, byte for byte, and no batch test."""
    from tests.helpers.dbt import REPO_ROOT, DbtProject, copy_project

    path = copy_project(REPO_ROOT / "integration_tests", tmp_path / "it")
    project_file = path / "dbt_project.yml"
    text = project_file.read_text()
    assert "  dativo_dbt_execution: per-check\n" in text
    project_file.write_text(text.replace("  dativo_dbt_execution: per-check\n", ""))
    committed = {p: p.read_bytes() for p in path.rglob("_dativo__*.yml")}
    assert committed
    for generated in committed:
        generated.unlink()
    DbtProject(path).dativo("generate")
    assert {p: p.read_bytes() for p in path.rglob("_dativo__*.yml")} == committed
    assert not any(batched.BATCH_TEST.encode() in data for data in committed.values())
