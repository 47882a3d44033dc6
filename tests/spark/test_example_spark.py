"""The example project (integration_tests/) on Spark (dbt-spark `session`, a local pyspark session)
in both execution modes: the same per-check statuses, scores and gate verdicts as on DuckDB, and the
dbt-only path (on-run-end hook + the dativo_* SQL models) gives the Python scores to 0.01.

Each build is done once per module (a Spark build costs ~45 s on 2 cores); the DuckDB reference
builds of the same copies take a few seconds."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from dativo_dbt.artifacts.batches import expand_batched_artifacts
from dativo_dbt.lineage.naming import SPARK_SESSION_NAMESPACE
from dativo_dbt.quarantine.registry import Registry

from tests.dbt_package.test_package_scores import assert_gates_match, assert_scores_match
from tests.dbt_package.warehouse import Run, query
from tests.e2e.expected import EXPECTED
from tests.helpers.dbt import REPO_ROOT, DbtProject, copy_project
from tests.helpers.spark import dump_after_build, parse_rows, quarantine_sequence
from tests.lineage.dbt_ol import assert_same_identifiers, our_identifiers

pytestmark = pytest.mark.spark

MODES = ("per-check", "batched")
# Fields of `dativo-dbt score --format json` that name the run or the warehouse, not the outcome.
RUN_FIELDS = {"generated_at", "invocation_id", "artifacts", "adapter_type", "config_sources"}
CHECK_RUN_FIELDS = {"execution_time", "completed_at", "relation_name", "compiled_code", "message"}


# Read on Spark right after each build (one dbt run-operation, so one more Spark session).
SEED_QUERIES = {
    "names": "select distinct customer_name from dativo_it.raw_orders",
    "nulls": "select count(*) as n from dativo_it.raw_orders where status is null",
    "none_text": "select count(*) as n from dativo_it.raw_orders where status = 'None'",
    "x": "select id, note from dativo_it.x",
}


# The quarantine registry written by the register_quarantine hook (per-check builds).
REGISTRY = "main_dativo_quarantine.dativo_quarantine_registry"
REGISTRY_COLUMNS = "contract, model, checks, failure_count, status"


@dataclass
class Built:
    project: DbtProject
    run: Run
    score: dict[str, Any]
    rows: dict[str, list[dict[str, Any]]]


def _score(project: DbtProject, target_dir: Path) -> dict[str, Any]:
    proc = project.dativo(  # a gate fails on purpose
        "score", "--format", "json", "--target-dir", str(target_dir), expect_rc=1
    )
    return dict(json.loads(proc.stdout))


def _with_quarantine_hook(project: DbtProject) -> None:
    """Add the dbt-only quarantine registration (register_quarantine) after the results hook."""
    path = project.path / "dbt_project.yml"
    data = yaml.safe_load(path.read_text())
    data["on-run-end"] = [data["on-run-end"], "{{ dativo_dbt.register_quarantine(results) }}"]
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def _spark_queries(mode: str) -> dict[str, str]:
    """What the Spark build prints at its end (tests/helpers/spark.dump_after_build)."""
    schema = "dativo_it_dativo"
    queries = {
        "scores": f"select * from {schema}.dativo_model_scores",
        "gates": f"select * from {schema}.dativo_gate_verdicts",
        "recorded": f"select invocation_id, test_unique_id, status from {schema}.dativo_test_results "
        "where invocation_id = '{{ invocation_id }}'",  # rendered by the hook
        **SEED_QUERIES,
    }
    if mode == "per-check":
        registry = REGISTRY.replace("main", "dativo_it", 1)
        queries["registry"] = f"select {REGISTRY_COLUMNS} from {registry}"
    return queries


def _build(tmp: Path, target: str, mode: str) -> Built:
    project = DbtProject(
        copy_project(REPO_ROOT / "integration_tests", tmp / f"{target}_{mode}"), target=target
    )
    if mode == "per-check":
        _with_quarantine_hook(project)
    if mode != "per-check":
        project.dativo("generate", "--execution", mode)
    queries = _spark_queries(mode) if target == "spark" else {}
    if queries:
        dump_after_build(project, queries)
    project.dbt("deps")
    proc = project.dbt("build", expect_rc=1)  # one blocking critical check fails on purpose
    saved = project.path / "artifacts"
    saved.mkdir()
    for name in ("manifest.json", "run_results.json"):
        shutil.copy(project.path / "target" / name, saved / name)
    run_results = json.loads((saved / "run_results.json").read_text())
    invocation = run_results["metadata"]["invocation_id"]
    rows: dict[str, list[dict[str, Any]]] = {"scores": [], "gates": [], "recorded": []}
    if target == "duckdb" and mode == "per-check":
        rows["registry"] = query(project, f"select {REGISTRY_COLUMNS} from {REGISTRY}")
    if queries:
        rows = parse_rows(proc.stdout, list(queries))
        recorded = {r["invocation_id"] for r in rows["recorded"]}
        assert recorded == {invocation}, recorded
    run = Run(saved, invocation, run_results, rows["scores"], rows["gates"])
    return Built(project, run, _score(project, saved), rows)


class Builds(dict[tuple[str, str], Built]):
    """(target, mode) -> Built, each built on first use (so `-k` runs only the builds it needs)."""

    def __init__(self, tmp: Path) -> None:
        super().__init__()
        self.tmp = tmp

    def __missing__(self, key: tuple[str, str]) -> Built:
        self[key] = _build(self.tmp, *key)
        return self[key]


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    return Builds(tmp_path_factory.mktemp("spark_example"))


def _outcome(score: dict[str, Any]) -> dict[str, Any]:
    """The score report without what names the run: per model its scores, gate and checks."""
    out = {k: v for k, v in score.items() if k not in RUN_FIELDS}
    models = []
    for model in score["models"]:
        checks = sorted(
            ({k: v for k, v in c.items() if k not in CHECK_RUN_FIELDS} for c in model["checks"]),
            key=lambda c: str(c["unique_id"]),
        )
        models.append(model | {"checks": checks})
    out["models"] = sorted(models, key=lambda m: str(m["unique_id"]))
    return out


def _statuses(score: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    return {
        f"{m['name']}:{c['check']}": (c["status"], c["failures"])
        for m in score["models"]
        for c in m["checks"]
        if c["kind"] == "test"
    }


@pytest.mark.parametrize("mode", MODES)
def test_same_checks_scores_and_gates_as_duckdb(
    builds: dict[tuple[str, str], Built], mode: str
) -> None:
    spark, duck = builds[("spark", mode)].score, builds[("duckdb", mode)].score
    assert spark["adapter_type"] == "spark" and duck["adapter_type"] == "duckdb"
    assert _statuses(spark) == _statuses(duck)
    assert len(_statuses(spark)) >= 30
    assert _outcome(spark) == _outcome(duck)


def test_per_check_statuses_are_the_expected_ones(builds: dict[tuple[str, str], Built]) -> None:
    assert builds[("spark", "per-check")].project.results_by_check() == EXPECTED


@pytest.mark.parametrize("mode", MODES)
def test_sql_scores_equal_python_scores_on_spark(
    builds: dict[tuple[str, str], Built], mode: str
) -> None:
    run, rows = builds[("spark", mode)].run, builds[("spark", mode)].rows
    recorded = {r["test_unique_id"]: r["status"] for r in rows["recorded"]}
    manifest = json.loads((run.target_dir / "manifest.json").read_text())
    _, results = expand_batched_artifacts(manifest, run.run_results)  # one result per check
    tests = {r["unique_id"]: r["status"] for r in results["results"]}
    assert len(recorded) >= 30
    assert recorded == {u: s for u, s in tests.items() if u.startswith("test.")}
    assert_scores_match(run, None)
    assert_gates_match(run, None)


def test_hostile_seed_rows_loaded_as_values(builds: dict[tuple[str, str], Built]) -> None:
    """The seed override: quotes survive as data and empty cells are NULL (not the text 'None')."""
    rows = builds[("spark", "per-check")].rows
    names = {r["customer_name"] for r in rows["names"]}
    assert {"O'Brien", "'); drop table x; --"} <= names
    assert rows["nulls"][0]["n"] > 0 and rows["none_text"][0]["n"] == 0
    assert rows["x"] == [{"id": 1, "note": "must survive the value-set and pattern checks"}]


def test_lineage_identifiers_equal_dbt_ol_on_spark(
    builds: dict[tuple[str, str], Built], monkeypatch: pytest.MonkeyPatch
) -> None:
    """dbt-ol has no namespace for the `session` method, so its processor reads the same Spark
    artifacts with a thrift profile (what a cluster run uses); the session profile itself gives
    SPARK_SESSION_NAMESPACE and the same names."""
    project = builds[("spark", "per-check")].project
    for key, value in project.env().items():
        monkeypatch.setenv(key, value)
    # dbt-ol reads the profiles.yml named in run_results.json: add the thrift output there
    profiles_file = project.path / "profiles.yml"
    profiles = yaml.safe_load(profiles_file.read_text())
    profiles["dativo_integration_tests"]["outputs"]["thrift"] = {
        "type": "spark",
        "method": "thrift",
        "host": "spark.example.com",
        "schema": "dativo_it",
    }
    profiles_file.write_text(yaml.safe_dump(profiles, sort_keys=False))
    assert_same_identifiers(project.path, project.path, "thrift")
    thrift = our_identifiers(project.path, project.path, "thrift")
    assert {ns for ns, _ in thrift["tests"].values()} == {"spark://spark.example.com:10001"}
    assert all(name.startswith("dativo_it.") for _, name in thrift["tests"].values())
    session = our_identifiers(project.path, project.path, "spark")
    assert {k: name for k, (_, name) in session["tests"].items()} == {
        k: name for k, (_, name) in thrift["tests"].items()
    }
    assert {ns for ns, _ in session["tests"].values()} == {SPARK_SESSION_NAMESPACE}


def test_register_quarantine_hook_on_spark(builds: dict[tuple[str, str], Built]) -> None:
    """register_quarantine (spark__ DDL, one statement per call) registers the same batch."""
    spark = builds[("spark", "per-check")].rows["registry"]
    duck = builds[("duckdb", "per-check")].rows["registry"]
    assert len(spark) == 1 and spark[0]["status"] == "quarantined"

    def comparable(row: dict[str, Any]) -> dict[str, Any]:
        checks = sorted(  # in the order dbt's threads finished the tests
            (
                {k: v for k, v in c.items() if k not in ("source_relation", "relation")}
                for c in json.loads(row["checks"])
            ),
            key=lambda c: str(c["check"]),
        )
        return row | {"checks": checks, "failure_count": int(row["failure_count"])}

    assert [comparable(r) for r in spark] == [comparable(r) for r in duck]


def _batch_fields(batch: dict[str, Any]) -> dict[str, Any]:
    """A listed batch without what names the run or the warehouse."""
    checks = sorted(  # in the order dbt's threads finished the tests
        ({k: v for k, v in c.items() if "relation" not in k} for c in batch["checks"]),
        key=lambda c: str(c["check"]),
    )
    keep = ("contract", "contract_version", "model", "model_unique_id", "failure_count", "status")
    return {k: batch[k] for k in keep} | {"checks": checks}


def test_quarantine_cli_on_spark(builds: dict[tuple[str, str], Built]) -> None:
    """The registry CLI on the Spark session warehouse (a local pyspark session) on the batch the
    hook registered: show --rows (as on DuckDB), review, release (visible in list), purge, and a
    CLI registration of the same run into another schema. Spark rows are never updated: the states
    come from the audit events. One real `dativo-dbt` process, then the rest in one process (one
    JVM start instead of seven)."""
    spark, duck = builds[("spark", "per-check")], builds[("duckdb", "per-check")]
    project = spark.project
    bid = Registry.batch_id(
        spark.run.invocation_id, "model.dativo_integration_tests.stripe_customers"
    )
    shown = json.loads(
        project.dativo("quarantine", "show", bid, "--rows", "5", "--format", "json").stdout
    )
    [duck_batch] = json.loads(duck.project.dativo("quarantine", "list", "--format", "json").stdout)
    assert _batch_fields(shown) == _batch_fields(duck_batch)
    relations = {c["relation"]: c["failures"] for c in shown["checks"]}
    assert len(relations) == 3
    assert all(r.startswith(f"dativo_it_dativo_quarantine.{bid}_") for r in relations)
    assert {r: len(rows) for r, rows in shown["rows"].items()} == {
        r: min(5, n) for r, n in relations.items()
    }
    [email] = [c["relation"] for c in shown["checks"] if c["check"] == "email_format"]
    assert shown["rows"][email][0]["email"] == "bob@example.c0m"

    review, release, listed, purge, after, register, registered = quarantine_sequence(
        project,
        [
            ["review", bid, "--reviewer", "alice"],
            ["release", bid],
            ["list", "--status", "released", "--format", "json"],
            ["purge", bid],
            ["show", bid, "--rows", "1", "--format", "json"],
            ["register", "--target-dir", "artifacts", "--schema", "dativo_it_cli_q"],
            ["list", "--schema", "dativo_it_cli_q", "--format", "json"],
        ],
    )
    assert [r["exit_code"] for r in (review, release, listed, purge, after)] == [0] * 5, [
        r["error"] for r in (review, release, listed, purge, after)
    ]
    assert (review["stdout"], release["stdout"]) == (f"{bid}: reviewed\n", f"{bid}: released\n")
    [batch] = json.loads(listed["stdout"])
    assert (batch["id"], batch["status"], batch["reviewer"]) == (bid, "released", "alice")
    assert batch["reviewed_at"] and batch["updated_at"] >= batch["reviewed_at"]
    assert purge["stdout"] == f"{bid}: deleted (dropped 3 relation(s))\n"
    after_doc = json.loads(after["stdout"])
    assert after_doc["status"] == "deleted" and after_doc["reviewer"] == "alice"
    assert after_doc["rows"] == {r: [] for r in relations}  # the batch's copies are dropped
    assert [(a["action"], a["to_status"]) for a in after_doc["audit"]] == [
        ("register", "quarantined"),
        ("review", "reviewed"),
        ("release", "released"),
        ("purge", "deleted"),
    ]
    assert register["exit_code"] == 0, register["error"]
    assert register["stdout"].startswith(f"registered {bid}: stripe_customers / stripe_customers")
    [cli_batch] = json.loads(registered["stdout"])
    assert _batch_fields(cli_batch) == _batch_fields(duck_batch)
