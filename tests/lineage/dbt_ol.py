"""Compare our lineage identifiers with those dbt-ol emits for the same artifacts: dbt-ol's own
processor (openlineage-integration-common's DbtLocalArtifactProcessor) parses the project's
target/ and profile, and we collect the job names and dataset identifiers of its events."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dativo_dbt.artifacts.project_nodes import load_nodes
from dativo_dbt.config.model import DativoConfig
from dativo_dbt.lineage.naming import dataset_name
from dativo_dbt.lineage.run import events_for_run
from dativo_dbt.scoring.api import score_project
from openlineage.client.serde import Serde

Ident = tuple[str, str]  # (namespace, name)


def dbt_ol_identifiers(project_dir: Path, profiles_dir: Path, target: str) -> dict[str, Any]:
    """dbt-ol's identifiers: {'tests': {job name: dataset}, 'outputs': {job name: dataset}}."""
    from openlineage.common.provider.dbt.local import DbtLocalArtifactProcessor

    proc = DbtLocalArtifactProcessor(
        producer="https://example.com/dbt-ol",
        job_namespace="dbt",
        project_dir=str(project_dir),
        target=target,
        dbt_command_line=["dbt", "build", "--profiles-dir", str(profiles_dir)],
    )
    events = proc.parse()
    tests: dict[str, Ident] = {}
    outputs: dict[str, Ident] = {}
    for event in [*events.completes, *events.fails]:
        name = event.job.name
        if name.endswith(".test"):
            (dataset,) = event.inputs
            tests[name] = (dataset.namespace, dataset.name)
        elif event.outputs:
            (dataset,) = event.outputs
            outputs[name] = (dataset.namespace, dataset.name)
    return {"tests": tests, "outputs": outputs, "namespace": proc.dataset_namespace}


def our_identifiers(project_dir: Path, profiles_dir: Path, target: str) -> dict[str, Any]:
    """Our identifiers for the same run: {'tests': {job name: dataset}, 'datasets': {uid: dataset}}."""
    target_dir = project_dir / "target"
    score = score_project(target_dir, DativoConfig(), catalog=False)
    events = events_for_run(score, project_dir, profiles_dir=profiles_dir, target=target)
    tests: dict[str, Ident] = {}
    for event in events:
        data = json.loads(Serde.to_json(event))
        if data.get("inputs"):
            (dataset,) = data["inputs"]
            tests[data["job"]["name"]] = (dataset["namespace"], dataset["name"])
    nodes = load_nodes(target_dir)
    namespace = next(iter(tests.values()))[0]
    datasets = {
        uid: (namespace, dataset_name(info.relation_parts(), info.resource_type))
        for uid, info in nodes.nodes.items()
        if info.resource_type == "model"
    }
    return {"tests": tests, "datasets": datasets}


def assert_same_identifiers(project_dir: Path, profiles_dir: Path, target: str) -> None:
    """Our test jobs are dbt-ol's (same job name, same input dataset); every model's dataset is the
    output dataset of dbt-ol's run job for it (dbt-ol emits no jobs for seeds in `dbt build`)."""
    theirs = dbt_ol_identifiers(project_dir, profiles_dir, target)
    ours = our_identifiers(project_dir, profiles_dir, target)
    assert ours["tests"], "no lineage events of ours"
    assert ours["tests"] == {k: v for k, v in theirs["tests"].items() if k in ours["tests"]}
    assert set(ours["tests"]) <= set(theirs["tests"])
    by_output = {dataset: job for job, dataset in theirs["outputs"].items()}
    missing = {uid: ds for uid, ds in ours["datasets"].items() if ds not in by_output}
    assert not missing, (missing, theirs["outputs"])
    assert len(ours["datasets"]) >= 4
