"""The package's SQL models (models/dativo/*.sql) are documented: every model and every column has
a description in a properties file next to it, and the documented columns are the real ones."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import yaml
from dativo_dbt.core.vocabulary import DEFAULT_DIMENSION_WEIGHTS

from tests.helpers.dbt import REPO_ROOT

MODELS_DIR = REPO_ROOT / "models" / "dativo"
RESULTS_TABLE_SQL = REPO_ROOT / "macros" / "results" / "results_table.sql"
#: Columns dativo_score_history adds per key of dimension_weights (default keys documented).
DIMENSION_COLUMN_MODELS = ("dativo_score_history", "dativo_model_scores")


def model_entries() -> list[dict[str, Any]]:
    """Every `models:` entry of every properties file in models/dativo/."""
    entries: list[dict[str, Any]] = []
    for path in sorted(MODELS_DIR.glob("*.yml")):
        doc = yaml.safe_load(path.read_text())
        assert doc.get("version") == 2, path
        entries.extend(doc.get("models") or [])
    return entries


def documented_columns() -> dict[str, list[str]]:
    """Model name -> its documented column names, in file order."""
    return {e["name"]: [c["name"] for c in e.get("columns") or []] for e in model_entries()}


def expected_view_columns(model: str, dimensions: Iterable[str]) -> set[str]:
    """The columns the built view `model` has when var dativo_dbt_scoring has these dimensions:
    the documented ones, with the default <dimension>_score columns swapped for the configured."""
    cols = set(documented_columns()[model])
    if model in DIMENSION_COLUMN_MODELS:
        cols -= {f"{d}_score" for d in DEFAULT_DIMENSION_WEIGHTS}
        cols |= {f"{d.lower()}_score" for d in dimensions}
    return cols


def results_table_columns() -> list[str]:
    """The results table's columns, in the order of the results_columns() macro."""
    text = RESULTS_TABLE_SQL.read_text()
    body = text.split("macro results_columns()", 1)[1].split("endmacro", 1)[0]
    return re.findall(r"\('(\w+)', \w+\)", body)


def test_every_sql_model_has_one_properties_entry_with_a_description() -> None:
    entries = model_entries()
    names = [e["name"] for e in entries]
    assert sorted(names) == sorted(p.stem for p in MODELS_DIR.glob("*.sql"))
    assert len(names) == len(set(names)) == 5
    for entry in entries:
        assert str(entry.get("description") or "").strip(), entry["name"]


def test_every_column_has_a_description_and_is_listed_once() -> None:
    for entry in model_entries():
        columns = entry.get("columns") or []
        assert columns, entry["name"]
        names = [c["name"] for c in columns]
        assert len(names) == len(set(names)), entry["name"]
        for col in columns:
            assert str(col.get("description") or "").strip(), (entry["name"], col["name"])


def test_properties_are_docs_only() -> None:
    for entry in model_entries():
        assert not {"data_tests", "tests"} & set(entry), entry["name"]
        for col in entry.get("columns") or []:
            assert not {"data_tests", "tests"} & set(col), (entry["name"], col["name"])


def test_results_models_document_the_results_table_columns_in_order() -> None:
    table = results_table_columns()
    assert len(table) > 30 and table[0] == "invocation_id"
    cols = documented_columns()
    assert cols["dativo_test_results"][: len(table)] == table
    assert cols["dativo_latest_test_results"] == [*cols["dativo_test_results"], "recency_rank"]
    assert cols["dativo_model_scores"] == cols["dativo_score_history"]


def test_score_models_document_the_default_dimension_columns() -> None:
    cols = documented_columns()["dativo_score_history"]
    assert {f"{d}_score" for d in DEFAULT_DIMENSION_WEIGHTS} <= set(cols)
