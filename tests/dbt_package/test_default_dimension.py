"""macros/scoring/default_dimension.sql is generated from the Python table (core/vocabulary.py)."""

from __future__ import annotations

from dativo_dbt.core.dimension_sql import DEFAULT_DIMENSION_SQL_PATH, render_default_dimension_sql

from tests.helpers.dbt import REPO_ROOT


def test_default_dimension_sql_is_not_stale() -> None:
    on_disk = (REPO_ROOT / DEFAULT_DIMENSION_SQL_PATH).read_text()
    assert on_disk == render_default_dimension_sql(), (
        'macros/scoring/default_dimension.sql is stale; regenerate it with: python -c "from '
        "dativo_dbt.core.dimension_sql import render_default_dimension_sql as r; "
        "open('macros/scoring/default_dimension.sql', 'w').write(r())\""
    )
