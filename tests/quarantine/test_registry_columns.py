"""macros/quarantine/registry_columns.sql is generated from the Python table definitions
(quarantine/tables.py): the dbt hook and the CLI create and fill the same columns."""

from __future__ import annotations

from dativo_dbt.quarantine.tables import (
    REGISTRY_COLUMNS,
    REGISTRY_COLUMNS_SQL_PATH,
    create_table_sql,
    render_registry_columns_sql,
)

from tests.helpers.dbt import REPO_ROOT


def test_registry_columns_sql_is_not_stale() -> None:
    on_disk = (REPO_ROOT / REGISTRY_COLUMNS_SQL_PATH).read_text()
    assert on_disk == render_registry_columns_sql(), (
        'macros/quarantine/registry_columns.sql is stale; regenerate it with: python -c "from '
        "dativo_dbt.quarantine.tables import render_registry_columns_sql as r; "
        "open('macros/quarantine/registry_columns.sql', 'w').write(r())\""
    )


def test_spark_columns_have_no_primary_key() -> None:
    spark = create_table_sql("r", REGISTRY_COLUMNS, spark=True)
    assert "primary key" not in spark and spark.startswith(
        "create table if not exists r (id string not null,"
    )
    assert "id varchar(64) primary key," in create_table_sql("r", REGISTRY_COLUMNS)
