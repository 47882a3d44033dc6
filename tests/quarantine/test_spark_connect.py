"""The quarantine CLI on a Spark profile, before any JVM starts: only the `session` method is
reachable (a local pyspark session), and only from the directory that holds dbt's metastore."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from dativo_dbt.core.errors import DativoError
from dativo_dbt.warehouse.connection import Warehouse
from dativo_dbt.warehouse.profile import load_target
from dativo_dbt.warehouse.quoting import quote

from tests.helpers.dbt import DATIVO

PROFILES = """\
shop:
  target: session
  outputs:
    session:
      type: spark
      method: session
      host: NA
      schema: marts
    cluster:
      type: spark
      method: thrift
      host: spark.example.com
      port: 10001
      schema: marts
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "dbt_project.yml").write_text("name: shop\nprofile: shop\n")
    (tmp_path / "profiles.yml").write_text(PROFILES)
    monkeypatch.delenv("DBT_PROFILES_DIR", raising=False)
    monkeypatch.delenv("DBT_TARGET", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_cluster_method_points_at_the_hook(project: Path) -> None:
    with pytest.raises(DativoError, match=r"method 'thrift'.*register_quarantine"):
        Warehouse(load_target(project, target="cluster"))


def test_a_session_without_the_metastore_is_refused(project: Path) -> None:
    """A session here would create an empty metastore and list no batches: refuse instead."""
    with pytest.raises(DativoError, match=r"no Spark metastore in .*metastore_db"):
        Warehouse(load_target(project))
    assert not (project / "metastore_db").exists()


def test_cli_exits_2_with_one_message(project: Path) -> None:
    proc = subprocess.run(
        [DATIVO, "quarantine", "list", "--target", "cluster"],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert "register_quarantine" in proc.stderr and "Traceback" not in proc.stderr


def test_spark_identifiers_use_backticks() -> None:
    assert quote("a`b", "spark") == "`a``b`"
    assert quote('a"b') == '"a""b"'
