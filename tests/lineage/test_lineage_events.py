"""OpenLineage events from a scored run: spec validity, naming, FAIL vs COMPLETE, every check's
result, and delivery through openlineage-python's transports (file, console, http to 127.0.0.1)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import msgspec
import pytest
from dativo_dbt.artifacts.project_nodes import load_nodes
from dativo_dbt.lineage.emit import TransportOptions, emit_events
from dativo_dbt.lineage.events import FACET_KEY, LineageSettings, build_events
from dativo_dbt.lineage.run import events_for_run

from tests.helpers.dbt import DATIVO
from tests.lineage import sample
from tests.lineage.ol_validate import SpecError, validate_run_event
from tests.notify.servers import http_recorder


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return sample.write_project(tmp_path / "proj")


def _events(project: Path, **kw: Any) -> list[dict[str, Any]]:
    from openlineage.client.serde import Serde

    events = events_for_run(sample.project_score(), project, **kw)
    return [json.loads(Serde.to_json(e)) for e in events]


def _by_model(events: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for e in events:
        out.setdefault(e["job"]["name"].split(".")[-3], []).append(e)
    return out


def test_every_event_is_spec_valid(project: Path) -> None:
    events = _events(project)
    assert len(events) == 6
    for event in events:
        validate_run_event(event)


def test_validator_rejects_broken_events(project: Path) -> None:
    good = _events(project)[1]
    broken = json.loads(json.dumps(good))
    del broken["run"]["runId"]
    with pytest.raises(SpecError, match="runId"):
        validate_run_event(broken)
    broken = json.loads(json.dumps(good))
    broken["inputs"][0]["facets"]["dataQualityAssertions"]["assertions"][0]["success"] = "yes"
    with pytest.raises(SpecError, match="success"):
        validate_run_event(broken)
    broken = json.loads(json.dumps(good))
    broken["inputs"][0]["facets"][FACET_KEY]["score"] = "high"
    with pytest.raises(SpecError):
        validate_run_event(broken)
    broken = json.loads(json.dumps(good))
    broken["eventTime"] = "2026-11-22"
    with pytest.raises(SpecError):
        validate_run_event(broken)


def test_naming_matches_dbt_ol(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENLINEAGE_NAMESPACE", raising=False)
    events = _events(project)
    e = events[0]
    assert e["job"]["namespace"] == "dbt"
    assert e["job"]["name"] == "warehouse.main.dativo_integration_tests.stripe_customers.build.test"
    dataset = events[1]["inputs"][0]
    # dbt-ol names the namespace from the profile's path as written
    assert dataset["namespace"] == "duckdb://target/warehouse.duckdb"
    assert dataset["name"] == "warehouse.main.stripe_customers"
    parent = e["run"]["facets"]["parent"]
    assert parent["job"]["namespace"] == "dbt"
    assert parent["job"]["name"] == "dbt-run-dativo_integration_tests"
    assert parent["run"]["runId"] == sample.INVOCATION
    monkeypatch.setenv("OPENLINEAGE_NAMESPACE", "prod-dbt")
    assert _events(project)[0]["job"]["namespace"] == "prod-dbt"


def test_test_command_job_suffix(tmp_path: Path) -> None:
    proj = sample.write_project(tmp_path / "p", command="test")
    assert _events(proj)[0]["job"]["name"].endswith("stripe_customers.test")


def test_fail_only_for_blocking_checks(project: Path) -> None:
    by_model = _by_model(_events(project))
    assert [e["eventType"] for e in by_model["stripe_customers"]] == ["START", "COMPLETE"]
    assert [e["eventType"] for e in by_model["orders"]] == ["START", "FAIL"]
    assert [e["eventType"] for e in by_model["payments"]] == ["START", "COMPLETE"]
    fail = by_model["orders"][1]
    assert "dativo_orders__amount_range" in fail["run"]["facets"]["errorMessage"]["message"]
    assert fail["inputs"][0]["facets"][FACET_KEY]["blockingFailures"] == [
        "dativo_orders__amount_range"
    ]
    # START and end share the run id; different models differ
    assert len({e["run"]["runId"] for e in by_model["orders"]}) == 1
    assert by_model["orders"][0]["run"]["runId"] != by_model["payments"][0]["run"]["runId"]


def test_warn_under_block_handling_fails(project: Path) -> None:
    score = sample.project_score()
    nodes = load_nodes(project / "target")
    uid = "model.dativo_integration_tests.stripe_customers"
    info = nodes.nodes[uid]
    assert info.dativo is not None
    block = msgspec.structs.replace(info.dativo, on_quality_violation="block")
    nodes.nodes[uid] = msgspec.structs.replace(info, dativo=block)
    events = build_events(score, nodes, LineageSettings("dbt", "duckdb://x"))
    assert [e.eventType.value for e in events[:2] if e.eventType] == ["START", "FAIL"]


def test_assertions_carry_every_check(project: Path) -> None:
    by_model = _by_model(_events(project))
    end = by_model["stripe_customers"][1]
    dataset = end["inputs"][0]
    facet = dataset["facets"]["dataQualityAssertions"]
    assert dataset["inputFacets"]["dataQualityAssertions"] == facet
    by_name = {a["name"]: a for a in facet["assertions"]}
    # the skipped check did not run: no assertion for it
    assert set(by_name) == {
        "dativo_stripe_customers__email_format",
        "dativo_stripe_customers__id_not_null",
    }
    email = by_name["dativo_stripe_customers__email_format"]
    assert email == {
        "assertion": "expect_column_values_to_match_regex",
        "name": "dativo_stripe_customers__email_format",
        "success": False,
        "column": "email",
        "severity": "warn",
        "expected": "0",
        "actual": "2",
        "params": {
            "dimension": "validity",
            "contract": "stripe_customers",
            "contract_version": "1.0",
            "check": "email_format",
            "dativo_severity": "critical",
            "weight": 3.0,
            "status": "warn",
            "origin": "soda",
        },
    }
    assert by_name["dativo_stripe_customers__id_not_null"]["success"] is True
    score = dataset["facets"][FACET_KEY]
    assert score["score"] == 88.0
    assert score["tier"] == "gold"
    assert score["dimensionScores"]["validity"] == 88.0
    assert score["checksTotal"] == 2 and score["checksFailed"] == 1
    assert score["_producer"].startswith("https://")
    assert dataset["facets"]["ownership"]["owners"] == [{"name": "data-platform@company.com"}]
    # START carries the dataset without facets
    assert by_model["stripe_customers"][0]["inputs"] == [
        {
            "namespace": dataset["namespace"],
            "name": dataset["name"],
            "facets": {},
            "inputFacets": {},
        }
    ]


def test_file_transport_writes_json_lines(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "ol" / "events.jsonl"
    out.parent.mkdir()
    out.write_text("stale\n")
    events = events_for_run(sample.project_score(), project)
    assert emit_events(events, TransportOptions(kind="file", output=out)) == 6
    lines = out.read_text().splitlines()
    assert len(lines) == 6
    for line in lines:
        validate_run_event(json.loads(line))


def test_http_delivery_with_api_key_and_retry(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OL_TEST_KEY", "s3cr3t-ol-key")
    with http_recorder() as server:
        server.script["/api/v1/lineage"] = [503]  # first post fails, the client's retry delivers it
        events = events_for_run(sample.project_score(), project)
        emit_events(
            events,
            TransportOptions(kind="http", url=server.url, api_key_env="OL_TEST_KEY", timeout=5.0),
        )
        posts = server.posts("/api/v1/lineage")
    assert len(posts) == 7
    received = [p.json() for p in posts[1:]]
    for event in received:
        validate_run_event(event)
    assert [e["eventType"] for e in received] == [
        "START",
        "COMPLETE",
        "START",
        "FAIL",
        "START",
        "COMPLETE",
    ]
    assert all(p.headers["authorization"] == "Bearer s3cr3t-ol-key" for p in posts)


def test_cli_scores_file_to_output(project: Path, tmp_path: Path) -> None:
    scores = tmp_path / "scores.json"
    scores.write_bytes(msgspec.json.encode(sample.project_score()))
    out = tmp_path / "events.jsonl"
    proc = subprocess.run(
        [
            DATIVO,
            "lineage",
            "--project-dir",
            str(project),
            "--scores",
            str(scores),
            "--output",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "emitted 6 OpenLineage events" in proc.stderr and "(1 FAIL)" in proc.stderr
    events = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(events) == 6
    for event in events:
        validate_run_event(event)


def test_cli_console_and_openlineage_config(project: Path, tmp_path: Path) -> None:
    scores = tmp_path / "scores.json"
    scores.write_bytes(msgspec.json.encode(sample.project_score()))
    proc = subprocess.run(
        [
            DATIVO,
            "lineage",
            "--project-dir",
            str(project),
            "--scores",
            str(scores),
            "--transport",
            "console",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(lines) == 6
    validate_run_event(lines[3])
    with http_recorder() as server:
        config = tmp_path / "openlineage.yml"
        config.write_text(
            f"transport:\n  type: http\n  url: {server.url}\n  endpoint: /custom/lineage\n"
        )
        proc = subprocess.run(
            [
                DATIVO,
                "lineage",
                "--project-dir",
                str(project),
                "--scores",
                str(scores),
                "--openlineage-config",
                str(config),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        assert len(server.posts("/custom/lineage")) == 6


def test_cli_bad_input_exit_2(project: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    proc = subprocess.run(
        [
            DATIVO,
            "lineage",
            "--project-dir",
            str(project),
            "--scores",
            str(bad),
            "--output",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "bad.json" in proc.stderr and "Traceback" not in proc.stderr


def test_handling_by_check_origin() -> None:
    from dativo_dbt.artifacts.interface import read_model_meta
    from dativo_dbt.lineage.events import handling_for, is_blocking

    meta = read_model_meta(sample.MODELS["orders"] | {"on_sla_violation": "warn"})
    quality = sample.check("orders", "q", "warn", dbt_severity="warn")
    sla = msgspec.structs.replace(quality, origin="sla")
    schema = msgspec.structs.replace(quality, origin="schema")
    plain = msgspec.structs.replace(quality, contract=None)
    assert handling_for(quality, meta) == "block" and is_blocking(quality, "block")
    assert handling_for(sla, meta) == "warn" and not is_blocking(sla, handling_for(sla, meta))
    assert handling_for(schema, meta) == "block"
    assert handling_for(plain, meta) is None and not is_blocking(plain, None)
    assert is_blocking(msgspec.structs.replace(plain, status="fail"), None)


def test_http_failure_is_an_error_without_secrets(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dativo_dbt.core.errors import DativoError

    monkeypatch.setenv("OL_TEST_KEY", "k3y-never-shown")
    with http_recorder(default_status=401) as server:
        url = server.url.replace("http://", "http://olu:olpass@")
        events = events_for_run(sample.project_score(), project)
        with pytest.raises(DativoError) as exc:
            emit_events(events, TransportOptions(kind="http", url=url, api_key_env="OL_TEST_KEY"))
    message = exc.value.render()
    assert "401" in message
    assert "k3y-never-shown" not in message and "olpass" not in message
