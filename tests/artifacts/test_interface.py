"""artifacts/interface.py: the one typed shape of what generate writes into dbt and readers read."""

from __future__ import annotations

import json

from dativo_dbt.artifacts.interface import (
    BatchEntry,
    ModelMeta,
    NotificationMeta,
    QuarantineMeta,
    SlaMeta,
    TestMeta,
    encode_batch,
    read_batch,
    read_batch_results,
    read_model_meta,
    read_test_meta,
)


def test_model_meta_writes_fixed_keys_always_and_optional_ones_when_set() -> None:
    meta = ModelMeta(
        contract="orders",
        contract_version="1.0",
        notification=NotificationMeta(channels=["slack"]),
        quarantine=QuarantineMeta(enabled=True, retention_days=7),
        sla=SlaMeta(freshness_max_age_hours=24),
    )
    data = meta.to_dict()
    assert list(data) == [
        "contract", "contract_version", "owner", "tier", "status", "on_quality_violation",
        "on_schema_violation", "on_sla_violation", "notification", "quarantine", "sla",
    ]  # fmt: skip
    assert data["sla"] == {"freshness_max_age_hours": 24}
    assert data["quarantine"] == {"enabled": True, "retention_days": 7}
    assert read_model_meta(data) == meta


def test_test_meta_keeps_null_fixed_keys() -> None:
    data = TestMeta(contract="c", check="k", weight=None, column=None).to_dict()
    assert data["weight"] is None and data["column"] is None
    assert "execution" not in data and "batch" not in data


def test_reading_drops_only_the_fields_of_the_wrong_type() -> None:
    meta = read_model_meta({"contract": "c", "tier": 3, "on_quality_violation": None, "x": 1})
    assert meta is not None
    assert (meta.contract, meta.tier, meta.on_quality_violation) == ("c", None, "warn")
    assert meta.quarantine.retention_or_default == 30
    assert read_model_meta(None) is None and read_test_meta(["not", "a", "mapping"]) is None
    assert read_test_meta({"weight": "2.5", "severity": "critical"}) == TestMeta(
        weight=2.5, severity="critical"
    )


def test_batch_entries_round_trip_as_compact_json() -> None:
    entries = [
        BatchEntry("t1", "dbt_expectations.expect_x", column_name="a", meta=TestMeta(check="x")),
        BatchEntry("t2", "unique", dbt_severity="warn", meta=TestMeta(check="y")),
    ]
    text = encode_batch(entries)
    assert " " not in text
    assert json.loads(text)[0] == {"test_name": "t1", "test": "dbt_expectations.expect_x",
                                   "column_name": "a", **TestMeta(check="x").to_dict()}  # fmt: skip
    assert read_batch(text) == entries
    assert read_batch(json.loads(text)) == entries
    assert entries[0].test_name_and_namespace == ("expect_x", "dbt_expectations")
    assert entries[1].test_name_and_namespace == ("unique", None)


def test_unreadable_batches_give_no_entries() -> None:
    assert read_batch("{not json") == []
    assert read_batch({"test_name": "a"}) == []
    assert read_batch([{"test_name": 3}, "x", {"check": "no name"}]) == []


def test_batch_results_header_fails_closed() -> None:
    head = '/* dativo_batched_results {"v": 1, "failures": {"a": 2}, "sql": {"a": "s", "b": 3}} */'
    results = read_batch_results(head + "\nselect 1")
    assert results is not None
    assert (results.failures, results.sql, results.relations) == ({"a": 2}, {"a": "s"}, {})
    for bad in (
        None,
        "select 1",
        '/* dativo_batched_results {"v": 2, "failures": {"a": 2}} */',  # another version
        '/* dativo_batched_results {"failures": {"a": "two"}} */',
        "/* dativo_batched_results {not json} */",
    ):
        assert read_batch_results(bad) is None
