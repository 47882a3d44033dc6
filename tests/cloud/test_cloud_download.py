"""`dativo-dbt score --dbt-cloud-run`: artifacts of a real dbt run served by a local stand-in of the
dbt Cloud Admin API v2 (auth header checked, 401/404 turned into clear errors, exit 2)."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from dativo_dbt.cloud.download import CloudSettings, download_run_artifacts, resolve_settings
from dativo_dbt.core.errors import DativoError
from dativo_dbt.scoring.api import score_project

from tests.cloud.api_server import FakeCloud, serve
from tests.dbt_package.warehouse import query
from tests.helpers.dbt import REPO_ROOT, DbtProject, copy_project

TOKEN = "dbtc_s3cr3t-token-value"
ACCOUNT = "4242"
RUN = "1001"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    """The fixture project built once on DuckDB: its target/ holds real dbt artifacts (and its
    warehouse what the on-run-end hook recorded with the package's models disabled)."""
    src = REPO_ROOT / "tests" / "fixtures" / "dbt_package_project"
    project = DbtProject(copy_project(src, tmp_path_factory.mktemp("cloud") / "project"))
    project.dbt("deps")
    # the fixture has failing tests and a failing model; the package's models are left disabled
    project.dbt("build", "--vars", "{dativo_dbt_enabled: false}", expect_rc=1)
    return project


@pytest.fixture
def cloud(built: DbtProject) -> Iterator[FakeCloud]:
    target = built.path / "target"
    files = {name: (target / name).read_bytes() for name in ("manifest.json", "run_results.json")}
    truncated = b'{"metadata": {"dbt_sch'
    runs = {
        RUN: files,
        "1002": {"manifest.json": files["manifest.json"], "run_results.json": truncated},
    }
    with serve(FakeCloud(account_id=ACCOUNT, token=TOKEN, runs=runs)) as fake:
        yield fake


def settings(cloud: FakeCloud, token: str = TOKEN) -> CloudSettings:
    return resolve_settings(ACCOUNT, cloud.base_url, token, env={})


def test_download_writes_the_served_artifacts_and_sends_the_token(
    cloud: FakeCloud, tmp_path: Path, built: DbtProject
) -> None:
    out = download_run_artifacts(RUN, settings(cloud), tmp_path / "target", step=2)
    for name in ("manifest.json", "run_results.json"):
        assert (out / name).read_bytes() == (built.path / "target" / name).read_bytes()
    assert [r["path"] for r in cloud.requests] == [
        f"/api/v2/accounts/{ACCOUNT}/runs/{RUN}/artifacts/manifest.json",
        f"/api/v2/accounts/{ACCOUNT}/runs/{RUN}/artifacts/run_results.json",
    ]
    assert all(r["headers"]["Authorization"] == f"Token {TOKEN}" for r in cloud.requests)
    assert all(r["query"] == {"step": ["2"]} for r in cloud.requests)
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "run_results.json"]


def test_score_dbt_cloud_run_scores_the_downloaded_run(
    cloud: FakeCloud, built: DbtProject, tmp_path: Path
) -> None:
    env = {
        "DBT_CLOUD_ACCOUNT_ID": ACCOUNT,
        "DBT_CLOUD_HOST": cloud.base_url,
        "DBT_CLOUD_API_TOKEN": TOKEN,
    }
    proc = built.dativo(
        "score",
        "--dbt-cloud-run",
        RUN,
        "--format",
        "json",
        "--project-dir",
        str(tmp_path),
        expect_rc=1,
        extra_env=env,  # the fixture's gold model fails its gate
    )
    doc = json.loads(proc.stdout)
    local = score_project(built.path / "target", catalog=False)
    got = {m["unique_id"]: m["score"] for m in doc["models"]}
    assert got == {m.unique_id: m.score for m in local.models}
    assert got["model.dativo_pkg_fixture.customers"] is not None
    assert TOKEN not in proc.stdout + proc.stderr
    assert len(cloud.requests) == 2


def test_wrong_token_is_a_clear_error_without_the_token(
    cloud: FakeCloud, built: DbtProject, tmp_path: Path
) -> None:
    wrong = "dbtc_wrong-token-xyz"
    proc = built.dativo(
        "score",
        "--dbt-cloud-run",
        RUN,
        "--dbt-cloud-account-id",
        ACCOUNT,
        "--dbt-cloud-host",
        cloud.base_url,
        "--dbt-cloud-token",
        wrong,
        "--project-dir",
        str(tmp_path),
        expect_rc=2,
    )
    assert "rejected the API token (HTTP 401: Invalid token.)" in proc.stderr
    assert "DBT_CLOUD_API_TOKEN" in proc.stderr
    assert wrong not in proc.stdout + proc.stderr and TOKEN not in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert cloud.requests[0]["headers"]["Authorization"] == f"Token {wrong}"


def test_unknown_run_is_a_404_error(cloud: FakeCloud, tmp_path: Path) -> None:
    with pytest.raises(DativoError) as err:
        download_run_artifacts("999", settings(cloud), tmp_path / "t")
    text = err.value.render()
    assert "manifest.json not found for dbt Cloud run 999 (account 4242) (HTTP 404" in text
    assert "/api/v2/accounts/4242/runs/999/artifacts/manifest.json" in text
    assert err.value.exit_code == 2
    assert not list((tmp_path / "t").iterdir())


def test_truncated_artifact_is_rejected_and_not_left_behind(
    cloud: FakeCloud, tmp_path: Path
) -> None:
    with pytest.raises(
        DativoError, match=r"run_results\.json of dbt Cloud run 1002 .* not valid JSON"
    ):
        download_run_artifacts("1002", settings(cloud), tmp_path / "t")
    assert sorted(p.name for p in (tmp_path / "t").iterdir()) == ["manifest.json"]


def test_unreachable_host(tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cfg = resolve_settings(ACCOUNT, f"http://127.0.0.1:{port}", TOKEN, env={}, timeout=5)
    with pytest.raises(DativoError, match=r"cannot reach dbt Cloud at http://127\.0\.0\.1"):
        download_run_artifacts(RUN, cfg, tmp_path)


def test_settings_from_environment_and_options() -> None:
    env = {
        "DBT_CLOUD_ACCOUNT_ID": "7",
        "DBT_CLOUD_HOST": "emea.dbt.com/",
        "DBT_CLOUD_API_TOKEN": "env-token",
    }
    cfg = resolve_settings(env=env)
    assert (cfg.account_id, cfg.host, cfg.token) == ("7", "https://emea.dbt.com", "env-token")
    assert "env-token" not in repr(cfg)
    assert (
        cfg.artifact_url("5", "run_results.json")
        == "https://emea.dbt.com/api/v2/accounts/7/runs/5/artifacts/run_results.json"
    )
    opt = resolve_settings("8", "http://127.0.0.1:9", "opt-token", env=env)
    assert (opt.account_id, opt.host, opt.token) == ("8", "http://127.0.0.1:9", "opt-token")
    with pytest.raises(
        DativoError,
        match="account id missing: pass --dbt-cloud-account-id or set DBT_CLOUD_ACCOUNT_ID",
    ):
        resolve_settings(env={"DBT_CLOUD_API_TOKEN": "x"})
    with pytest.raises(
        DativoError, match="API token missing: pass --dbt-cloud-token or set DBT_CLOUD_API_TOKEN"
    ):
        resolve_settings(env={"DBT_CLOUD_ACCOUNT_ID": "1"})
    with pytest.raises(DativoError, match="run id must be a number"):
        download_run_artifacts("12; rm", opt, "/nonexistent-never-created")


def test_missing_settings_on_the_command_line_exit_2(built: DbtProject, tmp_path: Path) -> None:
    proc = built.dativo(
        "score",
        "--dbt-cloud-run",
        RUN,
        "--project-dir",
        str(tmp_path),
        expect_rc=2,
        extra_env={"DBT_CLOUD_ACCOUNT_ID": "", "DBT_CLOUD_API_TOKEN": "", "DBT_CLOUD_HOST": ""},
    )
    assert "dbt Cloud account id missing" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_hook_alone_records_with_package_models_disabled(built: DbtProject) -> None:
    results = json.loads((built.path / "target" / "run_results.json").read_text())
    tests = {
        r["unique_id"]: r["status"]
        for r in results["results"]
        if r["unique_id"].startswith("test.")
    }
    # fail closed: a test dbt skipped because its model did not build is recorded as an error
    assert tests["test.dativo_pkg_fixture.not_null_broken_model_id.e92768f81a"] == "skipped"
    tests["test.dativo_pkg_fixture.not_null_broken_model_id.e92768f81a"] = "error"
    rows = query(
        built, "select test_unique_id, status, invocation_id from main_dativo.dativo_test_runs"
    )
    assert {r["test_unique_id"]: r["status"] for r in rows} == tests
    assert {r["invocation_id"] for r in rows} == {results["metadata"]["invocation_id"]}
    views = query(
        built, "select table_name from information_schema.tables where table_schema = 'main_dativo'"
    )
    assert [v["table_name"] for v in views] == ["dativo_test_runs"]
