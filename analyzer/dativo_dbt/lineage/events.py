"""Build OpenLineage RunEvents from a scored dbt run.

Per scored node with checks: one run of the job dbt-ol uses for that node's tests
(`<database>.<schema>.<project>.<model>.test`, `.build.test` after `dbt build`, in the job namespace
`OPENLINEAGE_NAMESPACE` or `dbt`), with a START and a COMPLETE event, or FAIL when a blocking check
failed. The node's dataset (namespace from the dbt profile, name `database.schema.table`, exactly as
openlineage-integration-common names it) is the run's input and carries

* the standard `dataQualityAssertions` facet (in `facets` and `inputFacets`, as dbt-ol does): one
  assertion per check that ran, with our dimension, contract and severity in `params`;
* the custom `dativo_qualityScore` facet: score, dimension scores, tier, gate verdict.

Run ids are UUIDs derived from the dbt invocation id and the node, so emitting the same run twice
yields the same ids (consumers de-duplicate). The parent run facet points at dbt-ol's
`dbt-run-<project>` job with the dbt invocation id as run id.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import attr
from openlineage.client.event_v2 import InputDataset, Job, Run, RunEvent, RunState
from openlineage.client.facet_v2 import (
    DatasetFacet,
    InputDatasetFacet,
    JobFacet,
    RunFacet,
    data_quality_assertions_dataset,
    datasource_dataset,
    error_message_run,
    job_type_job,
    ownership_dataset,
    parent_run,
)

from dativo_dbt import __version__
from dativo_dbt.artifacts.interface import ModelMeta
from dativo_dbt.artifacts.project_nodes import NodeInfo, ProjectNodes
from dativo_dbt.lineage.naming import assertion_job_name, dataset_name
from dativo_dbt.scoring.models import CheckResult, ModelScore, ProjectScore

PRODUCER = f"https://github.com/dativo/dativo-dbt/tree/v{__version__}"
FACET_KEY = "dativo_qualityScore"
FACET_SCHEMA_URL = (
    "https://github.com/dativo/dativo-dbt/blob/main/analyzer/dativo_dbt/lineage/schemas/"
    "DativoQualityScoreDatasetFacet.json#/$defs/DativoQualityScoreDatasetFacet"
)
#: uuid5 namespace for our run ids (any fixed UUID; changing it changes every run id).
_RUN_ID_NS = uuid.UUID("9a4f1c9e-5d7b-4a53-9f0e-6a6c1b2d7e31")
_RAN = ("pass", "fail", "warn", "error")


@attr.define
class DativoQualityScoreDatasetFacet(DatasetFacet):
    """Custom dataset facet: the dativo-dbt quality score of the dataset in this run."""

    score: float | None
    dimensionScores: dict[str, float | None]
    gatePassed: bool
    formulaVersion: int
    checksTotal: int
    checksPassed: int = 0
    checksFailed: int = 0
    checksError: int = 0
    rawScore: float | None = None
    tier: str | None = None
    contract: str | None = None
    contractVersion: str | None = None
    onQualityViolation: str | None = None
    blockingFailures: list[str] = attr.field(factory=list)

    @staticmethod
    def _get_schema() -> str:
        return FACET_SCHEMA_URL


@dataclass(frozen=True)
class LineageSettings:
    job_namespace: str
    dataset_namespace: str
    producer: str = PRODUCER

    @classmethod
    def from_env(cls, dataset_namespace: str, job_namespace: str | None = None) -> LineageSettings:
        return cls(
            job_namespace=job_namespace or os.environ.get("OPENLINEAGE_NAMESPACE") or "dbt",
            dataset_namespace=dataset_namespace,
        )


def handling_for(check: CheckResult, meta: ModelMeta | None) -> str | None:
    """The contract's handling for this check: `on_sla_violation` for SLA checks,
    `on_schema_violation` for schema checks, else `on_quality_violation` (None: no contract)."""
    if meta is None or check.contract is None:
        return None
    if check.origin == "sla":
        return meta.on_sla_violation
    if check.origin == "schema":
        return meta.on_schema_violation
    return meta.on_quality_violation


def is_blocking(check: CheckResult, handling: str | None) -> bool:
    """A failed check blocks when dbt fails the run on it (severity error: status fail/error), or
    when its contract handling is `block` and it only warned."""
    if check.status in ("fail", "error"):
        return True
    return check.status == "warn" and handling == "block"


def _expected(check: CheckResult, config: dict[str, Any] | None) -> str | None:
    if check.failures is None:
        return None
    key = "warn_if" if check.dbt_severity == "warn" else "error_if"
    threshold = (config or {}).get(key)
    if threshold is None or "".join(str(threshold).split()) == "!=0":
        return "0"
    return str(threshold)


def assertion_for(
    check: CheckResult, config: dict[str, Any] | None = None
) -> data_quality_assertions_dataset.Assertion:
    params: dict[str, Any] = {
        "dimension": check.dimension,
        "contract": check.contract,
        "contract_version": check.contract_version,
        "check": check.check,
        "dativo_severity": check.severity,
        "weight": check.weight,
        "status": check.status,
        "origin": check.origin,
    }
    return data_quality_assertions_dataset.Assertion(
        assertion=check.test_name or check.check_type,
        success=check.status == "pass",
        column=check.column,
        severity=check.dbt_severity,
        name=check.name,
        expected=_expected(check, config),
        actual=str(check.failures) if check.failures is not None else None,
        params={k: v for k, v in params.items() if v is not None},
    )


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _times(checks: Iterable[CheckResult], fallback: str) -> tuple[str, str]:
    starts: list[datetime] = []
    ends: list[datetime] = []
    for c in checks:
        done = _parse_time(c.completed_at)
        if done is None:
            continue
        ends.append(done)
        starts.append(done - timedelta(seconds=c.execution_time or 0.0))
    default = _parse_time(fallback) or datetime.now(timezone.utc)
    start = min(starts) if starts else default
    end = max(ends) if ends else default
    return start.isoformat(), end.isoformat()


def job_name(node: NodeInfo, command: str | None) -> str:
    """dbt-ol's test job name for the node: `<database>.<schema>.<unique_id minus model.>.test`."""
    return assertion_job_name(node.database, node.schema, node.unique_id, command)


def run_id_for(invocation_id: str | None, unique_id: str) -> str:
    return str(uuid.uuid5(_RUN_ID_NS, f"{invocation_id or 'no-invocation'}:{unique_id}"))


def _score_facet(
    model: ModelScore,
    meta: ModelMeta | None,
    ran: list[CheckResult],
    blocking: list[CheckResult],
    project: ProjectScore,
    producer: str,
) -> DativoQualityScoreDatasetFacet:
    return DativoQualityScoreDatasetFacet(
        score=model.score,
        rawScore=model.raw_score,
        dimensionScores=dict(model.dimension_scores),
        tier=model.tier,
        gatePassed=model.gate.passed,
        contract=model.contract or (meta.contract if meta else None),
        contractVersion=meta.version_text if meta else None,
        onQualityViolation=meta.on_quality_violation if meta else None,
        formulaVersion=project.formula_version,
        checksTotal=len(ran),
        checksPassed=sum(1 for c in ran if c.status == "pass"),
        checksFailed=sum(1 for c in ran if c.status in ("fail", "warn")),
        checksError=sum(1 for c in ran if c.status == "error"),
        blockingFailures=[c.name for c in blocking],
        producer=producer,
    )


def _input_dataset(
    node: NodeInfo,
    assertions: data_quality_assertions_dataset.DataQualityAssertionsDatasetFacet,
    score_facet: DativoQualityScoreDatasetFacet,
    settings: LineageSettings,
) -> InputDataset:
    """The node's dataset with the assertions, score, data source and (as dbt-ol) owner facets."""
    dataset_facets: dict[str, DatasetFacet] = {
        "dataSource": datasource_dataset.DatasourceDatasetFacet(
            name=settings.dataset_namespace,
            uri=settings.dataset_namespace,
            producer=settings.producer,
        ),
        "dataQualityAssertions": assertions,  # type: ignore[dict-item]
        FACET_KEY: score_facet,
    }
    meta = node.dativo
    if meta and meta.owner:
        # as dbt-ol does from `meta.owner`: the contract's owner owns the dataset
        dataset_facets["ownership"] = ownership_dataset.OwnershipDatasetFacet(
            owners=[ownership_dataset.Owner(name=meta.owner)], producer=settings.producer
        )
    input_facets: dict[str, InputDatasetFacet] = {"dataQualityAssertions": assertions}
    return InputDataset(
        namespace=settings.dataset_namespace,
        name=dataset_name(node.relation_parts(), node.resource_type),
        facets=dataset_facets,
        inputFacets=input_facets,
    )


def _job(node: NodeInfo, nodes: ProjectNodes, settings: LineageSettings) -> Job:
    job_facets: dict[str, JobFacet] = {
        "jobType": job_type_job.JobTypeJobFacet(
            processingType="BATCH", integration="DBT", jobType="TEST", producer=settings.producer
        )
    }
    return Job(
        namespace=settings.job_namespace, name=job_name(node, nodes.command), facets=job_facets
    )


def _parent_facets(
    invocation: str | None, project: ProjectScore, settings: LineageSettings
) -> dict[str, RunFacet]:
    """The parent run facet (dbt-ol's `dbt-run-<project>` job, run id = invocation id)."""
    if not (invocation and project.project_name):
        return {}
    return {
        "parent": parent_run.ParentRunFacet(
            run=parent_run.Run(runId=invocation),
            job=parent_run.Job(
                namespace=settings.job_namespace, name=f"dbt-run-{project.project_name}"
            ),
            producer=settings.producer,
        )
    }


def _error_facet(
    model: ModelScore, blocking: list[CheckResult], producer: str
) -> error_message_run.ErrorMessageRunFacet:
    names = ", ".join(c.name for c in blocking)
    message = f"{len(blocking)} blocking check(s) failed: {names}"
    if model.build_status is not None:
        message = f"model did not build (dbt status {model.build_status}); {message}"
    return error_message_run.ErrorMessageRunFacet(
        message=message, programmingLanguage="SQL", producer=producer
    )


def model_events(
    model: ModelScore,
    node: NodeInfo,
    project: ProjectScore,
    nodes: ProjectNodes,
    settings: LineageSettings,
) -> list[RunEvent]:
    """START and COMPLETE/FAIL for one node (no events when none of its checks ran and it did not
    fail to build). A node that did not build (DATIVO-DQ108) always ends with FAIL."""
    ran = [c for c in model.checks if c.status in _RAN]
    if not ran and model.build_status is None:
        return []
    meta = node.dativo
    blocking = [c for c in ran if is_blocking(c, handling_for(c, meta))]
    assertions = data_quality_assertions_dataset.DataQualityAssertionsDatasetFacet(
        assertions=[assertion_for(c, nodes.test_configs.get(c.unique_id)) for c in ran],
        producer=settings.producer,
    )
    score_facet = _score_facet(model, meta, ran, blocking, project, settings.producer)
    dataset = _input_dataset(node, assertions, score_facet, settings)
    job = _job(node, nodes, settings)
    invocation = project.invocation_id or nodes.invocation_id
    run_facets = _parent_facets(invocation, project, settings)
    run_id = run_id_for(invocation, node.unique_id)
    start_time, end_time = _times(ran, project.generated_at)
    start = RunEvent(
        eventType=RunState.START,
        eventTime=start_time,
        run=Run(runId=run_id, facets=dict(run_facets)),
        job=job,
        inputs=[InputDataset(namespace=dataset.namespace, name=dataset.name)],
        outputs=[],
        producer=settings.producer,
    )
    end_facets = dict(run_facets)
    failed = bool(blocking) or model.build_status is not None
    if failed:
        end_facets["errorMessage"] = _error_facet(model, blocking, settings.producer)
    end = RunEvent(
        eventType=RunState.FAIL if failed else RunState.COMPLETE,
        eventTime=end_time,
        run=Run(runId=run_id, facets=end_facets),
        job=job,
        inputs=[dataset],
        outputs=[],
        producer=settings.producer,
    )
    return [start, end]


def build_events(
    project: ProjectScore, nodes: ProjectNodes, settings: LineageSettings
) -> list[RunEvent]:
    """All events of the run, ordered: for each node START then COMPLETE/FAIL."""
    events: list[RunEvent] = []
    for model in project.models:
        node = nodes.nodes.get(model.unique_id)
        if node is None:
            continue
        events.extend(model_events(model, node, project, nodes, settings))
    return events
