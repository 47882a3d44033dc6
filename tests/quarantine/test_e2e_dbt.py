"""End to end on the integration project with real dbt (one `dbt build` per warehouse): failing
rows stored by quarantine tests, the valid-rows view, the registry lifecycle through the CLI,
spec-valid lineage events carrying every check, and notifications to local servers."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from dativo_dbt.quarantine.api import open_registry
from dativo_dbt.warehouse.connection import Warehouse

from tests.conftest import _pg_execute
from tests.helpers.dbt import REPO_ROOT, DbtProject, copy_project
from tests.lineage.ol_validate import validate_run_event
from tests.notify.servers import http_recorder

VALID_VIEW = (
    "{{ config(materialized='view') }}\n{{ dativo_dbt.valid_rows('stripe_customers', key='id') }}\n"
)
SLACK_TOKEN = "T9/B9/e2e-slack-secret-42"


@contextmanager
def _env(project: DbtProject) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.update(project.env())
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextmanager
def warehouse(project: DbtProject) -> Iterator[Warehouse]:
    with _env(project):
        registry = open_registry(project.path)
    try:
        yield registry.wh
    finally:
        registry.wh.close()


@pytest.fixture(
    scope="module", params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def built(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DbtProject]:
    path = copy_project(REPO_ROOT / "integration_tests", tmp_path_factory.mktemp("e2e") / "it")
    (path / "models" / "stripe" / "stripe_customers_valid.sql").write_text(VALID_VIEW)
    _add_quarantine_hook(path / "dbt_project.yml")
    schema = f"dativo_t_{uuid.uuid4().hex[:10]}" if request.param == "postgres" else None
    project = DbtProject(path, target=request.param, pg_schema=schema)
    try:
        project.dbt("deps")
        proc = project.dbt("build", expect_rc=None)
        assert (path / "target" / "run_results.json").is_file(), proc.stdout[-4000:]
        yield project
    finally:
        if schema:
            _pg_execute(
                "do $$ declare s text; begin for s in select nspname from pg_namespace "
                f"where nspname like '{schema}%' loop execute format('drop schema %I cascade', s); "
                "end loop; end $$"
            )


def _add_quarantine_hook(project_file: Path) -> None:
    """The copy also registers batches from dbt itself (the package's on-run-end hook)."""
    data = yaml.safe_load(project_file.read_text())
    hooks = data.get("on-run-end") or []
    hooks = [hooks] if isinstance(hooks, str) else list(hooks)
    data["on-run-end"] = ["{{ dativo_dbt.register_quarantine(results) }}", *hooks]
    project_file.write_text(yaml.safe_dump(data, sort_keys=False))


def _results(project: DbtProject) -> dict[str, dict[str, Any]]:
    """test unique_id -> {status, failures, model, severity} from the real artifacts."""
    manifest = project.manifest()
    out = {}
    for r in project.run_results()["results"]:
        node = manifest["nodes"].get(r["unique_id"], {})
        if node.get("resource_type") != "test":
            continue
        out[r["unique_id"]] = {
            "name": node["name"],
            "status": r["status"],
            "failures": r.get("failures"),
            "model": (node.get("attached_node") or "").split(".")[-1],
            "store_failures": bool(node["config"].get("store_failures")),
            "relation": node.get("relation_name"),
            "column": ((node.get("config") or {}).get("meta") or {}).get("dativo", {}).get("column")
            or ((node.get("test_metadata") or {}).get("kwargs") or {}).get("column_name"),
        }
    return out


def _check_failing_rows_stored_and_valid_rows_view(built: DbtProject) -> None:
    results = _results(built)
    stored = [
        r for r in results.values() if r["model"] == "stripe_customers" and r["store_failures"]
    ]
    assert stored, "the quarantine contract's tests store their failing rows"
    failing = [r for r in stored if r["status"] == "warn" and r["failures"]]
    assert failing
    with warehouse(built) as wh:
        for r in failing:
            (count,) = wh.query(f"select count(*) as n from {r['relation']}")
            assert count["n"] == r["failures"]
        model = {
            row["id"]
            for row in wh.query(
                "select id from main.stripe_customers"
                if built.target == "duckdb"
                else f'select id from "{built.pg_schema}".stripe_customers'
            )
        }
        view_sql = (
            "select id from main.stripe_customers_valid"
            if built.target == "duckdb"
            else f'select id from "{built.pg_schema}".stripe_customers_valid'
        )
        valid = {row["id"] for row in wh.query(view_sql)}
        schema = "main" if built.target == "duckdb" else f'"{built.pg_schema}"'
        rows = wh.query(f"select * from {schema}.stripe_customers")
        # rows identified by a stored failure: by id, by the column itself, or by `value_field`
        flagged: set[Any] = set()
        for r in failing:
            stored_rows = wh.query(f"select * from {r['relation']}")
            cols = set(stored_rows[0]) if stored_rows else set()
            if "id" in cols:
                flagged |= {x["id"] for x in stored_rows}
            elif r["column"] and (r["column"] in cols or "value_field" in cols):
                key = r["column"] if r["column"] in cols else "value_field"
                values = {x[key] for x in stored_rows}
                flagged |= {row["id"] for row in rows if row[r["column"]] in values}
    assert flagged and valid <= model
    assert not (flagged & valid)  # quarantined rows are not in the view
    assert valid | flagged <= model


def _columns(wh: Warehouse, schema: str, table: str) -> list[tuple[str, str]]:
    rows = wh.query(
        "select column_name, data_type from information_schema.columns"
        " where table_schema = %s and table_name = %s order by ordinal_position",
        (schema, table),
    )
    return [(r["column_name"], r["data_type"]) for r in rows]


def _check_register_and_lifecycle(built: DbtProject) -> None:
    results = _results(built)
    expected = {
        r["name"]
        for r in results.values()
        if r["model"] == "stripe_customers"
        and r["store_failures"]
        and r["status"] in ("warn", "fail")
        and r["failures"]
    }
    # the package's on-run-end hook registered the batch during `dbt build`
    (hooked,) = json.loads(built.dativo("quarantine", "list", "--format", "json").stdout)
    batch_id = hooked["id"]
    shown = json.loads(built.dativo("quarantine", "show", batch_id, "--format", "json").stdout)
    assert {c["test"] for c in shown["checks"]} == expected
    assert shown["contract"] == "stripe_customers" and shown["status"] == "quarantined"
    assert shown["contract_version"] == "1.0"
    assert shown["failure_count"] == sum(
        r["failures"] for r in results.values() if r["name"] in expected
    )
    assert [a["actor"] for a in shown["audit"]] == ["dbt on-run-end"]
    # the CLI computes the same batch id: registering the run again adds nothing
    assert "nothing new to quarantine" in built.dativo("quarantine", "register").stdout
    # the CLI registers on its own too (here into a second registry schema)
    target_schema = built.pg_schema or "main"
    other = f"{target_schema}_dq_cli"
    proc = built.dativo("quarantine", "register", "--schema", other, "--actor", "ci")
    assert f"registered {batch_id}:" in proc.stdout
    cli_batch = json.loads(
        built.dativo("quarantine", "show", batch_id, "--schema", other, "--format", "json").stdout
    )
    assert {c["test"] for c in cli_batch["checks"]} == expected
    assert cli_batch["failure_count"] == shown["failure_count"]
    with warehouse(built) as wh:
        hook_schema = f"{target_schema}_dativo_quarantine"
        for table in ("dativo_quarantine_registry", "dativo_quarantine_audit"):
            assert _columns(wh, hook_schema, table) == _columns(wh, other, table)
        for rel in shown["relations"] + cli_batch["relations"]:
            schema, _, name = rel.partition(".")
            (n,) = wh.query(f'select count(*) as n from "{schema}"."{name}"')
            assert n["n"] > 0

    built.dativo("quarantine", "review", batch_id, "--reviewer", "ann")
    built.dativo("quarantine", "release", batch_id)
    denied = built.dativo("quarantine", "review", batch_id, "--reviewer", "bob", expect_rc=2)
    assert "cannot review" in denied.stderr and "it is released" in denied.stderr
    built.dativo("quarantine", "purge", batch_id)
    listed = json.loads(built.dativo("quarantine", "list", "--format", "json").stdout)
    assert [(b["id"], b["status"]) for b in listed] == [(batch_id, "deleted")]
    with warehouse(built) as wh:
        for rel in shown["relations"]:
            schema, _, name = rel.partition(".")
            assert not wh.relation_exists(schema, name)
        for rel in cli_batch["relations"]:  # the other registry's batch is untouched
            schema, _, name = rel.partition(".")
            assert wh.relation_exists(schema, name)
        # dbt's own failures tables are untouched
        for r in results.values():
            if r["name"] in expected:
                wh.query(f"select count(*) as n from {r['relation']}")


def _check_lineage_events_carry_every_check(built: DbtProject, tmp_path: Path) -> None:
    out = tmp_path / "events.jsonl"
    built.dativo("lineage", "--output", str(out))
    events = [json.loads(line) for line in out.read_text().splitlines()]
    assert events
    for event in events:
        validate_run_event(event)
    results = _results(built)
    ends = [e for e in events if e["eventType"] in ("COMPLETE", "FAIL")]
    by_model = {e["inputs"][0]["name"].split(".")[-1]: e for e in ends}
    for model in {
        r["model"] for r in results.values() if r["status"] in ("pass", "fail", "warn", "error")
    }:
        if model not in by_model:
            continue
        assertions = by_model[model]["inputs"][0]["facets"]["dataQualityAssertions"]["assertions"]
        expected = {
            r["name"] for r in results.values() if r["model"] == model and r["status"] != "skipped"
        }
        assert {a["name"] for a in assertions} == expected, model
        blocking = any(
            r["status"] in ("fail", "error") for r in results.values() if r["model"] == model
        )
        assert by_model[model]["eventType"] == ("FAIL" if blocking else "COMPLETE"), model
    assert "stripe_customers" in by_model
    ns = events[0]["inputs"][0]["namespace"]
    assert ns.startswith("duckdb://" if built.target == "duckdb" else "postgres://127.0.0.1:5432")


def _check_notify_failing_run(built: DbtProject) -> None:
    with http_recorder() as http:
        (built.path / "notifications.yml").write_text(
            "notifications:\n  retry: {attempts: 2, backoff_seconds: 0}\n  channels:\n"
            "    slack: {webhook_url: '${SLACK_WEBHOOK_URL}'}\n"
            "    pagerduty: {routing_key: '${PD_KEY}', events_url: '${PD_URL}'}\n"
        )
        env = {
            "SLACK_WEBHOOK_URL": f"{http.url}/slack/{SLACK_TOKEN}",
            "PD_KEY": "pd-e2e-routing-key-77",
            "PD_URL": f"{http.url}/v2/enqueue",
        }
        proc = built.dativo("notify", extra_env=env)
        slack = [p.json() for p in http.posts(f"/slack/{SLACK_TOKEN}")]
        pd = [p.json() for p in http.posts("/v2/enqueue")]
    for secret in (SLACK_TOKEN, "pd-e2e-routing-key-77"):
        assert secret not in proc.stdout + proc.stderr
    assert any("Contract violation: stripe_customers" in m["text"] for m in slack)
    assert {p["dedup_key"] for p in pd} >= {
        "dativo/stripe_customers/model.dativo_integration_tests.stripe_customers"
    }


def _check_score_handlers(built: DbtProject, tmp_path: Path) -> None:
    """`score --lineage-output --quarantine --notify`: handlers run, the exit code stays the gate's."""
    plain = built.dativo("score", "--format", "json", expect_rc=None)
    assert plain.returncode in (0, 1), plain.stderr
    out = tmp_path / "score_events.jsonl"
    proc = built.dativo(
        "score",
        "--format",
        "json",
        "--lineage-output",
        str(out),
        "--quarantine",
        "--notify",
        expect_rc=None,
        # nothing listens there; nothing is sent anyway (see the de-dup assertion below)
        extra_env={
            "SLACK_WEBHOOK_URL": "http://127.0.0.1:9/slack/nobody",
            "PD_KEY": "pd-key-unused-1",
            "PD_URL": "http://127.0.0.1:9/v2/enqueue",
        },
    )
    assert proc.returncode == plain.returncode, proc.stderr
    assert json.loads(proc.stdout)["summary"] == json.loads(plain.stdout)["summary"]
    events = [json.loads(line) for line in out.read_text().splitlines()]
    assert events
    for event in events:
        validate_run_event(event)
    assert f"emitted {len(events)} OpenLineage events" in proc.stderr
    assert "already registered for this invocation" in proc.stderr  # the hook registered it
    assert "contract violation summary(ies)" in proc.stderr
    # `notify` already sent these violations: de-duplicated across commands
    assert "skipped  slack" in proc.stderr and "FAILED" not in proc.stderr


def test_violations_end_to_end(built: DbtProject, tmp_path: Path) -> None:
    """One test per warehouse, so that pytest-xdist never builds the project twice for it."""
    _check_failing_rows_stored_and_valid_rows_view(built)
    _check_lineage_events_carry_every_check(built, tmp_path)
    _check_notify_failing_run(built)
    _check_score_handlers(built, tmp_path)
    _check_register_and_lifecycle(built)
