"""OpenLineage identifiers exactly as dbt-ol builds them, so our events join with dbt-ol's.

The dataset namespace and dataset names come from openlineage-integration-common's dbt artifact
processor (the code dbt-ol runs; it knows the namespace rules of ~16 adapters). Its test job name
is built inline in the processor, so `assertion_job_name` restates that one line and the tests prove it
equal to the processor's events on DuckDB, PostgreSQL and Spark.

One case dbt-ol does not name: dbt-spark's `session` method (a local pyspark session; the processor
raises NotImplementedError). We name it `spark://localhost`: there is no server, and dbt-ol cannot
run against such a profile, so nothing of theirs has to join with it.
"""

from __future__ import annotations

from typing import Any

from dativo_dbt.warehouse.profile import WarehouseTarget

#: The namespace of a Spark `session` profile, which dbt-ol does not support.
SPARK_SESSION_NAMESPACE = "spark://localhost"


def _processor() -> Any:
    # imported here: openlineage.common takes ~1.5 s to import and only lineage needs it
    from openlineage.common.provider.dbt.processor import DbtArtifactProcessor

    return DbtArtifactProcessor(producer="", job_namespace="")


def dataset_namespace(output: dict[str, Any]) -> str:
    """The dataset namespace for a rendered profiles.yml output (`duckdb://<path as written>`,
    `postgres://<host>:<port>`, `spark://<host>:<port>`, ...); the adapter type itself when
    dbt-ol has no rule for the profile."""
    kind = str(output.get("type", ""))
    if kind == "spark" and output.get("method") == "session":
        return SPARK_SESSION_NAMESPACE
    proc = _processor()
    try:
        proc.extract_adapter_type(output)
        return str(proc.extract_namespace(output))
    except (NotImplementedError, KeyError):
        return kind


def target_namespace(target: WarehouseTarget) -> str:
    """The dataset namespace of a dbt profile target, as openlineage-integration-common's dbt
    processor builds it."""
    return dataset_namespace(target.output or {"type": target.type})


def dataset_name(node: dict[str, Any], resource_type: str) -> str:
    """`database.schema.table` of a manifest node as dbt-ol names it: models, seeds and snapshots
    by alias, sources by their `name` (not the identifier); parts that are null (Spark has no
    database) are left out."""
    # imported here, as in _processor: openlineage.common is slow to import
    from openlineage.common.provider.dbt.processor import ModelNode

    meta = {
        "database": node.get("database"),
        "schema": node.get("schema"),
        "alias": node.get("alias") or node.get("name"),
        "name": node.get("name"),
    }
    _, name, _, _ = _processor().extract_dataset_data(
        ModelNode(type=resource_type, metadata_node=meta), None, False
    )
    return str(name)


def assertion_job_name(
    database: str | None, schema: str | None, unique_id: str, command: str | None
) -> str:
    """dbt-ol's test job name: `<database>.<schema>.<unique_id minus "model.">` + `.build.test` after
    `dbt build`, else `.test` (processor.parse_test)."""
    base = ".".join(p for p in (database, schema, unique_id.removeprefix("model.")) if p)
    return base + (".build.test" if command == "build" else ".test")
