"""The per-check quarantine rewrite: which generated tests become `dativo_dbt.quarantine_rows`."""

from __future__ import annotations

from typing import Any

from dativo_dbt.generate.quarantine import QUARANTINE_TEST, quarantine_entry, quarantine_rows

DE = "dbt_expectations."
META = {"dativo": {"contract": "c", "check": "x", "check_type": "regex", "dimension": "validity"}}


def _entry(test: str, args: dict[str, Any] | None = None, *, stored: bool = True) -> Any:
    config: dict[str, Any] = {"severity": "warn", "tags": ["dativo"], "meta": META}
    if stored:
        config.update(store_failures=True, schema="q")
    body: dict[str, Any] = {"name": "dativo_c__x", "config": config}
    if args:
        body["arguments"] = args
    return {test: body}


REL = "ref('m')"


def test_row_level_quarantine_tests_store_full_rows() -> None:
    regex = _entry(DE + "expect_column_values_to_match_regex", {"regex": "^a"})
    out = quarantine_entry(regex, "email", REL)
    rows_sql = (
        "select * from {{ ref('m') }} where not "
        "({{ dbt_expectations.regexp_instr('email', '^a', 1, 1, false, '') }} > 0)"
    )
    assert out == {
        QUARANTINE_TEST: {
            "name": "dativo_c__x",
            "arguments": {"rows_sql": rows_sql},
            "config": {
                **regex[DE + "expect_column_values_to_match_regex"]["config"],
                "meta": {
                    "dativo": {
                        **META["dativo"],
                        "replaces": DE + "expect_column_values_to_match_regex",
                    }
                },
            },
        }
    }
    assert META["dativo"].get("replaces") is None  # the input is not modified
    between = _entry(
        DE + "expect_column_values_to_be_between",
        {"min_value": 0, "strictly": True, "row_condition": "id > 0"},
    )
    (sql,) = [v["arguments"]["rows_sql"] for v in quarantine_entry(between, "b", REL).values()]
    # the per-check test's `where <row_condition>` then `where not (<expression>)`
    assert sql == "select * from {{ ref('m') }} where (id > 0) and not ((1=1 and b > 0))"
    for test in ("not_null", DE + "expect_column_values_to_not_be_null"):
        assert QUARANTINE_TEST in quarantine_entry(_entry(test), "id", REL)


def test_other_tests_keep_their_own_test() -> None:
    kept = [
        (_entry(DE + "expect_column_values_to_match_regex", {"regex": "^a"}, stored=False), "e"),
        (_entry(DE + "expect_column_values_to_be_unique"), "e"),  # group check
        (_entry("accepted_values", {"values": ["a"]}), "e"),  # one row per value
        (_entry(DE + "expect_table_row_count_to_be_between", {"min_value": 1}), None),
        (_entry(DE + "expect_column_mean_to_be_between", {"min_value": 1}), "b"),
        (_entry(DE + "expect_column_values_to_be_between", {"min_value": 1, "mostly": 0.9}), "b"),
        (_entry("dativo_dbt.recent_data", {"interval": 2}), "t"),
        (_entry("my_custom_test", {"min_value": 1}), "b"),
        ("not_null", "id"),  # no meta
    ]
    for entry, column in kept:
        assert quarantine_entry(entry, column, REL) == entry


def test_models_and_sources_are_rewritten_in_place_of_the_test() -> None:
    regex = _entry(DE + "expect_column_values_to_match_regex", {"regex": "^a"})
    count = _entry(DE + "expect_table_row_count_to_be_between", {"min_value": 1})
    node = {"name": "m", "data_tests": [count], "columns": [{"name": "e", "data_tests": [regex]}]}
    props = {"version": 2, "models": [node], "sources": [{"name": "s", "tables": [node]}]}
    out = quarantine_rows(props)
    for rewritten in (out["models"][0], out["sources"][0]["tables"][0]):
        assert rewritten["data_tests"] == [count]
        ((test, _),) = rewritten["columns"][0]["data_tests"][0].items()
        assert test == QUARANTINE_TEST
    assert props["models"][0]["columns"][0]["data_tests"] == [regex]  # input untouched
