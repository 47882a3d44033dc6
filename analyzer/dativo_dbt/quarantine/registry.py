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
the same tables (columns defined once in tables.py) and batch ids, so dbt-only deployments register batches too and a
later `dativo-dbt quarantine register` of the same run adds nothing.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Any

from dativo_dbt.artifacts.project_nodes import ProjectNodes
from dativo_dbt.core.errors import DativoError
from dativo_dbt.quarantine.batch import TRANSITIONS, Batch, TransitionError, utcnow
from dativo_dbt.quarantine.candidates import Candidate, candidates
from dativo_dbt.quarantine.tables import (
    AUDIT_COLUMNS,
    AUDIT_TABLE,
    REGISTRY_COLUMNS,
    REGISTRY_TABLE,
    column_names,
    create_table_sql,
    current_batches_sql,
)
from dativo_dbt.scoring.models import ProjectScore
from dativo_dbt.warehouse.connection import Warehouse
from dativo_dbt.warehouse.quoting import check_ident

_QUOTED_RELATION = re.compile(r'^(?:"[^"]+"\.){1,2}"[^"]+"$')
# dbt-spark names relations `schema.table`, unquoted: accept plain identifiers there only
_SPARK_RELATION = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$")
_INSERT_BATCH = (
    f"({column_names(REGISTRY_COLUMNS)}) values ({', '.join(['%s'] * len(REGISTRY_COLUMNS))})"
)
_INSERT_EVENT = f"({column_names(AUDIT_COLUMNS)})"


class Registry:
    """The registry and audit tables in `schema` of a warehouse, and the batch lifecycle."""

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
        spark = self.append_only
        self.wh.execute(create_table_sql(self.table, REGISTRY_COLUMNS, spark=spark))
        self.wh.execute(create_table_sql(self.audit_table, AUDIT_COLUMNS, spark=spark))

    def _current(self) -> str:
        """What batches are read from: the registry table, or on Spark the registry rows with
        their state taken from the latest audit events (the rows themselves are never updated)."""
        if not self.append_only:
            return self.table
        return current_batches_sql(self.table, self.audit_table)

    def exists(self) -> bool:
        return self.wh.relation_exists(self.schema, REGISTRY_TABLE)

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
        return [Batch.from_row(r) for r in rows]

    def get(self, batch_id: str) -> Batch:
        rows = (
            self.wh.query(f"select * from {self._current()} where id = %s", (batch_id,))
            if self.exists()
            else []
        )
        if not rows:
            raise DativoError(f"no quarantine batch {batch_id!r} in {self.schema}.{REGISTRY_TABLE}")
        return Batch.from_row(rows[0])

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
            f"insert into {self.audit_table} {_INSERT_EVENT}"
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
        found, notes = candidates(project, nodes)
        for candidate in found:
            bid = self.batch_id(candidate.invocation_id, candidate.model.unique_id)
            if self.wh.query(f"select id from {self.table} where id = %s", (bid,)):
                notes.append(
                    f"{candidate.model.name}: batch {bid} already registered for this invocation"
                )
                continue
            created.append(self._register(bid, candidate, actor, now))
        return created, notes

    def _register(self, bid: str, candidate: Candidate, actor: str | None, now: datetime) -> Batch:
        """Copy the candidate's failing rows and insert its batch, in one transaction."""
        self.wh.begin()
        try:
            checks, relations = self._copy_failing_rows(bid, candidate)
            batch = candidate.batch(bid, checks, relations, now)
            self.wh.execute(f"insert into {self.table} {_INSERT_BATCH}", batch.row())
            self._log(bid, "register", None, "quarantined", actor, f"{len(checks)} check(s)", now)
            self.wh.commit()
        except Exception:
            self.wh.rollback()
            raise
        return batch

    def _copy_failing_rows(
        self, bid: str, candidate: Candidate
    ) -> tuple[list[dict[str, Any]], list[str]]:
        """Each failing check's stored rows copied to `<bid>_<n>`: (checks, relations)."""
        checks: list[dict[str, Any]] = []
        relations: list[str] = []
        pattern = _SPARK_RELATION if self.append_only else _QUOTED_RELATION
        for i, c in enumerate(candidate.failing, start=1):
            source = str(c.relation_name)
            if not pattern.match(source):
                raise DativoError(f"unexpected failures relation name {source!r} for {c.name}")
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
        return checks, relations

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
