"""The batch SQL the generator writes (generate/batch_sql.py), custom tests inside batches, and the
per-contract / per-check execution settings, without dbt (tests/batched/test_batched_dbt.py runs
the same SQL on DuckDB and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import pytest
from dativo_dbt.artifacts import batches
from dativo_dbt.checks import custom_tests, literals
from dativo_dbt.generate import batch_sql, batched
from dativo_dbt.generate.writer import generate

from bench.batched_project import properties, stripe_checks
from tests.helpers.dbt import copy_project

REPO = Path(__file__).resolve().parents[2]


def _batch(props: dict[str, Any]) -> dict[str, Any]:
    (entry,) = [e for e in props["models"][0]["data_tests"] if batched.BATCH_TEST in e]
    return dict(entry[batched.BATCH_TEST])


def test_values_reach_macros_as_jinja_literals_of_their_rendered_text() -> None:
    env = jinja2.Environment()
    for value in ["^[\\w\\.-]+@x}}{%\\'", 'é\n"q"', "{{ not_a_call }}", "a{#b"]:
        escaped = literals.jinja_escape(value)
        assert env.from_string(escaped).render() == value  # what dbt passes per check
        assert env.from_string("{{ " + batch_sql._literal(escaped) + " }}").render() == value
    with pytest.raises(batch_sql.Unbatchable, match="holds Jinja"):
        batch_sql._literal("{{ var('pattern') }}")


def test_a_regex_with_jinja_keeps_its_own_test() -> None:
    (column, entry) = stripe_checks()[0]
    ((test, body),) = entry.items()
    jinja_regex = {test: {**body, "arguments": {"regex": "{{ var('email_pattern') }}"}}}
    out, _ = batched.apply_execution(properties([(column, jinja_regex)]), "batched")
    kept = out["models"][0]["columns"][0]["data_tests"]
    assert [next(iter(e)) for e in kept] == [test]  # not batched: only dbt can render its value


def test_one_pass_sql_dedupes_aggregates_and_renders_each_check_once() -> None:
    sql = _batch(batched.apply_execution(properties(stripe_checks()), "batched")[0])["arguments"][
        "sql"
    ]
    # both freshness checks read max(created) once; dbt renders the adapter's now() once
    assert sql.count("max(case when cast(created") == 1
    assert sql.count("{%- set dativo_now = dativo_dbt.now_in_time_zone() -%}") == 1
    assert sql.count(" as check_name") == 10
    # contract values stay the literals the mapping wrote (quoted by the adapter, never raw)
    members = ", ".join(
        f"{{{{ dativo_dbt.sql_string('{c}') }}}}" for c in ("USD", "EUR", "GBP", "CAD")
    )
    assert f"currency not in ({members})" in sql


def test_custom_tests_found_without_config_ref_or_source_are_foldable(tmp_path: Path) -> None:
    (tmp_path / "dbt_project.yml").write_text("name: p\nmacro-paths: [m]\n")
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "tests.sql").write_text(
        "{% test plain(model, column_name) %}select * from {{ model }}{% endtest %}\n"
        "{%- test configured(model) -%}{{ config(fail_calc='sum(n)') }}select 1{%- endtest -%}\n"
        "{% test other_table(model, to) %}select * from {{ ref('x') }}{% endtest %}\n"
        "{% test from_source(model) %}select * from {{ source('a', 'b') }}{% endtest %}\n"
    )
    (tmp_path / "tests" / "generic").mkdir(parents=True)
    (tmp_path / "tests" / "generic" / "g.sql").write_text(
        "{% test generic_dir(model) %}select 1{% endtest %}"
    )
    package = tmp_path / "dbt_packages" / "pkg"
    (package / "macros").mkdir(parents=True)
    (package / "dbt_project.yml").write_text("name: pkg\n")
    (package / "macros" / "t.sql").write_text("{% test pkg_test(model) %}select 1{% endtest %}")
    assert custom_tests.foldable(tmp_path) == {"plain", "generic_dir", "pkg.pkg_test"}


def test_a_foldable_custom_test_runs_inside_the_batch() -> None:
    props = properties(stripe_checks())
    out, _ = batched.apply_execution(
        props, "batched", custom_tests={"balance_within_training_range"}
    )
    batch = _batch(out)
    assert "ml_feature_validity" in [
        e.meta.check for e in batches.batch_entries(batch["config"]["meta"]["dativo"])
    ]
    # the test's own SQL, called as dbt calls it, rendered only while executing (its config()
    # calls would otherwise configure the batch node)
    assert (
        "{% if execute %}{{ test_balance_within_training_range(model=ref('stripe_customers'), "
        "column_name='balance') }}" in batch["arguments"]["sql"]
    )
    assert not any(
        e for c in out["models"][0]["columns"] for e in c.get("data_tests", [])
    )  # nothing left per check


def test_a_check_with_execution_per_check_keeps_its_own_test() -> None:
    checks = stripe_checks()
    column, entry = checks[0]
    ((test, body),) = entry.items()
    body["config"]["meta"]["dativo"]["execution"] = "per-check"
    out, _ = batched.apply_execution(properties(checks), "batched")
    kept = [
        next(iter(e))
        for c in out["models"][0]["columns"]
        if c["name"] == column
        for e in c.get("data_tests", [])
    ]
    assert kept == [test]
    assert "email_format" not in [
        e.meta.check for e in batches.batch_entries(_batch(out)["config"]["meta"]["dativo"])
    ]


def test_contract_execution_overrides_the_project_and_the_flag_overrides_both(
    tmp_path: Path,
) -> None:
    # without dbt_packages: after the quickstart it links the repository, which holds this project
    project = copy_project(REPO / "integration_tests", tmp_path / "project")
    for generated in project.rglob("_dativo__*.yml"):
        generated.unlink()
    contract = project / "contracts" / "stripe_customers.contract.yml"
    text = contract.read_text()
    contract.write_text(text.replace("  tier: gold\n", "  tier: gold\n  execution: batched\n"))
    generate(project, project / "contracts")  # the project pins per-check (vars)
    stripe = (project / "models" / "stripe" / "_dativo__stripe_customers.yml").read_text()
    orders = (project / "models" / "shop" / "_dativo__orders.yml").read_text()
    assert "dativo_dbt.batched_checks" in stripe and "dativo_dbt.batched_checks" not in orders
    # the custom check's test (integration_tests/macros) runs inside the batch
    assert "test_balance_within_training_range(model=ref('stripe_customers')" in stripe
    generate(project, project / "contracts", execution="per-check")
    stripe = (project / "models" / "stripe" / "_dativo__stripe_customers.yml").read_text()
    assert "dativo_dbt.batched_checks" not in stripe


def test_a_custom_test_whose_arguments_dbt_must_render_keeps_its_own_test() -> None:
    checks = stripe_checks()
    column, entry = next(c for c in checks if "balance_within_training_range" in c[1])
    body = entry["balance_within_training_range"]
    for arguments in ({"to": "ref('other')"}, {"bad key": 1}, {"max_value": "{{ var('m') }}"}):
        custom = {"balance_within_training_range": {**body, "arguments": arguments}}
        out, _ = batched.apply_execution(
            properties([(column, custom)]),
            "batched",
            custom_tests={"balance_within_training_range"},
        )
        kept = [next(iter(e)) for c in out["models"][0]["columns"] for e in c.get("data_tests", [])]
        assert kept == ["balance_within_training_range"], arguments
