"""`score --notify/--lineage/--quarantine` handlers: run after scoring, never change the exit code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from dativo_dbt.cli.score_options import pop_violation_options, violation_options
from dativo_dbt.quarantine.api import open_registry
from dativo_dbt.tasks.score_hooks import ViolationOptions, after_score

from tests.lineage import sample
from tests.lineage.ol_validate import validate_run_event
from tests.notify.servers import http_recorder


def test_options_are_added_and_popped() -> None:
    seen: dict[str, Any] = {}

    @click.command()
    @violation_options
    def cmd(**kwargs: Any) -> None:
        seen["opts"] = pop_violation_options(kwargs)
        seen["rest"] = kwargs

    result = CliRunner().invoke(cmd, ["--notify", "--lineage-output", "x.jsonl", "--quarantine"])
    assert result.exit_code == 0, result.output
    assert seen["opts"] == ViolationOptions(
        notify=True, lineage_output=Path("x.jsonl"), quarantine=True
    )
    assert seen["rest"] == {}


def test_after_score_runs_every_handler(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = sample.write_project(tmp_path / "proj")
    score = sample.project_score()
    # the failing rows dbt stored for the quarantine check
    reg = open_registry(project)
    reg.wh.execute('create schema if not exists "dq"')
    reg.wh.execute('create table "dq"."email_failures" (email varchar)')
    reg.wh.execute('insert into "dq"."email_failures" values (\'x@\')')
    reg.wh.close()
    score.models[0].checks[0].relation_name = '"warehouse"."dq"."email_failures"'
    out = tmp_path / "ol.jsonl"
    with http_recorder() as http:
        http.script["/slack/secret-path-123"] = [500] * 10  # slack is down: reported, not fatal
        monkeypatch.setenv("SLACK_URL", f"{http.url}/slack/secret-path-123")
        monkeypatch.setenv("HOOK_URL", f"{http.url}/hook")
        (project / "notifications.yml").write_text(
            "notifications:\n  retry: {attempts: 2, backoff_seconds: 0}\n  channels:\n"
            "    slack: {webhook_url: '${SLACK_URL}'}\n    webhook: {url: '${HOOK_URL}'}\n"
        )
        after_score(
            score, project, None, ViolationOptions(notify=True, lineage_output=out, quarantine=True)
        )
        hooks = http.posts("/hook")
    err = capsys.readouterr().err
    assert len(hooks) == 2
    assert "FAILED   slack" in err and "secret-path-123" not in err
    events = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(events) == 6
    for e in events:
        validate_run_event(e)
    assert "quarantined qb_" in err
    reg = open_registry(project)
    assert [b.contract for b in reg.list_batches()] == ["stripe_customers"]
    reg.wh.close()


def test_after_score_lineage_failure_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = sample.write_project(tmp_path / "proj")
    (project / "profiles.yml").write_text("other: {}\n")  # profile missing: namespace unknown
    after_score(
        sample.project_score(), project, None, ViolationOptions(lineage_output=tmp_path / "o.jsonl")
    )
    assert "warning: lineage not emitted" in capsys.readouterr().err


def test_nothing_requested_does_nothing(tmp_path: Path) -> None:
    after_score(sample.project_score(), tmp_path / "missing", None, ViolationOptions())
    after_score(sample.project_score(), tmp_path / "missing", None, None)
