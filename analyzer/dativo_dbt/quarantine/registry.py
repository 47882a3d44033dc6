"""The quarantine registry: a table in the warehouse recording each quarantined batch, its
lifecycle, and an audit log of every state change.

A batch is one model's failing rows from one dbt invocation, for contracts with
`on_quality_violation: quarantine`. dbt stores a quarantine test's failing rows in
`<schema>_dativo_quarantine.<test>` and replaces that table on every run, so registering a batch
copies each failing test's rows into a batch-owned relation (`<batch id>_<n>` in the registry
schema): the batch keeps its rows until it is purged, whatever later runs do.

Lifecycle (validated; every change is written to the audit table):

    quarantined --review--> reviewed --release--> released
         |  \\--release---------------------------^    |
         |                  reviewed --replay--> replayed
         \\--purge--> deleted  (from any state but deleted; `purge --expired` only past expires_at)

`purge` drops only the batch's own relations (never dbt's failure tables, never anything else).

On Spark (plain Parquet tables, no UPDATE without Delta Lake) the registry rows are written once and
never updated: a state change only appends its audit event, and a batch's current status, reviewer,
reviewed_at and updated_at are read from its latest audit event (its latest `review` event for the
reviewer). On DuckDB and PostgreSQL the registry row is updated as well, as before.

The package's on-run-end hook `dativo_dbt.register_quarantine(results)` (macros/quarantine/) writes
the same tables with the same DDL and batch ids, so dbt-only deployments register batches too and a
later `dativo-dbt quarantine register` of the same run adds nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from dativo_dbt.artifacts.project_nodes import ProjectNodes
from dativo_dbt.errors import DativoError
from dativo_dbt.quarantine.warehouse import Warehouse, check_ident
from dativo_dbt.scoring.models import ProjectScore

REGISTRY_TABLE = "dativo_quarantine_registry"
AUDIT_TABLE = "dativo_quarantine_audit"
STATUSES = ("quarantined", "reviewed", "released", "replayed", "deleted")
# action -> (allowed from-statuses, to-status)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "review": (("quarantined",), "reviewed"),
    "release": (("quarantined", "reviewed"), "released"),
    "replay": (("reviewed", "released"), "replayed"),
    "purge": (("quarantined", "reviewed", "released", "replayed"), "deleted"),
}
_QUOTED_RELATION = re.compile(r'^(?:"[^"]+"\.){1,2}"[^"]+"$')
# dbt-spark names relations `schema.table`, unquoted: accept plain identifiers there only
_SPARK_RELATION = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$")


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


@dataclass
class Batch:
    id: str
    contract: str
    contract_version: str | None
    model: str
    model_unique_id: str
    source_relation: str | None
    checks: list[dict[str, Any]]
    failure_count: int
    invocation_id: str | None
    quarantined_at: datetime
    expires_at: datetime
    status: str = "quarantined"
    reviewer: str | None = None
    reviewed_at: datetime | None = None
    updated_at: datetime | None = None
    relations: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        for k in ("quarantined_at", "expires_at", "reviewed_at", "updated_at"):
            out[k] = out[k].isoformat() if out[k] else None
        return out

    def expired(self, now: datetime) -> bool:
        return self.expires_at <= now


class TransitionError(DativoError):
    """A state change that the lifecycle does not allow (exit code 2)."""


class Registry:
    def __init__(self, wh: Warehouse, schema: str) -> None:
        self.wh = wh
        self.schema = check_ident(schema, "quarantine schema")
        self.q_schema = wh.quote(self.schema)
        self.table = f"{self.q_schema}.{wh.quote(REGISTRY_TABLE)}"
        self.audit_table = f"{self.q_schema}.{wh.quote(AUDIT_TABLE)}"
        self.append_only = wh.kind == "spark"

    # --- storage ---------------------------------------------------------------------------

    def ensure(self) -> None:
        """Create the schema and both tables when missing (idempotent)."""
        self.wh.execute(f"create schema if not exists {self.q_schema}")
        if self.append_only:
            self._ensure_spark()
            return
        self.wh.execute(
            f"""create table if not exists {self.table} (
                id varchar(64) primary key,
                contract varchar(256) not null,
                contract_version varchar(64),
                model varchar(256) not null,
                model_unique_id varchar(512) not null,
                source_relation varchar(1024),
                checks text not null,
                failing_relations text not null,
                failure_count integer not null,
                invocation_id varchar(64),
                quarantined_at timestamp not null,
                expires_at timestamp not null,
                status varchar(16) not null,
                reviewer varchar(256),
                reviewed_at timestamp,
                updated_at timestamp
            )"""
        )
        self.wh.execute(
            f"""create table if not exists {self.audit_table} (
                seq integer not null,
                batch_id varchar(64) not null,
                event_at timestamp not null,
                action varchar(32) not null,
                from_status varchar(16),
                to_status varchar(16) not null,
                actor varchar(256),
                detail text
            )"""
        )

    def _ensure_spark(self) -> None:
        """Spark types, no primary key (ids are unique by construction); as the hook's
        spark___quarantine_create (macros/spark/spark.sql)."""
        self.wh.execute(
            f"""create table if not exists {self.table} (
                id string not null, contract string not null, contract_version string,
                model string not null, model_unique_id string not null, source_relation string,
                checks string not null, failing_relations string not null,
                failure_count int not null, invocation_id string, quarantined_at timestamp not null,
                expires_at timestamp not null, status string not null, reviewer string,
                reviewed_at timestamp, updated_at timestamp)"""
        )
        self.wh.execute(
            f"""create table if not exists {self.audit_table} (
                seq int not null, batch_id string not null, event_at timestamp not null,
                action string not null, from_status string, to_status string not null,
                actor string, detail string)"""
        )

    def _current(self) -> str:
        """What batches are read from: the registry table, or on Spark the registry rows with
        their state taken from the latest audit events (the rows themselves are never updated)."""
        if not self.append_only:
            return self.table
        latest = "row_number() over (partition by batch_id order by seq desc) as n"
        return f"""(select r.id, r.contract, r.contract_version, r.model, r.model_unique_id,
                r.source_relation, r.checks, r.failing_relations, r.failure_count,
                r.invocation_id, r.quarantined_at, r.expires_at,
                coalesce(e.to_status, r.status) as status,
                coalesce(v.actor, r.reviewer) as reviewer,
                coalesce(v.event_at, r.reviewed_at) as reviewed_at,
                coalesce(e.event_at, r.updated_at) as updated_at
            from {self.table} r
            left join (select batch_id, to_status, event_at, {latest} from {self.audit_table}) e
                on e.batch_id = r.id and e.n = 1
            left join (select batch_id, actor, event_at, {latest} from {self.audit_table}
                       where action = 'review') v
                on v.batch_id = r.id and v.n = 1) batches"""

    def exists(self) -> bool:
        return self.wh.relation_exists(self.schema, REGISTRY_TABLE)

    def _row_to_batch(self, row: dict[str, Any]) -> Batch:
        return Batch(
            id=row["id"],
            contract=row["contract"],
            contract_version=row["contract_version"],
            model=row["model"],
            model_unique_id=row["model_unique_id"],
            source_relation=row["source_relation"],
            checks=json.loads(row["checks"]),
            failure_count=int(row["failure_count"]),
            invocation_id=row["invocation_id"],
            quarantined_at=row["quarantined_at"],
            expires_at=row["expires_at"],
            status=row["status"],
            reviewer=row["reviewer"],
            reviewed_at=row["reviewed_at"],
            updated_at=row["updated_at"],
            relations=json.loads(row["failing_relations"]),
        )

    def list_batches(
        self, *, status: str | None = None, contract: str | None = None
    ) -> list[Batch]:
        if not self.exists():
            return []
        where, params = [], []
        if status:
            where.append("status = %s")
            params.append(status)
        if contract:
            where.append("contract = %s")
            params.append(contract)
        clause = (" where " + " and ".join(where)) if where else ""
        rows = self.wh.query(
            f"select * from {self._current()}{clause} order by quarantined_at, id", params
        )
        return [self._row_to_batch(r) for r in rows]

    def get(self, batch_id: str) -> Batch:
        rows = (
            self.wh.query(f"select * from {self._current()} where id = %s", (batch_id,))
            if self.exists()
            else []
        )
        if not rows:
            raise DativoError(f"no quarantine batch {batch_id!r} in {self.schema}.{REGISTRY_TABLE}")
        return self._row_to_batch(rows[0])

    def audit(self, batch_id: str | None = None) -> list[dict[str, Any]]:
        if not self.wh.relation_exists(self.schema, AUDIT_TABLE):
            return []
        if batch_id:
            return self.wh.query(
                f"select * from {self.audit_table} where batch_id = %s order by seq",
                (batch_id,),
            )
        return self.wh.query(f"select * from {self.audit_table} order by seq")

    def _log(
        self,
        batch_id: str,
        action: str,
        frm: str | None,
        to: str,
        actor: str | None,
        detail: str | None,
        now: datetime,
    ) -> None:
        self.wh.execute(
            f"insert into {self.audit_table}"
            " (seq, batch_id, event_at, action, from_status, to_status, actor, detail)"
            f" select coalesce(max(seq), 0) + 1, %s, %s, %s, %s, %s, %s, %s from {self.audit_table}",
            (batch_id, now, action, frm, to, actor, detail),
        )

    # --- registration ----------------------------------------------------------------------

    @staticmethod
    def batch_id(invocation_id: str | None, model_unique_id: str) -> str:
        # md5 because the dbt hook (macros/quarantine/register_quarantine.sql) computes the same id
        # with dbt's local_md5: a batch registered by either is never registered twice.
        digest = hashlib.md5(
            f"{invocation_id}:{model_unique_id}".encode(), usedforsecurity=False
        ).hexdigest()
        return f"qb_{digest[:12]}"

    def register_run(
        self,
        project: ProjectScore,
        nodes: ProjectNodes,
        *,
        actor: str | None = None,
        now: datetime | None = None,
    ) -> tuple[list[Batch], list[str]]:
        """Register a batch per quarantine-handled model with failing rows. Returns (new batches,
        notes). Re-registering the same invocation adds nothing."""
        now = now or utcnow()
        self.ensure()
        created: list[Batch] = []
        notes: list[str] = []
        invocation = project.invocation_id or nodes.invocation_id
        for model in project.models:
            node = nodes.nodes.get(model.unique_id)
            meta = node.dativo if node else None
            if node is None or meta is None or meta.on_quality_violation != "quarantine":
                continue
            if not meta.quarantine.enabled:
                notes.append(
                    f"{model.name}: quarantine handling but quarantine.enabled is false; skipped"
                )
                continue
            failing = [
                c
                for c in model.checks
                if c.status in ("fail", "warn") and (c.failures or 0) > 0 and c.relation_name
            ]
            if not failing:
                continue
            bid = self.batch_id(invocation, model.unique_id)
            if self.wh.query(f"select id from {self.table} where id = %s", (bid,)):
                notes.append(f"{model.name}: batch {bid} already registered for this invocation")
                continue
            checks: list[dict[str, Any]] = []
            relations: list[str] = []
            self.wh.begin()
            try:
                for i, c in enumerate(failing, start=1):
                    source = str(c.relation_name)
                    pattern = _SPARK_RELATION if self.append_only else _QUOTED_RELATION
                    if not pattern.match(source):
                        raise DativoError(
                            f"unexpected failures relation name {source!r} for {c.name}"
                        )
                    copy = f"{bid}_{i}"
                    self.wh.execute(
                        f"create table {self.q_schema}.{self.wh.quote(copy)} as select * from {source}"
                    )
                    rel = f"{self.schema}.{copy}"
                    relations.append(rel)
                    checks.append(
                        {
                            "check": c.check,
                            "test": c.name,
                            "status": c.status,
                            "failures": c.failures,
                            "source_relation": source,
                            "relation": rel,
                        }
                    )
                batch = Batch(
                    id=bid,
                    contract=meta.contract or model.name,
                    contract_version=meta.version_text,
                    model=model.name,
                    model_unique_id=model.unique_id,
                    source_relation=node.relation_name,
                    checks=checks,
                    failure_count=sum(int(c.failures or 0) for c in failing),
                    invocation_id=invocation,
                    quarantined_at=now,
                    expires_at=now + timedelta(days=meta.quarantine.retention_or_default),
                    updated_at=now,
                    relations=relations,
                )
                self.wh.execute(
                    f"insert into {self.table} (id, contract, contract_version, model, model_unique_id,"
                    " source_relation, checks, failing_relations, failure_count, invocation_id,"
                    " quarantined_at, expires_at, status, reviewer, reviewed_at, updated_at)"
                    " values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    (
                        batch.id,
                        batch.contract,
                        batch.contract_version,
                        batch.model,
                        batch.model_unique_id,
                        batch.source_relation,
                        json.dumps(checks),
                        json.dumps(relations),
                        batch.failure_count,
                        batch.invocation_id,
                        batch.quarantined_at,
                        batch.expires_at,
                        batch.status,
                        None,
                        None,
                        now,
                    ),
                )
                self._log(
                    bid, "register", None, "quarantined", actor, f"{len(checks)} check(s)", now
                )
                self.wh.commit()
            except Exception:
                self.wh.rollback()
                raise
            created.append(batch)
        return created, notes

    # --- lifecycle -------------------------------------------------------------------------

    def transition(
        self,
        batch_id: str,
        action: str,
        *,
        actor: str | None = None,
        note: str | None = None,
        now: datetime | None = None,
    ) -> Batch:
        now = now or utcnow()
        allowed, to = TRANSITIONS[action]
        batch = self.get(batch_id)
        if batch.status not in allowed:
            raise TransitionError(
                f"cannot {action} batch {batch_id}: it is {batch.status} "
                f"({action} needs {' or '.join(allowed)})"
            )
        if action == "review" and not actor:
            raise DativoError("review needs a reviewer (--reviewer)")
        self.wh.begin()
        try:
            if action == "purge":
                self._drop_relations(batch)
            if not self.append_only:  # on Spark the audit event below is the change
                self._update(batch_id, action, to, actor, now)
            self._log(batch_id, action, batch.status, to, actor, note, now)
            self.wh.commit()
        except Exception:
            self.wh.rollback()
            raise
        return self.get(batch_id)

    def _update(
        self, batch_id: str, action: str, to: str, actor: str | None, now: datetime
    ) -> None:
        if action == "review":
            self.wh.execute(
                f"update {self.table} set status = %s, reviewer = %s, reviewed_at = %s, updated_at = %s"
                " where id = %s",
                (to, actor, now, now, batch_id),
            )
        else:
            self.wh.execute(
                f"update {self.table} set status = %s, updated_at = %s where id = %s",
                (to, now, batch_id),
            )

    def _drop_relations(self, batch: Batch) -> None:
        for rel in batch.relations:
            schema, _, name = rel.partition(".")
            # only the batch's own copies, in the registry schema
            if schema != self.schema or not name.startswith(batch.id + "_"):
                raise DativoError(f"refusing to drop {rel}: not a relation of batch {batch.id}")
            self.wh.execute(f"drop table if exists {self.wh.quote(schema)}.{self.wh.quote(name)}")

    def purge_expired(
        self, *, actor: str | None = None, now: datetime | None = None
    ) -> list[Batch]:
        now = now or utcnow()
        purged = []
        for batch in self.list_batches():
            if batch.status != "deleted" and batch.expired(now):
                purged.append(
                    self.transition(batch.id, "purge", actor=actor, note="expired", now=now)
                )
        return purged

    def rows(self, batch: Batch, limit: int = 20) -> dict[str, list[dict[str, Any]]]:
        """A sample of each stored relation's rows (for `show --rows`)."""
        out: dict[str, list[dict[str, Any]]] = {}
        for rel in batch.relations:
            schema, _, name = rel.partition(".")
            if not self.wh.relation_exists(schema, name):
                out[rel] = []
                continue
            out[rel] = self.wh.query(
                f"select * from {self.wh.quote(schema)}.{self.wh.quote(name)} limit {int(limit)}"
            )
        return out
