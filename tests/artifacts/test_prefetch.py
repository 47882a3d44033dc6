"""The forked run_results prefetch gives exactly what the in-process reader gives."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from dativo_dbt.artifacts import prefetch
from dativo_dbt.artifacts.load import load_artifacts
from dativo_dbt.artifacts.merge import merge_run_results
from dativo_dbt.artifacts.run_results import _SQL_CACHE, read_compiled_code
from dativo_dbt.core.errors import DativoError

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "artifacts"


@pytest.fixture
def always_prefetch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prefetch, "PREFETCH_MIN_BYTES", 0)
    monkeypatch.delenv("DATIVO_PREFETCH", raising=False)
    _SQL_CACHE.clear()


def _view(merged: object) -> dict[str, tuple[object, ...]]:
    """What scoring reads of each merged entry (timing is folded into completed_at)."""
    out = {}
    for uid, e in merged.results.items():  # type: ignore[attr-defined]
        r = e.result
        completed = e.completed_at
        if completed is None:
            for t in r.timing:
                if t.name == "execute":
                    completed = t.completed_at
        out[uid] = (
            r.status,
            r.failures,
            r.message,
            r.execution_time,
            r.relation_name,
            e.source,
            completed,
        )
    return out


@pytest.mark.parametrize("version", ["1.5", "1.8", "1.11"])
def test_prefetched_merge_equals_in_process_merge(always_prefetch: None, version: str) -> None:
    d = FIX / version
    for paths in ([d / "run_results.json"], [d / "run_results.json", d / "run_results_rerun.json"]):
        paths = [p for p in paths if p.is_file()]
        pending = prefetch.start(paths)
        assert pending is not None
        got = pending.result()
        assert got is not None
        merged, sql = got
        expected = merge_run_results(paths)
        assert _view(merged) == _view(expected)
        assert [(f.path, f.metadata, f.count) for f in merged.files] == [
            (f.path, f.metadata, f.count) for f in expected.files
        ]
        # compiled SQL kept for exactly the failing results, as the file has it
        for path in paths:
            raw = json.loads(path.read_text())["results"]
            failing = {
                r["unique_id"]: r.get("compiled_code")
                for r in raw
                if r["status"].lower() in {"fail", "warn", "error"}
            }
            assert sql[path] == failing
            assert failing  # the fixtures have failing tests: the comparison means something


def test_load_artifacts_uses_the_prefetch_and_its_sql(always_prefetch: None) -> None:
    d = FIX / "1.11"
    art = load_artifacts(d)
    assert _view(art.run_results) == _view(merge_run_results([d / "run_results.json"]))
    raw = json.loads((d / "run_results.json").read_text())["results"]
    failing = {r["unique_id"] for r in raw if r["status"] in {"fail", "warn", "error"}}
    assert _SQL_CACHE  # remembered from the child
    assert read_compiled_code(d / "run_results.json", failing) == {
        r["unique_id"]: r["compiled_code"] for r in raw if r["unique_id"] in failing
    }
    # ids the prefetch did not keep are read from the file
    passing = {r["unique_id"] for r in raw if r["status"] == "pass"}
    assert read_compiled_code(d / "run_results.json", passing) == {
        r["unique_id"]: r["compiled_code"] for r in raw if r["unique_id"] in passing
    }


def test_child_input_errors_reach_the_parent(always_prefetch: None, tmp_path: Path) -> None:
    shutil.copy(FIX / "1.11" / "manifest.json", tmp_path / "manifest.json")
    raw = (FIX / "1.11" / "run_results.json").read_bytes()
    (tmp_path / "run_results.json").write_bytes(raw[: len(raw) // 2])
    with pytest.raises(DativoError, match="truncated") as exc:
        load_artifacts(tmp_path)
    assert exc.value.path == str(tmp_path / "run_results.json")


def test_a_child_that_dies_falls_back_to_the_parent(
    always_prefetch: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(paths: object) -> object:
        raise MemoryError("the child ran out of memory")

    monkeypatch.setattr(prefetch, "_child_payload", crash)
    d = FIX / "1.11"
    pending = prefetch.start([d / "run_results.json"])
    assert pending is not None
    assert pending.result() is None  # exit code 1, no payload: the caller decodes itself
    art = load_artifacts(d)
    assert _view(art.run_results) == _view(merge_run_results([d / "run_results.json"]))


def test_prefetch_only_where_it_pays(monkeypatch: pytest.MonkeyPatch) -> None:
    d = FIX / "1.11"
    assert prefetch.start([d / "run_results.json"]) is None  # a small file
    monkeypatch.setattr(prefetch, "PREFETCH_MIN_BYTES", 0)
    monkeypatch.setenv("DATIVO_PREFETCH", "off")
    assert prefetch.start([d / "run_results.json"]) is None
