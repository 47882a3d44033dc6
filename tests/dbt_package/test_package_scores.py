"""The dbt package alone (dbt Cloud): the on-run-end hook records every test result of every
invocation, and the package's SQL models score models exactly as the Python `score_project`."""

from __future__ import annotations

import math
import re
from typing import Any

import pytest
from dativo_dbt.config.model import DativoConfig, ScoringParams
from dativo_dbt.scoring.api import score_project
from dativo_dbt.scoring.models import ProjectScore

from tests.dbt_package.conftest import BATCH_SIZE, CUSTOM_SCORING, TwoRuns
from tests.dbt_package.test_model_docs import documented_columns, expected_view_columns
from tests.dbt_package.warehouse import Run, dativo_schema, query


def python_scores(run: Run, scoring: dict[str, Any] | None) -> ProjectScore:
    config = DativoConfig(scoring=ScoringParams(**scoring)) if scoring else DativoConfig()
    return score_project(run.target_dir, config, catalog=False)


def recorded_tests(run: Run) -> dict[str, dict[str, Any]]:
    return {
        r["unique_id"]: r for r in run.run_results["results"] if r["unique_id"].startswith("test.")
    }


def assert_scores_match(run: Run, scoring: dict[str, Any] | None) -> None:
    """Every model the SQL side scored has the Python score (to 0.01), per dimension too, and the
    SQL side scored exactly the models that have recorded tests."""
    py = python_scores(run, scoring)
    py_by_id = {m.unique_id: m for m in py.models if m.checks_total > 0}
    sql_by_id = {r["model_unique_id"]: r for r in run.model_scores}
    assert set(sql_by_id) == set(py_by_id)
    assert len(sql_by_id) >= 2
    for uid, row in sql_by_id.items():
        model = py_by_id[uid]
        assert row["invocation_id"] == run.invocation_id
        if model.score is None:
            assert row["score"] is None, uid
        else:
            assert row["score"] is not None, uid
            assert abs(float(row["score"]) - model.score) < 0.01, (uid, row["score"], model.score)
        for dim, value in model.dimension_scores.items():
            got = row[f"{dim}_score"]
            if value is None:
                assert got is None, (uid, dim)
            else:
                assert got is not None and abs(float(got) - value) < 0.01, (uid, dim, got, value)
        assert row["checks_scored"] == model.checks_scored
        assert row["checks_passed"] == model.checks_passed
        assert row["checks_failed"] == model.checks_failed
        assert row["checks_errored"] == model.checks_error
        assert row["checks_skipped"] == model.checks_skipped
        assert row["tier"] == model.tier


def assert_gates_match(run: Run, scoring: dict[str, Any] | None) -> None:
    py = {m.unique_id: m for m in python_scores(run, scoring).models}
    assert run.gate_verdicts
    for row in run.gate_verdicts:
        gate = py[row["model_unique_id"]].gate
        assert bool(row["gate_passed"]) == gate.passed, (row, gate)
        dq108 = any(v.code == "DATIVO-DQ108" for v in gate.violations)
        assert row["build_violation"] == int(dq108), (row, gate)
        assert row["missing_tests"].split() == gate.missing_tests
        assert abs(float(row["min_score"]) - float(gate.min_score or 0)) < 1e-9
        if gate.coverage is None:
            assert row["test_coverage"] is None
        else:
            assert abs(float(row["test_coverage"]) - gate.coverage) < 0.01


class Checks:
    """The assertions, shared by the DuckDB and the PostgreSQL run."""

    runs: TwoRuns

    def rows(self, invocation_id: str) -> list[dict[str, Any]]:
        schema = dativo_schema(self.runs.project)
        return query(
            self.runs.project,
            f"select * from {schema}.dativo_test_runs where invocation_id = '{invocation_id}'",
        )

    def test_no_test_ran_no_table_no_schema(self) -> None:
        # `dbt seed` ran no test: the hook issued no statement at all (no schema, no table)
        assert self.runs.table_after_seed is False
        assert self.runs.first.invocation_id != self.runs.second.invocation_id

    def test_older_results_table_gets_the_missing_columns(self) -> None:
        schema = dativo_schema(self.runs.project)
        cols = query(
            self.runs.project,
            "select column_name from information_schema.columns "
            f"where table_schema = '{schema}' and table_name = 'dativo_test_runs'",
        )
        names = [c["column_name"] for c in cols]
        assert sorted(names) == sorted(set(names))
        assert len(names) == 34 and {  # 34: model_status (fail closed, DQ108)
            "invocation_id",
            "status",
            "model_column_count",
            "weight",
        } <= set(names)

    def test_one_row_per_test_result_with_status_and_meta(self) -> None:
        run = self.runs.first
        expected = recorded_tests(run)
        rows = {r["test_unique_id"]: r for r in self.rows(run.invocation_id)}
        assert set(rows) == set(expected)
        statuses = {r["status"] for r in rows.values()}
        # the fixture has passing, failing, warning and erroring tests; the test dbt skipped because
        # broken_model did not build is recorded as an error (fail closed, DQ108)
        assert statuses == {"pass", "fail", "warn", "error"}
        for uid, result in expected.items():
            if result["status"] == "skipped":
                assert rows[uid]["status"] == "error", uid
                assert rows[uid]["message"].startswith("not run: model broken_model did not build")
                continue
            assert rows[uid]["status"] == result["status"], uid
            assert rows[uid]["failures"] == result["failures"], uid
            assert math.isclose(rows[uid]["execution_time"], result["execution_time"], abs_tol=1e-3)
        manifest_nodes = __import__("json").loads((run.target_dir / "manifest.json").read_text())[
            "nodes"
        ]
        email = next(
            r for r in rows.values() if r["test_name"] == "dativo_crm_customers__email_o_hara"
        )
        assert email["check_name"] == "email_in_known_list (o'hara \\ 'quoted')"
        assert (email["contract"], email["contract_version"], email["origin"]) == (
            "crm_customers",
            "1.0",
            "custom",
        )
        assert (email["dimension"], email["severity"], email["weight"]) == ("validity", "info", 2.5)
        assert (email["dbt_severity"], email["test_type"], email["column_name"]) == (
            "error",
            "accepted_values",
            "email",
        )
        assert (email["model_name"], email["model_tier"], email["model_owner"]) == (
            "customers",
            "gold",
            "crm-team@example.com",
        )
        assert email["model_column_count"] == len(
            manifest_nodes["model.dativo_pkg_fixture.customers"]["columns"]
        )
        singular = next(r for r in rows.values() if r["test_name"] == "orders_amount_positive")
        assert (singular["test_type"], singular["model_name"], singular["default_dimension"]) == (
            "singular",
            "orders",
            "validity",
        )
        erroring = next(r for r in rows.values() if r["test_name"] == "orders_status_erroring")
        assert erroring["status"] == "error" and "no_such_status_column" in erroring["message"]
        assert erroring["column_documented"] is False
        skipped = next(r for r in rows.values() if r["model_name"] == "broken_model")
        assert (skipped["status"], skipped["model_status"]) == ("error", "error")
        assert {r["model_status"] for r in rows.values() if r["model_name"] == "customers"} == {
            "success"
        }
        assert {r["invocation_id"] for r in rows.values()} == {run.invocation_id}

    def test_two_invocations_both_kept_in_history(self) -> None:
        schema = dativo_schema(self.runs.project)
        counts = query(
            self.runs.project,
            f"select invocation_id, count(*) as n from {schema}.dativo_test_results group by invocation_id",
        )
        n_tests = len(recorded_tests(self.runs.first))
        assert {r["invocation_id"]: int(r["n"]) for r in counts} == {
            self.runs.first.invocation_id: n_tests,
            self.runs.second.invocation_id: n_tests,
        }
        history = query(
            self.runs.project,
            f"select distinct invocation_id from {schema}.dativo_score_history",
        )
        assert {r["invocation_id"] for r in history} == {
            self.runs.first.invocation_id,
            self.runs.second.invocation_id,
        }
        latest = query(self.runs.project, f"select * from {schema}.dativo_latest_test_results")
        assert {r["invocation_id"] for r in latest} == {self.runs.second.invocation_id}
        assert len(latest) == n_tests

    def test_inserts_are_batched(self) -> None:
        n_tests = len(recorded_tests(self.runs.second))
        inserts = re.findall(r"insert into \S*dativo_test_runs", self.runs.second.log)
        assert len(inserts) == math.ceil(n_tests / BATCH_SIZE)
        assert len(re.findall(r"insert into \S*dativo_test_runs", self.runs.first.log)) == 1

    def test_sql_scores_equal_python_scores_default_config(self) -> None:
        assert_scores_match(self.runs.first, None)

    def test_sql_scores_equal_python_scores_custom_config(self) -> None:
        assert_scores_match(self.runs.second, CUSTOM_SCORING)

    def test_gate_verdicts_equal_python(self) -> None:
        assert_gates_match(self.runs.first, None)
        verdicts = {r["model_name"]: r for r in self.runs.first.gate_verdicts}
        assert verdicts["customers"]["tier"] == "gold" and not verdicts["customers"]["gate_passed"]
        assert verdicts["orders"]["unknown_column_violation"] == 1
        # broken_model did not build: DQ108 fails its gate in SQL as in Python
        assert verdicts["broken_model"]["build_violation"] == 1
        assert not verdicts["broken_model"]["gate_passed"]

    def test_views_have_exactly_the_documented_columns(self) -> None:
        # the views were last built by the second invocation, with CUSTOM_SCORING's dimensions
        schema = dativo_schema(self.runs.project)
        for model in documented_columns():
            rows = query(
                self.runs.project,
                "select column_name from information_schema.columns "
                f"where table_schema = '{schema}' and table_name = '{model}'",
            )
            built = {str(r["column_name"]).lower() for r in rows}
            dims = CUSTOM_SCORING["dimension_weights"]
            assert built == expected_view_columns(model, dims), model


class TestDuckDB(Checks):
    @pytest.fixture(autouse=True)
    def _runs(self, duckdb_runs: TwoRuns) -> None:
        self.runs = duckdb_runs


@pytest.mark.postgres
class TestPostgres(Checks):
    @pytest.fixture(autouse=True)
    def _runs(self, postgres_runs: TwoRuns) -> None:
        self.runs = postgres_runs
