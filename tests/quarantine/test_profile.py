"""Reading the dbt profile: env_var rendering, targets, namespaces, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from dativo_dbt.core.errors import DativoError
from dativo_dbt.lineage.naming import target_namespace
from dativo_dbt.quarantine.api import registry_schema
from dativo_dbt.warehouse.profile import load_target

PROFILES = """\
shop:
  target: "{{ env_var('SHOP_TARGET', 'dev') }}"
  outputs:
    dev:
      type: duckdb
      path: "{{ env_var('SHOP_DB', 'target/shop.duckdb') }}"
    pg:
      type: postgres
      host: 127.0.0.1
      port: "{{ env_var('SHOP_PORT', '5432') | as_number }}"
      user: postgres
      password: "{{ env_var('SHOP_PASSWORD', '') }}"
      dbname: analytics
      schema: marts
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "dbt_project.yml").write_text("name: shop\nprofile: shop\n")
    (tmp_path / "profiles.yml").write_text(PROFILES)
    return tmp_path


def test_duckdb_target(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DBT_PROFILES_DIR", raising=False)
    monkeypatch.delenv("DBT_TARGET", raising=False)
    t = load_target(project)
    assert (t.type, t.target) == ("duckdb", "dev")
    assert t.path == str((project / "target/shop.duckdb").resolve())
    assert target_namespace(t) == "duckdb://target/shop.duckdb"
    assert t.database == "shop"
    assert registry_schema(t) == "main_dativo_quarantine"


def test_postgres_target_from_env(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DBT_PROFILES_DIR", raising=False)
    monkeypatch.delenv("DBT_TARGET", raising=False)
    monkeypatch.setenv("SHOP_TARGET", "pg")
    monkeypatch.setenv("SHOP_PORT", "6543")
    monkeypatch.setenv("SHOP_PASSWORD", "0123")
    t = load_target(project)
    assert (t.type, t.host, t.port, t.dbname, t.schema) == (
        "postgres",
        "127.0.0.1",
        6543,
        "analytics",
        "marts",
    )
    assert t.password == "0123"  # stays a string
    assert "0123" not in repr(t)
    assert target_namespace(t) == "postgres://127.0.0.1:6543"
    assert registry_schema(t) == "marts_dativo_quarantine"
    assert registry_schema(t, "custom") == "custom"
    monkeypatch.setenv("DATIVO_QUARANTINE_SCHEMA", "from_env")
    assert registry_schema(t) == "from_env"


def test_errors_name_the_file(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DBT_PROFILES_DIR", raising=False)
    monkeypatch.delenv("DBT_TARGET", raising=False)
    with pytest.raises(DativoError, match="no target 'nope'") as exc:
        load_target(project, target="nope")
    assert "profiles.yml" in str(exc.value)
    (project / "dbt_project.yml").write_text("name: shop\nprofile: other\n")
    with pytest.raises(DativoError, match="profile 'other' not found"):
        load_target(project)
