"""`dativo-dbt generate`: file placement, determinism, --check, and never clobbering user files."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import pytest
import yaml
from dativo_dbt.core.errors import DativoErrors
from dativo_dbt.generate.render import HEADER_PREFIX
from dativo_dbt.generate.writer import generate

from tests.helpers.dbt import DATIVO, REPO_ROOT

CONTRACT = """
data_contract:
  name: customers
  version: "2.0"
  tier: gold
  asset_ref: customers.asset.yml
  schema_contract: {strict_mode: true}
  sla:
    freshness: {max_age_hours: 2}
    completeness: {min_records_per_day: 10}
  quality_checks:
    soda:
      checks:
        - {name: email_format, type: regex, column: email, pattern: "^[^@]+@[^@]+$", severity: error}
        - {name: pair_unique, type: uniqueness, columns: [id, email]}
    great_expectations:
      checks:
        - {name: expect_column_values_to_not_be_null, column: id, severity: critical}
        - {name: expect_column_values_to_be_in_set, column: email, value_set: ["a@b"], enabled: false}
    custom:
      - {name: custom_one, test: my_rule, column: id, arguments: {limit: 3, label: "it's"}, weight: 2}
  violation_handling:
    on_quality_violation: block
    on_sla_violation: warn
"""
ASSET = """
asset:
  name: customers
  schema:
    - {name: id, type: string, required: true}
    - {name: email, type: string, classification: PII}
    - {name: created, type: timestamp}
    - {name: amount, type: "decimal(10,2)"}
  data_contract:
    inline_checks:
      - {type: null_check, columns: [id, created]}
      - {type: range_check, column: amount, min: 0}
"""
SOURCE = """
data_contract:
  name: raw_events
  version: "1"
  source: {name: app, table: events, schema: raw}
  sla:
    freshness: {max_age_hours: 0.5, column: loaded_at, severity: critical}
  quality_checks:
    soda:
      checks:
        - {name: id_present, type: not_null, column: id}
  violation_handling: {on_sla_violation: block}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "dbt_project.yml").write_text("name: p\nversion: '1'\nprofile: p\n")
    (tmp_path / "models" / "marts").mkdir(parents=True)
    (tmp_path / "models" / "marts" / "customers.sql").write_text("select 1 as id\n")
    # the custom check's test: a generic test of the project itself (README "Security model")
    (tmp_path / "macros").mkdir()
    (tmp_path / "macros" / "my_rule.sql").write_text(
        "{% test my_rule(model, column_name, limit, label) %}select 1 where false{% endtest %}\n"
    )
    contracts = tmp_path / "contracts"
    contracts.mkdir()
    (contracts / "customers.yml").write_text(textwrap.dedent(CONTRACT).lstrip())
    (contracts / "customers.asset.yml").write_text(textwrap.dedent(ASSET).lstrip())
    (contracts / "raw_events.yml").write_text(textwrap.dedent(SOURCE).lstrip())
    return tmp_path


def _gen(project: Path, check: bool = False):  # type: ignore[no-untyped-def]
    return generate(project, project / "contracts", check=check, execution="per-check")


def test_files_beside_models_with_interface_shape(project: Path) -> None:
    result = _gen(project)
    model_file = project / "models" / "marts" / "_dativo__customers.yml"
    source_file = project / "models" / "_dativo__app__events.yml"
    assert sorted(result.written) == sorted([model_file, source_file])
    text = model_file.read_text()
    assert text.splitlines()[0] == HEADER_PREFIX + "contracts/customers.yml; do not edit"
    doc = yaml.safe_load(text)
    (model,) = doc["models"]
    assert model["config"]["contract"] == {"enforced": True}
    assert model["config"]["meta"]["dativo"]["tier"] == "gold"
    cols = {c["name"]: c for c in model["columns"]}
    assert [c["name"] for c in model["columns"]] == ["id", "email", "created", "amount"]
    assert cols["amount"]["data_type"] == "numeric(10,2)"
    assert cols["created"]["data_type"] == "timestamp"
    tests = {
        body["name"]: (test, body)
        for col in model["columns"]
        for entry in col.get("data_tests", [])
        for test, body in entry.items()
    } | {
        body["name"]: (test, body)
        for entry in model.get("data_tests", [])
        for test, body in entry.items()
    }
    assert set(tests) == {
        "dativo_customers__email_format",
        "dativo_customers__pair_unique",
        "dativo_customers__expect_column_values_to_not_be_null",
        "dativo_customers__custom_one",
        "dativo_customers__inline_null_check_id",
        "dativo_customers__inline_null_check_created",
        "dativo_customers__inline_range_check_amount",
        "dativo_customers__sla_freshness",
        "dativo_customers__sla_completeness",
    }  # the disabled check is not generated
    test, body = tests["dativo_customers__email_format"]
    assert body["config"]["severity"] == "error"  # block + error(=critical)
    assert body["config"]["meta"]["dativo"]["severity"] == "critical"
    assert "store_failures" not in body["config"]
    test, body = tests["dativo_customers__custom_one"]
    # strings are SQL literals quoted by the dbt package with the adapter's rules
    assert test == "my_rule"
    assert body["arguments"] == {"limit": 3, "label": r"{{ dativo_dbt.sql_string('it\'s') }}"}
    assert body["config"]["meta"]["dativo"]["weight"] == 2
    assert body["config"]["severity"] == "warn"
    test, body = tests["dativo_customers__sla_freshness"]
    assert (test, body["arguments"]) == (
        "dativo_dbt.recent_data",
        {"datepart": "hour", "interval": 2},
    )
    assert body["config"]["meta"]["dativo"]["column"] == "created"
    test, body = tests["dativo_customers__sla_completeness"]
    assert (test, body["arguments"]) == ("dativo_dbt.min_records_per_day", {"min_records": 10})
    source = yaml.safe_load(source_file.read_text())["sources"][0]
    assert (source["name"], source["schema"]) == ("app", "raw")
    table = source["tables"][0]
    assert table["config"]["loaded_at_field"] == "loaded_at"
    assert table["config"]["freshness"] == {"error_after": {"count": 30, "period": "minute"}}


def test_deterministic_and_idempotent(project: Path) -> None:
    _gen(project)
    first = {p: p.read_bytes() for p in project.rglob("_dativo__*.yml")}
    result = _gen(project)
    assert result.written == [] and len(result.unchanged) == 2
    assert {p: p.read_bytes() for p in project.rglob("_dativo__*.yml")} == first


def test_check_reports_stale_files_via_cli(project: Path) -> None:
    stale = subprocess.run(
        [DATIVO, "generate", "--check"], cwd=project, capture_output=True, text=True
    )
    assert stale.returncode == 1
    assert "stale: models/marts/_dativo__customers.yml" in stale.stderr
    assert not list(project.rglob("_dativo__*.yml")), "--check writes nothing"
    subprocess.run([DATIVO, "generate"], cwd=project, check=True, capture_output=True)
    fresh = subprocess.run(
        [DATIVO, "generate", "--check"], cwd=project, capture_output=True, text=True
    )
    assert fresh.returncode == 0, fresh.stderr
    path = project / "models" / "marts" / "_dativo__customers.yml"
    path.write_text(path.read_text() + "# edited\n")
    again = subprocess.run(
        [DATIVO, "generate", "--check"], cwd=project, capture_output=True, text=True
    )
    assert again.returncode == 1 and "_dativo__customers.yml" in again.stderr


def test_refuses_to_overwrite_a_file_it_did_not_write(project: Path) -> None:
    mine = project / "models" / "marts" / "_dativo__customers.yml"
    mine.write_text("version: 2\n# hand-written\n")
    with pytest.raises(DativoErrors, match="was not written by dativo-dbt; refusing to overwrite"):
        _gen(project)
    assert mine.read_text() == "version: 2\n# hand-written\n"


def test_placement_separate_detects_another_patch_of_the_same_model(project: Path) -> None:
    # placement auto (the default) manages such a model in place (tests/adopt); `separate` refuses
    (project / "models" / "marts" / "schema.yml").write_text(
        "version: 2\nmodels:\n  - name: customers\n    description: mine\n"
    )
    with pytest.raises(DativoErrors) as exc:
        generate(project, project / "contracts", execution="per-check", placement="separate")
    msg = exc.value.errors[0].render()
    assert "models/marts/schema.yml already describes model 'customers'" in msg
    assert "dbt allows one properties entry per model" in msg
    assert "remove `model:`" not in msg  # the contract has no `model:` key


def test_orphans_are_removed(project: Path) -> None:
    _gen(project)
    (project / "contracts" / "raw_events.yml").unlink()
    assert [p.name for p in _gen(project, check=True).stale] == ["_dativo__app__events.yml"]
    result = _gen(project)
    assert [p.name for p in result.removed] == ["_dativo__app__events.yml"]


def test_unknown_model(project: Path) -> None:
    (project / "models" / "marts" / "customers.sql").unlink()
    with pytest.raises(DativoErrors, match="no dbt model 'customers'"):
        _gen(project)


def test_example_project_files_are_fresh() -> None:
    root = REPO_ROOT / "integration_tests"
    result = generate(root, root / "contracts", check=True)
    assert result.stale == [], "run `dativo-dbt generate` in integration_tests/"
    assert len(result.unchanged) == 4


def test_schema_violation_warn_gives_a_column_set_test(project: Path) -> None:
    path = project / "contracts" / "customers.yml"
    text = path.read_text().replace(
        "    on_sla_violation: warn", "    on_sla_violation: warn\n    on_schema_violation: warn"
    )
    text = text.replace(
        "completeness: {min_records_per_day: 10}",
        "completeness: {min_records_per_day: 10, lookback_days: 3}",
    )
    path.write_text(text)
    _gen(project)
    (model,) = yaml.safe_load((project / "models/marts/_dativo__customers.yml").read_text())[
        "models"
    ]
    assert "contract" not in model["config"]  # an enforced dbt contract would block
    assert "data_type" not in model["columns"][0]
    (entry,) = model["data_tests"][1:] or [None]  # [pair_unique, schema_columns]
    assert entry is not None
    ((test, body),) = entry.items()
    assert test == "dativo_dbt.schema_columns_match"  # names missing/unexpected columns
    assert body["arguments"] == {"columns": ["id", "email", "created", "amount"]}
    assert body["config"]["meta"]["dativo"]["dimension"] == "consistency"
    assert body["config"]["severity"] == "warn"
    assert body["config"]["meta"]["dativo"]["origin"] == "schema"
    completeness = [
        b for c in model["columns"] for e in c.get("data_tests", []) for b in e.values()
        if b["name"].endswith("sla_completeness")
    ]  # fmt: skip
    assert completeness[0]["arguments"] == {"min_records": 10, "lookback_days": 3}


def test_sunset_contract_generates_nothing(project: Path) -> None:
    path = project / "contracts" / "raw_events.yml"
    path.write_text(path.read_text().replace('version: "1"', 'version: "1"\n  status: sunset'))
    result = _gen(project)
    assert [p.name for p in result.written] == ["_dativo__customers.yml"]


def test_seed_examples_generate() -> None:
    """The design document's contracts (contracts/examples) become tests with no error."""
    from dativo_dbt.checks.contract_tests import build_tests
    from dativo_dbt.checks.validate import load_contracts

    items = {c.contract.name: c for c in load_contracts(REPO_ROOT / "contracts" / "examples")}
    stripe = build_tests(items["stripe_customers"])
    assert {t.check for t in stripe} >= {
        "email_format",
        "no_duplicate_emails",
        "amount_range",
        "freshness_check",
        "ml_feature_validity",
        "inline_unique_check_id",
        "sla_freshness",
        "sla_completeness",
    }
    ml = build_tests(items["ml_features_user_behavior"])
    assert [t.mapped.test.split(".")[1] for t in ml] == [
        "expect_column_values_to_be_between",
        "expect_column_max_to_be_between",
        "expect_column_values_to_not_be_null",
        "expect_column_mean_to_be_between",
        "expect_column_stdev_to_be_between",
    ]
