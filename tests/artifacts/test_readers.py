"""Artifact readers on real artifacts written by dbt 1.5 -> 1.11 (tests/fixtures/artifacts)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from dativo_dbt.artifacts import (
    load_artifacts,
    merge_run_results,
    read_catalog,
    read_manifest,
    read_run_results,
)
from dativo_dbt.artifacts.decode import decode_artifact
from dativo_dbt.artifacts.schema import Manifest, TestNode
from dativo_dbt.core.errors import DativoError

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "artifacts"
VERSIONS = {"1.5": (9, 4), "1.6": (10, 4), "1.7": (11, 5), "1.8": (12, 6), "1.11": (12, 6)}
EXPECTED_STATUS = {
    "source_not_null_raw_raw_customers_id": "pass",
    "unique_stg_customers_id": "pass",
    "not_null_stg_customers_id": "pass",
    "dativo_customers__email_present": "warn",
    "accepted_values_stg_customers_status__active__inactive": "warn",
    "unique_stg_orders_id": "pass",
    "not_null_stg_orders_id": "pass",
    "relationships_stg_orders_customer_id__id__ref_stg_customers_": "warn",
    "assert_amount_positive": "warn",
    "assert_revenue_nonnegative": "fail",
    "assert_revenue_has_rows": "pass",
    "dativo_revenue__customer_present": "pass",
    "revenue_no_such_column_not_null": "error",
    "not_null_broken_model_id": "skipped",
}


def _test_name(uid: str) -> str:
    parts = uid.split(".")
    return parts[2]


@pytest.mark.parametrize("version", list(VERSIONS))
def test_reads_every_supported_version(version: str) -> None:
    d = FIX / version
    manifest = read_manifest(d / "manifest.json")
    mv, rv = VERSIONS[version]
    assert manifest.metadata.dbt_schema_version.endswith(f"/manifest/v{mv}.json")
    assert manifest.metadata.dbt_version is not None and manifest.metadata.dbt_version.startswith(
        version
    )
    tests = {uid: n for uid, n in manifest.nodes.items() if isinstance(n, TestNode)}
    assert {_test_name(u) for u in tests} == set(EXPECTED_STATUS)
    email = next(n for u, n in tests.items() if "email_present" in u)
    meta = email.dativo_meta()
    assert meta is not None and meta.check == "email_present" and meta.severity == "critical"
    assert email.config is not None and email.config.severity.lower() == "warn"
    assert email.test_metadata is not None and email.test_metadata.name == "not_null"
    assert email.attached_node == "model.score_fixture.stg_customers"
    assert "model.score_fixture.stg_customers" in manifest.nodes
    assert set(manifest.nodes["model.score_fixture.stg_customers"].columns) == {
        "id",
        "email",
        "status",
        "created_at",
    }  # type: ignore[union-attr]
    assert list(manifest.sources) == ["source.score_fixture.raw.raw_customers"]
    rr = read_run_results(d / "run_results.json")
    assert rr.metadata.dbt_schema_version.endswith(f"/run-results/v{rv}.json")
    statuses = {
        _test_name(r.unique_id): r.status for r in rr.results if r.unique_id.startswith("test.")
    }
    assert statuses == EXPECTED_STATUS
    catalog = read_catalog(d / "catalog.json")
    assert set(catalog.nodes["model.score_fixture.fct_revenue"].columns) == {
        "customer_id",
        "revenue",
    }


@pytest.mark.parametrize("version", list(VERSIONS))
def test_sliced_manifest_decoding_equals_whole_decoding(version: str) -> None:
    path = FIX / version / "manifest.json"
    whole = decode_artifact(path, "manifest", Manifest)
    # 300-byte slices: every node boundary becomes a cut.
    assert read_manifest(path, chunk_bytes=300, chunked_min=0) == whole
    assert read_manifest(path, chunk_bytes=10_000, chunked_min=0) == whole


def test_unusual_layout_falls_back_to_whole_decoding(tmp_path: Path) -> None:
    data = json.loads((FIX / "1.11" / "manifest.json").read_text())
    (tmp_path / "manifest.json").write_text(json.dumps(data, indent=1))
    expected = decode_artifact(FIX / "1.11" / "manifest.json", "manifest", Manifest)
    assert read_manifest(tmp_path / "manifest.json", chunk_bytes=300, chunked_min=0) == expected


def test_unsupported_dbt_version_is_a_clear_error() -> None:
    path = FIX / "1.4-unsupported" / "manifest.json"
    with pytest.raises(DativoError) as exc:
        read_manifest(path)
    msg = exc.value.render()
    assert str(path) in msg
    assert "unsupported manifest schema v8 (written by dbt 1.4)" in msg
    assert "v9-v12 (dbt 1.5-1.11)" in msg


@pytest.mark.parametrize("chunked_min", [0, 1 << 40])
def test_truncated_manifest_names_the_file(tmp_path: Path, chunked_min: int) -> None:
    raw = (FIX / "1.8" / "manifest.json").read_bytes()
    bad = tmp_path / "manifest.json"
    bad.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(DativoError) as exc:
        read_manifest(bad, chunk_bytes=500, chunked_min=chunked_min)
    assert exc.value.path == str(bad)
    assert "truncated" in exc.value.message


def test_corrupt_and_empty_and_wrong_kind(tmp_path: Path) -> None:
    corrupt = tmp_path / "run_results.json"
    corrupt.write_bytes(
        b'{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/run-results/v6.json"}, "results": [}'
    )
    with pytest.raises(DativoError, match="corrupt run-results JSON"):
        read_run_results(corrupt)
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    with pytest.raises(DativoError, match="empty manifest file"):
        read_manifest(empty)
    with pytest.raises(
        DativoError, match="this is a dbt run-results artifact, expected a manifest"
    ):
        read_manifest(FIX / "1.11" / "run_results.json")
    notdbt = tmp_path / "x.json"
    notdbt.write_text('{"metadata": {}, "nodes": {}}')
    with pytest.raises(DativoError, match="not a dbt manifest artifact"):
        read_manifest(notdbt)
    wrongtype = tmp_path / "wt.json"
    wrongtype.write_text(
        '{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/run-results/v6.json"}, "results": [{"unique_id": 3, "status": "pass"}]}'
    )
    with pytest.raises(
        DativoError,
        match=r"unexpected run-results content: Expected `str`, got `int` - at `\$.results\[0\].unique_id`",
    ):
        read_run_results(wrongtype)


def test_missing_target_dir_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(DativoError, match="target directory not found") as exc:
        load_artifacts(tmp_path / "nope")
    assert exc.value.path == str(tmp_path / "nope")
    with pytest.raises(DativoError, match="manifest not found"):
        load_artifacts(tmp_path)
    shutil.copy(FIX / "1.11" / "manifest.json", tmp_path / "manifest.json")
    with pytest.raises(DativoError, match="run-results not found") as exc:
        load_artifacts(tmp_path)
    assert exc.value.path == str(tmp_path / "run_results.json")


@pytest.mark.parametrize("version", ["1.5", "1.11"])
def test_merge_latest_result_wins_whatever_the_order(version: str) -> None:
    d = FIX / version
    for order in (
        [d / "run_results.json", d / "run_results_rerun.json"],
        [d / "run_results_rerun.json", d / "run_results.json"],
    ):
        merged = merge_run_results(order)
        by_name = {
            _test_name(u): e.result.status
            for u, e in merged.results.items()
            if u.startswith("test.")
        }
        expected = dict(EXPECTED_STATUS, dativo_customers__email_present="pass")
        assert by_name == expected
        assert len(merged.files) == 2
        rel = next(e for u, e in merged.results.items() if "relationships" in u)
        assert rel.result.failures == 2  # the re-run's count
        assert merged.files[rel.source].path.name == "run_results_rerun.json"


def test_merge_accepts_directories_and_ignores_duplicates(tmp_path: Path) -> None:
    shutil.copy(FIX / "1.11" / "run_results.json", tmp_path / "run_results.json")
    merged = merge_run_results([tmp_path, tmp_path / "run_results.json"])
    assert len(merged.files) == 1
    assert len(merged.results) == len(
        json.loads((tmp_path / "run_results.json").read_text())["results"]
    )


@pytest.mark.parametrize("version", list(VERSIONS))
@pytest.mark.parametrize("with_sql", [False, True])
def test_sliced_run_results_decoding_equals_whole_decoding(version: str, with_sql: bool) -> None:
    from dativo_dbt.artifacts.schema import RunResults, RunResultsWithSql

    path = FIX / version / "run_results.json"
    whole = decode_artifact(path, "run-results", RunResultsWithSql if with_sql else RunResults)
    for chunk in (200, 5_000):
        sliced = read_run_results(path, with_sql=with_sql, chunk_bytes=chunk, chunked_min=0)
        assert sliced.metadata == whole.metadata
        assert sliced.results == whole.results
        assert sliced.elapsed_time == whole.elapsed_time
        assert sliced == whole


def test_truncated_run_results_sliced_path(tmp_path: Path) -> None:
    raw = (FIX / "1.11" / "run_results.json").read_bytes()
    bad = tmp_path / "run_results.json"
    bad.write_bytes(raw[: len(raw) * 2 // 3])
    with pytest.raises(DativoError, match="truncated") as exc:
        read_run_results(bad, chunk_bytes=500, chunked_min=0)
    assert exc.value.path == str(bad)
