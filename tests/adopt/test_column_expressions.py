"""Arguments the published dbt-expectations reads as column expressions take column names."""

from __future__ import annotations

from pathlib import Path

import pytest
from dativo_dbt.checks.arguments import MappingError
from dativo_dbt.checks.expectations import map_expectation
from dativo_dbt.checks.literals import LiteralError
from dativo_dbt.checks.validate import load_contracts
from dativo_dbt.core.errors import DativoErrors

SUM = "expect_multicolumn_sum_to_equal"


def test_sum_total_takes_a_number_or_a_column_name() -> None:
    by_number = map_expectation(SUM, None, {"column_list": ["a", "b"], "sum_total": 10})
    assert by_number.arguments["sum_total"] == 10
    by_column = map_expectation(SUM, None, {"column_list": ["a", "b"], "sum_total": "amount"})
    assert by_column.arguments["sum_total"] == "amount"


@pytest.mark.parametrize("expr", ["amount + 1", "amount; drop table x", "{{ x }}", "", True])
def test_sum_total_is_never_free_sql(expr: object) -> None:
    with pytest.raises((MappingError, LiteralError), match=r"column name|number"):
        map_expectation(SUM, None, {"column_list": ["a", "b"], "sum_total": expr})


def test_sum_total_column_is_checked_against_the_asset(tmp_path: Path) -> None:
    (tmp_path / "c.yml").write_text(
        """
data_contract:
  name: orders
  version: "1"
  quality_checks:
    great_expectations:
      checks:
        - {name: expect_multicolumn_sum_to_equal, column_list: [a, b], sum_total: totl}
asset:
  name: orders
  schema:
    - {name: a, type: integer}
    - {name: b, type: integer}
    - {name: total, type: integer}
"""
    )
    with pytest.raises(DativoErrors, match=r"sum_total: column 'totl' is not in the asset schema"):
        load_contracts(tmp_path)
