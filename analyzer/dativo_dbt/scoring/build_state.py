"""Fail closed on models that did not build: the one place this rule is applied.

A model, seed or snapshot whose latest result (across the merged run_results files, so a separate
`dbt run` counts) is `error`, `skipped`, `partial success` or `runtime error` did not build: e.g. a
SQL error, or an enforced dbt model contract (`schema_contract.strict_mode`) whose column types do
not match. dbt then skips its tests. Such a model:

- gets each of its checks that did not run (`skipped`, or absent from every run_results file:
  `not_run`) as `error` with the message "not run: model ... did not build": scored, and failing;
- fails its gate with DATIVO-DQ108, whatever its score.

A model governed by a contract (meta.dativo.contract on it or on one of its checks) with checks in
the manifest, but with no result for itself nor for any of its checks, fails closed the same way (status `not_run`): nothing shows
that its data was built or tested. Checks that did run keep their status.
"""

from __future__ import annotations

from collections.abc import Mapping

import msgspec

from dativo_dbt.artifacts.merge import MergedRunResults
from dativo_dbt.artifacts.schema import Manifest, Node
from dativo_dbt.scoring.models import CheckResult

#: a model result with one of these statuses did not build
NOT_BUILT = frozenset({"error", "skipped", "partial success", "runtime error"})
#: check statuses turned into `error` on a model that did not build
NOT_RUN = frozenset({"skipped", "not_run"})
DQ108 = "DATIVO-DQ108"


class BuildFailure(msgspec.Struct, frozen=True, gc=False):
    """Why a node did not build: its dbt status (`not_run` without any result) and message."""

    status: str
    message: str | None = None

    def describe(self) -> str:
        if self.status == "not_run":
            return "no result for the model or any of its checks in run_results"
        why = f": {' '.join(self.message.split())[:300]}" if self.message else ""
        return f"dbt status {self.status}{why}"


def find_build_failures(
    manifest: Manifest,
    results: MergedRunResults,
    by_model: Mapping[str | None, list[CheckResult]],
) -> dict[str, BuildFailure]:
    """The nodes of the manifest that did not build, by unique_id (see the module docstring)."""
    out: dict[str, BuildFailure] = {}
    for uid, node in manifest.nodes.items():
        if not isinstance(node, Node):
            continue
        entry = results.get(uid)
        if entry is not None:
            status = entry.result.status.lower()
            if status in NOT_BUILT:
                out[uid] = BuildFailure(status, entry.result.message)
            continue
        checks = by_model.get(uid)
        if not checks or any(c.status != "not_run" for c in checks):
            continue
        meta = node.dativo_meta()
        if (meta is not None and meta.contract) or any(c.contract for c in checks):
            out[uid] = BuildFailure("not_run")
    return out


def fail_unbuilt_checks(
    by_model: dict[str | None, list[CheckResult]],
    failures: Mapping[str, BuildFailure],
    names: Mapping[str, str],
) -> None:
    """Turn the checks that did not run on a model that did not build into failing `error`s."""
    for uid, failure in failures.items():
        checks = by_model.get(uid)
        if not checks:
            continue
        note = f"not run: model {names.get(uid, uid)} did not build ({failure.describe()})"
        for i, c in enumerate(checks):
            if c.status in NOT_RUN:
                checks[i] = msgspec.structs.replace(
                    c, status="error", scored=True, passed=False, message=note
                )
