"""`dativo-dbt validate` checks contract columns against real dbt artifacts (DATIVO-DQ105).

The manifest lists only the columns a YAML file documents, so without catalog.json a real but
undocumented column is no error; a model with an enforced dbt contract declares every column, and
catalog.json (`dbt docs generate`) holds the real ones: there a missing column is DQ105."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.helpers.dbt import DbtProject

MODEL = "select 1 as id, 'open' as status, 'a@b.c' as email\n"
PROPERTIES = {
    "version": 2,
    "models": [
        {"name": "orders", "columns": [{"name": "id"}]},  # status and email undocumented
        {
            "name": "strict_orders",
            "config": {"contract": {"enforced": True}},
            "columns": [
                {"name": "id", "data_type": "integer"},
                {"name": "status", "data_type": "varchar"},
                {"name": "email", "data_type": "varchar"},
            ],
        },
    ],
}


def _contract(model: str, column: str) -> str:
    return (
        f'data_contract:\n  name: {model}\n  version: "1"\n  model: {model}\n'
        "  quality_checks:\n    soda:\n      checks:\n"
        f"        - {{name: present, type: not_null, column: {column}}}\n"
    )


def _project(path: Path) -> DbtProject:
    (path / "models").mkdir(parents=True)
    (path / "contracts").mkdir()
    project = {"name": "cols", "version": "1.0.0", "config-version": 2, "profile": "cols"}
    (path / "dbt_project.yml").write_text(yaml.safe_dump(project))
    duck = {"type": "duckdb", "path": str(path / "c.duckdb"), "threads": 1}
    profiles = {"cols": {"target": "duckdb", "outputs": {"duckdb": duck}}}
    (path / "profiles.yml").write_text(yaml.safe_dump(profiles))
    for name in ("orders", "strict_orders"):
        (path / "models" / f"{name}.sql").write_text(MODEL)
    (path / "models" / "schema.yml").write_text(yaml.safe_dump(PROPERTIES, sort_keys=False))
    return DbtProject(path)


def _validate(project: DbtProject, orders_column: str, strict_column: str) -> list[str]:
    contracts = project.path / "contracts"
    (contracts / "orders.yml").write_text(_contract("orders", orders_column))
    (contracts / "strict_orders.yml").write_text(_contract("strict_orders", strict_column))
    proc = project.dativo("validate", expect_rc=None)
    assert "Traceback" not in proc.stderr
    assert proc.returncode == (2 if proc.stderr.strip() else 0), proc.stderr
    return proc.stderr.strip().splitlines()


def test_undocumented_column_is_no_error_without_catalog(tmp_path: Path) -> None:
    project = _project(tmp_path / "p")
    project.dbt("parse")
    assert not (tmp_path / "p" / "target" / "catalog.json").exists()
    assert _validate(project, "status", "email") == []
    # a model with an enforced contract lists every column: a missing one is still DQ105
    (error,) = _validate(project, "email", "e_mail")
    assert error.startswith("error: contracts/strict_orders.yml:")
    assert "[DATIVO-DQ105]" in error and "'e_mail' does not exist in dbt model" in error
    assert "(target/manifest.json) (did you mean `email`?)" in error
    # a model without one: the manifest cannot tell, so no verdict
    assert _validate(project, "e_mail", "email") == []


def test_catalog_holds_the_real_columns(tmp_path: Path) -> None:
    project = _project(tmp_path / "p")
    project.dbt("run")
    project.dbt("docs", "generate")
    assert _validate(project, "status", "email") == []
    (error,) = _validate(project, "e_mail", "email")
    assert error.startswith("error: contracts/orders.yml:") and "[DATIVO-DQ105]" in error
    assert "(target/catalog.json) (did you mean `email`?)" in error
