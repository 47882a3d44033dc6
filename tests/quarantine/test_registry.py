"""The quarantine registry and lifecycle on a real DuckDB file and on the PostgreSQL server, from a
scored run built in code (the end-to-end dbt run is in test_quarantine_dbt.py)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import msgspec
import pytest
from dativo_dbt.artifacts.project_nodes import load_nodes
from dativo_dbt.core.errors import DativoError
from dativo_dbt.quarantine.api import open_registry
from dativo_dbt.quarantine.batch import TransitionError
from dativo_dbt.quarantine.registry import Registry
from dativo_dbt.scoring.models import ProjectScore

from tests.conftest import PG_DSN
from tests.helpers.dbt import DATIVO
from tests.lineage import sample

T0 = datetime(2026, 11, 22, 5, 0, 0)


class Env:
    """A sample project bound to one warehouse, with the failing-rows table dbt would have stored."""

    def __init__(self, project: Path, kind: str, schema: str, score: ProjectScore) -> None:
        self.project = project
        self.kind = kind
        self.schema = schema  # target schema
        self.score = score
        self.q_schema = f"{schema}_dativo_quarantine"

    def registry(self) -> Registry:
        return open_registry(self.project)

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [DATIVO, "quarantine", *args, "--project-dir", str(self.project)],
            capture_output=True,
            text=True,
            check=False,
        )


def _setup(project: Path, kind: str, schema: str) -> Env:
    sample.write_project(project)
    failures_schema = f"{schema}_dq_failures"
    if kind == "postgres":
        (project / "profiles.yml").write_text(
            f"{sample.PROJECT}:\n  target: pg\n  outputs:\n    pg:\n      type: postgres\n"
            f"      host: 127.0.0.1\n      port: 5432\n      user: postgres\n      password: ''\n"
            f"      dbname: postgres\n      schema: {schema}\n"
        )
        database = "postgres"
    else:
        database = "warehouse"
    score = sample.project_score()
    email = score.model(f"model.{sample.PROJECT}.stripe_customers").checks[0]
    email.relation_name = (
        f'"{database}"."{failures_schema}"."dativo_stripe_customers__email_format"'
    )
    ddl = [
        f'create schema if not exists "{failures_schema}"',
        f'create table "{failures_schema}"."dativo_stripe_customers__email_format" (email varchar(64))',
        f"insert into \"{failures_schema}\".\"dativo_stripe_customers__email_format\" values ('bad@'), ('worse')",
    ]
    reg = open_registry(project)
    for sql in ddl:
        reg.wh.execute(sql)
    reg.wh.close()
    (project / "scores.json").write_bytes(msgspec.json.encode(score))
    return Env(project, kind, schema, score)


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Env]:
    if request.param == "postgres":
        schema = request.getfixturevalue("pg_schema")
        assert PG_DSN
        yield _setup(tmp_path / "proj", "postgres", schema)
    else:
        yield _setup(tmp_path / "proj", "duckdb", "main")


def test_register_copies_failing_rows_and_is_idempotent(env: Env) -> None:
    reg = env.registry()
    nodes = load_nodes(env.project / "target")
    created, notes = reg.register_run(env.score, nodes, actor="ci", now=T0)
    assert notes == []
    (batch,) = created  # stripe_customers only: orders is block-handled, payments passed
    assert batch.contract == "stripe_customers" and batch.contract_version == "1.0"
    assert batch.status == "quarantined"
    assert batch.failure_count == 2
    assert batch.invocation_id == sample.INVOCATION
    assert batch.expires_at - batch.quarantined_at == timedelta(days=30)
    assert [c["check"] for c in batch.checks] == ["email_format"]
    assert batch.relations == [f"{env.q_schema}.{batch.id}_1"]
    rows = reg.rows(batch)[batch.relations[0]]
    assert sorted(r["email"] for r in rows) == ["bad@", "worse"]
    again, notes = reg.register_run(env.score, nodes, now=T0)
    assert again == [] and "already registered" in notes[0]
    assert [b.id for b in reg.list_batches()] == [batch.id]
    reg.wh.close()


def test_lifecycle_is_validated_and_audited(env: Env) -> None:
    reg = env.registry()
    (batch,) = reg.register_run(env.score, load_nodes(env.project / "target"), actor="ci", now=T0)[
        0
    ]
    with pytest.raises(DativoError, match="reviewer"):
        reg.transition(batch.id, "review", now=T0)
    with pytest.raises(TransitionError, match="cannot replay"):
        reg.transition(batch.id, "replay", actor="ann", now=T0)
    reviewed = reg.transition(batch.id, "review", actor="ann", now=T0 + timedelta(hours=1))
    assert (reviewed.status, reviewed.reviewer) == ("reviewed", "ann")
    assert reviewed.reviewed_at == T0 + timedelta(hours=1)
    released = reg.transition(batch.id, "release", actor="ann", now=T0 + timedelta(hours=2))
    assert released.status == "released"
    with pytest.raises(TransitionError, match=r"cannot release batch .*: it is released"):
        reg.transition(batch.id, "release", actor="ann")
    purged = reg.transition(batch.id, "purge", actor="bob", now=T0 + timedelta(hours=3))
    assert purged.status == "deleted"
    schema, _, name = batch.relations[0].partition(".")
    assert not reg.wh.relation_exists(schema, name)
    # dbt's own failures table is never touched
    assert reg.wh.relation_exists(
        f"{env.schema}_dq_failures", "dativo_stripe_customers__email_format"
    )
    for action in ("release", "purge", "review", "replay"):
        with pytest.raises(TransitionError, match="it is deleted"):
            reg.transition(batch.id, action, actor="x")
    audit = reg.audit(batch.id)
    assert [(a["action"], a["from_status"], a["to_status"], a["actor"]) for a in audit] == [
        ("register", None, "quarantined", "ci"),
        ("review", "quarantined", "reviewed", "ann"),
        ("release", "reviewed", "released", "ann"),
        ("purge", "released", "deleted", "bob"),
    ]
    reg.wh.close()


def test_purge_expired_only_drops_expired(env: Env) -> None:
    reg = env.registry()
    nodes = load_nodes(env.project / "target")
    (old,) = reg.register_run(env.score, nodes, now=T0)[0]
    newer_score = msgspec.structs.replace(
        env.score, invocation_id="11111111-2222-3333-4444-555555555555"
    )
    (new,) = reg.register_run(newer_score, nodes, now=T0 + timedelta(days=20))[0]
    assert old.id != new.id
    purged = reg.purge_expired(actor="cron", now=T0 + timedelta(days=31))
    assert [b.id for b in purged] == [old.id]
    assert reg.get(old.id).status == "deleted"
    assert reg.get(new.id).status == "quarantined"
    assert reg.rows(reg.get(new.id))[new.relations[0]]  # still there
    assert reg.purge_expired(now=T0 + timedelta(days=31)) == []
    reg.wh.close()


def test_cli_lifecycle(env: Env) -> None:
    proc = env.cli("register", "--scores", str(env.project / "scores.json"), "--actor", "ci")
    assert proc.returncode == 0, proc.stderr
    assert "registered qb_" in proc.stdout and "2 failing rows" in proc.stdout
    batch_id = proc.stdout.split("registered ")[1].split(":")[0]

    listed = env.cli("list")
    assert listed.returncode == 0 and batch_id in listed.stdout and "quarantined" in listed.stdout
    assert env.cli("list", "--status", "released").stdout.strip() == "no quarantined batches"

    bad = env.cli("release", "nope")
    assert bad.returncode == 2 and "no quarantine batch 'nope'" in bad.stderr

    assert (
        env.cli("review", batch_id, "--reviewer", "ann").stdout.strip() == f"{batch_id}: reviewed"
    )
    assert env.cli("release", batch_id, "--note", "false positive").returncode == 0
    shown = env.cli("show", batch_id, "--rows", "5")
    assert shown.returncode == 0, shown.stderr
    assert "status       released" in shown.stdout and "reviewer     ann" in shown.stdout
    assert "(false positive)" in shown.stdout and "email=bad@" in shown.stdout
    actions = [
        line.split()[2] for line in shown.stdout.split("audit\n")[1].splitlines() if "->" in line
    ]
    assert actions == ["register", "review", "release"]

    purged = env.cli("purge", batch_id)
    assert purged.returncode == 0 and "deleted (dropped 1 relation(s))" in purged.stdout
    again = env.cli("release", batch_id)
    assert again.returncode == 2
    assert f"cannot release batch {batch_id}: it is deleted" in again.stderr
    assert "Traceback" not in again.stderr
    usage = env.cli("purge")
    assert usage.returncode == 2 and "either a BATCH_ID or --expired" in usage.stderr
    assert env.cli("purge", "--expired", "--dry-run").stdout.startswith("would purge 0 expired")
    assert env.cli("purge", batch_id, "--dry-run").returncode == 2
    assert env.cli("purge", "--expired").stdout.startswith("purged 0 expired")
