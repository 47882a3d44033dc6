"""artifacts.project_nodes: node relations and model-level meta.dativo (the interface's ModelMeta)
read through the typed manifest reader, with the defaults lineage, notify and quarantine rely on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from dativo_dbt.artifacts.project_nodes import load_nodes
from dativo_dbt.core.errors import DativoError

V12 = "https://schemas.getdbt.com/dbt/manifest/v12.json"


def _write(target: Path, *, run_results: dict[str, Any] | None) -> Path:
    target.mkdir(parents=True)
    manifest = {
        "metadata": {
            "dbt_schema_version": V12,
            "project_name": "p",
            "adapter_type": "duckdb",
            "invocation_id": "inv-1",
        },
        "nodes": {
            "model.p.m": {
                "resource_type": "model",
                "name": "m",
                "package_name": "p",
                "database": "db",
                "schema": "main",
                "relation_name": '"db"."main"."m"',
                "config": {
                    "meta": {
                        "dativo": {
                            "contract": "c",
                            "contract_version": 1.0,
                            "quarantine": {"enabled": True},
                        }
                    }
                },
            },
            "seed.p.s": {"resource_type": "seed", "name": "s", "package_name": "p", "alias": "s2"},
            "test.p.t": {
                "resource_type": "test",
                "name": "t",
                "config": {"severity": "warn", "error_if": "> 5", "warn_if": "!= 0"},
            },
            "test.p.u": {"resource_type": "test", "name": "u", "config": {}},
            "analysis.p.a": {"resource_type": "analysis", "name": "a"},
        },
        "sources": {
            "source.p.raw.orders": {
                "resource_type": "source",
                "name": "orders",
                "source_name": "raw",
                "package_name": "p",
                "database": "db",
                "schema": "raw",
                "identifier": "orders_v2",
                "meta": {"dativo": {"owner": "o@x.io", "on_quality_violation": "block"}},
            }
        },
    }
    (target / "manifest.json").write_text(json.dumps(manifest))
    if run_results is not None:
        (target / "run_results.json").write_text(json.dumps(run_results))
    return target


def test_relations_meta_defaults_and_thresholds(tmp_path: Path) -> None:
    nodes = load_nodes(_write(tmp_path / "target", run_results={"args": {"which": "build"}}))
    assert (nodes.project_name, nodes.adapter_type, nodes.invocation_id, nodes.command) == (
        "p",
        "duckdb",
        "inv-1",
        "build",
    )
    assert set(nodes.nodes) == {"model.p.m", "seed.p.s", "source.p.raw.orders"}
    model = nodes.nodes["model.p.m"]
    assert (model.resource_type, model.package_name, model.alias) == ("model", "p", "m")
    assert model.relation_parts() == {"database": "db", "schema": "main", "alias": "m", "name": "m"}
    assert model.relation_name == '"db"."main"."m"'
    meta = model.dativo
    assert meta is not None and (meta.contract, meta.version_text) == ("c", "1.0")
    # what the consumers fall back on when the contract did not say
    assert (meta.on_quality_violation, meta.on_schema_violation, meta.on_sla_violation) == (
        "warn",
        "block",
        "warn",
    )
    assert meta.quarantine.enabled and meta.quarantine.retention_or_default == 30
    assert (meta.notification.channels, meta.notification.recipients) == ([], [])
    assert nodes.nodes["seed.p.s"].alias == "s2" and nodes.nodes["seed.p.s"].dativo is None
    source = nodes.nodes["source.p.raw.orders"]
    assert (source.resource_type, source.alias, source.schema) == ("source", "orders_v2", "raw")
    assert source.dativo is not None and source.dativo.on_quality_violation == "block"
    assert source.dativo.owner == "o@x.io"
    assert nodes.test_configs == {
        "test.p.t": {"error_if": "> 5", "warn_if": "!= 0"},
        "test.p.u": {},
    }


@pytest.mark.parametrize("run_results", [None, {"results": []}, {"args": None}])
def test_command_unknown_without_run_results_args(
    tmp_path: Path, run_results: dict[str, Any] | None
) -> None:
    assert load_nodes(_write(tmp_path / "target", run_results=run_results)).command is None


def test_unreadable_run_results_gives_no_command(tmp_path: Path) -> None:
    target = _write(tmp_path / "target", run_results=None)
    (target / "run_results.json").write_text("{not json")
    assert load_nodes(target).command is None


def test_missing_manifest_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(DativoError) as info:
        load_nodes(tmp_path)
    assert info.value.path is not None and str(info.value.path).endswith("manifest.json")
