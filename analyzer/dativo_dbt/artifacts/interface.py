"""The dbt interface of dativo-dbt, version 1: what `generate` writes into dbt and readers read back.

Every shape that crosses dbt has ONE struct here, used by `generate` to write and by every reader
(scoring, lineage, history, quarantine, notify, report) to read (docs/INTERFACES.md section 1):

- :class:`ModelMeta`: a governed model's (or source's) `config.meta.dativo`;
- :class:`TestMeta`: a generated test's `config.meta.dativo`;
- :class:`BatchEntry`: one check listed in a batch test's `meta.dativo.batch` (JSON text);
- :class:`BatchResults`: the `/* dativo_batched_results {json} */` header a batch test's compiled
  SQL carries after dbt ran it (written by `macros/batched/batched_tests.sql`).

Writing (`to_dict`, `encode_batch`) gives exactly the keys and key order the generated files have
always had: the fixed keys always, the optional ones only when set. Reading (`read_*`) is lenient,
as a manifest may hold meta written by an older dativo-dbt or edited by hand: a field of the wrong
type is dropped (its default used), never a crash; an unknown batch-results version is unreadable
(None), so the checks of that batch count as errors (fail closed). This module imports nothing
from the rest of dativo_dbt.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, TypeVar

import msgspec

VERSION = 1  # of this interface; the batch results header carries it as "v"

BATCH_TEST_NAME = "batched_checks"  # test_metadata.name of a batch test
BATCH_NAMESPACE = "dativo_dbt"  # its test_metadata.namespace
# `error_if` of a batch holding error and warn checks (its node fails only on an error check);
# generate writes it, artifacts.batches removes it again when expanding
MIXED_ERROR_IF = "!= 0 and max(dativo_error) = 1"
RESULTS_TAG = "dativo_batched_results"  # names the results header comment
RESULTS_MARK = re.compile(r"/\* " + RESULTS_TAG + r" (\{.*?\}) \*/", re.DOTALL)

T = TypeVar("T", bound=msgspec.Struct)


class NotificationMeta(msgspec.Struct, frozen=True, gc=False):
    """Where a model's violations are sent (contract `violation_handling.notification`)."""

    channels: list[str] = []
    recipients: list[str] = []


class QuarantineMeta(msgspec.Struct, frozen=True, gc=False):
    """A model's quarantine settings (contract `violation_handling.quarantine`)."""

    enabled: bool = False
    retention_days: int | None = None  # None: the reader's default (30 days)

    @property
    def retention_or_default(self) -> int:
        """Retention in days, 30 when the contract did not say."""
        return self.retention_days or 30


class SlaMeta(msgspec.Struct, frozen=True, gc=False, omit_defaults=True):
    """A contract's SLA targets, as written on its model."""

    freshness_max_age_hours: float | None = None
    min_records_per_day: int | None = None
    uptime_percentage: float | None = None


class _ContractRef(msgspec.Struct, frozen=True, gc=False):
    """The first two keys of every meta.dativo: the contract and its version."""

    contract: str | None = None
    contract_version: str | int | float | None = None

    @property
    def version_text(self) -> str | None:
        """contract_version as text (YAML may have read `1.0` as a number)."""
        return None if self.contract_version is None else str(self.contract_version)


class ModelMeta(_ContractRef, frozen=True, gc=False):
    """`meta.dativo` of a governed model or source. Field order = the generated key order."""

    owner: str | None = None
    tier: str | None = None
    status: str | None = None
    on_quality_violation: str = "warn"
    on_schema_violation: str = "block"
    on_sla_violation: str = "warn"
    notification: NotificationMeta = NotificationMeta()
    quarantine: QuarantineMeta = QuarantineMeta()
    # optional: written only when the contract sets them
    classification: str | None = None
    tags: list[str] | None = None
    documentation_url: str | None = None
    schema_contract: dict[str, Any] | None = None
    sla: SlaMeta | None = None
    # `generate --placement in_place` bookkeeping (what it added / replaced); readers ignore it
    managed: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The mapping `generate` writes (optional keys only when set)."""
        return _to_dict(self, _MODEL_OPTIONAL)


class TestMeta(_ContractRef, frozen=True, gc=False):
    """`meta.dativo` of a generated test (a batch test's too). Field order = the generated order."""

    check: str | None = None
    check_type: str | None = None
    origin: str | None = None
    dimension: str | None = None
    severity: str | None = None
    weight: float | None = None
    column: str | None = None
    # optional: written only when set
    execution: str | None = None  # the check's own execution mode override
    replaces: str | None = None  # a dativo_dbt.quarantine_rows test: the generic test it stands for
    batch: str | None = None  # a batch test: its entries, JSON text (see encode_batch)

    def to_dict(self) -> dict[str, Any]:
        """The mapping `generate` writes: the fixed keys (even when null), optional ones when set."""
        return _to_dict(self, _TEST_OPTIONAL)


class BatchEntry(msgspec.Struct, frozen=True, gc=False):
    """One check of a batch test: the per-check test it replaces, and that test's meta.dativo."""

    test_name: str  # the per-check test's name
    test: str | None = None  # the generic test it runs, e.g. `dbt_expectations.expect_...`
    column_name: str | None = None  # its column (column tests)
    dbt_severity: str | None = None  # `warn` for a warn check; None: the batch node's severity
    meta: TestMeta = TestMeta()

    def to_dict(self) -> dict[str, Any]:
        """`{test_name, test, [column_name], [dbt_severity], <meta.dativo keys>}`, as written."""
        head: dict[str, Any] = {"test_name": self.test_name, "test": self.test}
        if self.column_name is not None:
            head["column_name"] = self.column_name
        if self.dbt_severity is not None:
            head["dbt_severity"] = self.dbt_severity
        return head | self.meta.to_dict()

    @property
    def test_name_and_namespace(self) -> tuple[str | None, str | None]:
        """(generic test name, package) of `test`: `dbt_expectations.x` -> (`x`, `dbt_expectations`)."""
        if not self.test:
            return None, None
        namespace, _, name = self.test.rpartition(".")
        return name, namespace or None


class BatchResults(msgspec.Struct, frozen=True, gc=False):
    """What a batch test recorded while dbt ran it (its compiled SQL's results header)."""

    failures: dict[str, int]  # test name -> failing rows of that check
    sql: dict[str, str] = {}  # test name -> rendered failing-rows SQL (failing checks only)
    relations: dict[str, str] = {}  # test name -> relation of its stored failing rows (quarantine)
    v: int = VERSION


_MODEL_OPTIONAL = frozenset(
    {"classification", "tags", "documentation_url", "schema_contract", "sla", "managed"}
)
_TEST_OPTIONAL = frozenset({"execution", "replaces", "batch"})
_ENTRY_KEYS = frozenset(BatchEntry.__struct_fields__) - {"meta"}


def _to_dict(struct: msgspec.Struct, optional: frozenset[str]) -> dict[str, Any]:
    data: dict[str, Any] = msgspec.to_builtins(struct)
    return {
        k: data[k] for k in struct.__struct_fields__ if k not in optional or data[k] is not None
    }


def _lenient(cls: type[T], raw: Mapping[str, Any]) -> T:
    """`raw` as `cls`, dropping the fields whose values do not fit (their defaults are used)."""
    fields = set(cls.__struct_fields__)
    data = {k: v for k, v in raw.items() if k in fields}
    try:
        return msgspec.convert(data, cls, strict=False)
    except msgspec.ValidationError:
        pass
    kept: dict[str, Any] = {}
    for key, value in data.items():  # bounded: one try per known field
        try:
            msgspec.convert(kept | {key: value}, cls, strict=False)
        except msgspec.ValidationError:
            continue
        kept[key] = value
    return msgspec.convert(kept, cls, strict=False)


def read_model_meta(raw: Any) -> ModelMeta | None:
    """A node's meta.dativo as ModelMeta; None when it has none (not a mapping)."""
    return _lenient(ModelMeta, raw) if isinstance(raw, Mapping) else None


def read_test_meta(raw: Any) -> TestMeta | None:
    """A test's meta.dativo as TestMeta; None when it has none (not a mapping)."""
    return _lenient(TestMeta, raw) if isinstance(raw, Mapping) else None


def encode_batch(entries: list[BatchEntry]) -> str:
    """A batch's `meta.dativo.batch`: compact JSON text (dbt writes a test's config into its
    raw_code and compiles it on every run; text keeps that cheap)."""
    return json.dumps([e.to_dict() for e in entries], separators=(",", ":"))


def read_batch(batch: Any) -> list[BatchEntry]:
    """The entries of a batch's `meta.dativo.batch` (JSON text, or a list), in order; entries
    without a test name are skipped, unreadable text gives []."""
    if isinstance(batch, str):
        try:
            batch = json.loads(batch)
        except ValueError:
            return []
    if not isinstance(batch, list):
        return []
    return [e for e in (_entry(raw) for raw in batch) if e is not None]


def _entry(raw: Any) -> BatchEntry | None:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("test_name"), str):
        return None
    head = _lenient(BatchEntry, {k: v for k, v in raw.items() if k in _ENTRY_KEYS})
    meta = _lenient(TestMeta, {k: v for k, v in raw.items() if k not in _ENTRY_KEYS})
    return msgspec.structs.replace(head, meta=meta)


def read_batch_results(compiled_code: str | None) -> BatchResults | None:
    """The results header of a batch test's compiled SQL; None when absent (not run by dbt
    test/build), unreadable, or of another interface version."""
    match = RESULTS_MARK.search(compiled_code or "")
    if not match:
        return None
    try:
        data = json.loads(match.group(1))
        if data.get("v", VERSION) != VERSION:
            return None
        failures = {str(k): int(v) for k, v in (data.get("failures") or {}).items()}
    except (ValueError, TypeError, AttributeError):
        return None
    return BatchResults(failures, _texts(data.get("sql")), _texts(data.get("relations")))


def _texts(value: Any) -> dict[str, str]:
    """The text values of a JSON object (others dropped); {} for anything else."""
    if not isinstance(value, Mapping):
        return {}
    return {str(k): v for k, v in value.items() if isinstance(v, str)}
