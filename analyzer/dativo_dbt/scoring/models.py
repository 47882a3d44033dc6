"""Typed results of `dativo-dbt score`: one `CheckResult` per dbt test (and per source freshness
result), one `ModelScore` per scored node (model, seed, snapshot or source), one `ProjectScore`
for the run.

These are the objects other parts build on (lineage, notify, quarantine, report, history, the SQL
scoring's parity tests). Field names are stable; new fields are only ever added with defaults.
`to_dict()` gives the JSON shape documented in `docs/scoring.md` (`schema_version` 1).

All structs are `msgspec.Struct`s: cheap to build for 100,000 checks and encodable directly with
`msgspec.json.encode`.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

#: Version of the JSON output schema (`--format json`). Bumped on incompatible changes only.
SCHEMA_VERSION = 1

Status = Literal["pass", "fail", "warn", "error", "skipped", "not_run"]
Dimension = Literal[
    "completeness", "accuracy", "validity", "consistency", "timeliness", "uniqueness"
]
Severity = Literal["critical", "warning", "info"]
Tier = Literal["bronze", "silver", "gold"]
ViolationLevel = Literal["error", "warning"]


class CheckResult(msgspec.Struct, gc=False):
    """One dbt test (generated from a contract or a plain dbt test) and its latest result.

    `status` is the latest run_results status (`pass|fail|warn|error|skipped`) or `not_run` when no
    run_results file contains the test. `scored` is True for pass/fail/warn/error; `passed` is True
    only for `pass` (None when not scored). `dimension` is the check's own dimension; `scored_dimension`
    is the one its weight counts under (`uniqueness` folds into `consistency` unless weighted).
    Construct it with keywords: the field order may grow (new fields are appended with defaults).
    """

    unique_id: str
    name: str
    check: str  # meta.dativo.check, else the test name
    check_type: (
        str  # meta.dativo.check_type, else the generic test name (e.g. not_null), or "singular"
    )
    test_name: str | None  # generic test name without package prefix; None for singular tests
    test_namespace: str | None  # package of the generic test (dbt_expectations, dativo_dbt) or None
    model_unique_id: str | None  # the node the test is attached to
    column: str | None
    dimension: Dimension
    scored_dimension: Dimension
    severity: Severity
    weight: float  # effective weight (explicit meta.dativo.weight, else severity weight)
    status: Status
    scored: bool
    passed: bool | None
    failures: int | None = None
    message: str | None = None
    execution_time: float | None = None
    completed_at: str | None = None  # ISO timestamp of the execute step, when known
    relation_name: str | None = None  # the failures table when store_failures is on
    contract: str | None = None
    contract_version: str | None = None
    origin: str = "dbt"  # soda|great_expectations|custom|inline|sla|schema from meta, else "dbt"
    dbt_severity: str = "error"  # "error" | "warn" (lower-cased dbt config.severity)
    from_meta: bool = False  # True when meta.dativo described the check
    timed_out: bool = False
    compiled_code: str | None = None  # only with score_project(..., with_sql=True)
    kind: str = "test"  # "test" | "source_freshness" (a `dbt source freshness` result)
    max_loaded_at: str | None = None  # source_freshness: the newest loaded_at_field value
    age_seconds: float | None = None  # source_freshness: snapshotted_at - max_loaded_at

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = msgspec.to_builtins(self)
        return out


class Violation(msgspec.Struct, kw_only=True, gc=False):
    """A gate finding. `level` error fails the gate; warning is reported only."""

    code: str  # DATIVO-DQ102 .. DATIVO-DQ106, DATIVO-DQ108
    message: str
    level: ViolationLevel = "error"


class GateResult(msgspec.Struct, kw_only=True):
    """The verdict of the gates for one model (tier rules + thresholds)."""

    passed: bool
    tier: Tier | None
    min_score: float | None  # the effective minimum score (max of threshold and tier rule)
    coverage: float | None  # percent of the model's columns with >= 1 test; None: no columns known
    coverage_required: float | None
    columns_total: int
    columns_tested: int
    missing_tests: list[str]
    violations: list[Violation]


class ModelScore(msgspec.Struct, kw_only=True):
    """Score and gate verdict of one node.

    `score` is None when `empty_dimensions: exclude` leaves no dimension with scored checks, and
    when the node did not build and has no scored check (`build_status` set; its gate fails).
    `dimension_scores` has every weighted dimension; a dimension without scored checks is 100.0 under
    `count_as_100` and None under `exclude`. `raw_score` is the dimension-weighted sum before the
    baseline/influence caps.
    """

    unique_id: str
    name: str
    resource_type: str
    package_name: str
    original_file_path: str | None
    score: float | None
    raw_score: float | None
    dimension_scores: dict[str, float | None]
    tier: Tier | None
    tier_source: str | None  # "meta", "selector:<n>", "default" or None
    contract: str | None
    gate: GateResult
    checks: list[CheckResult]
    owner: str | None = None  # meta.dativo.owner (the contract's), else meta.owner
    checks_total: int = 0
    checks_scored: int = 0
    checks_passed: int = 0
    checks_failed: int = 0
    checks_error: int = 0
    checks_skipped: int = 0
    weight_total: float = (
        0.0  # sum of weights of scored checks (used by the check-weighted roll-up)
    )
    # the node did not build (scoring/build_state.py): its dbt status (error, skipped, partial
    # success, runtime error) or not_run; None when it built (or has no result of its own)
    build_status: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = msgspec.to_builtins(self)
        return out


class Summary(msgspec.Struct, kw_only=True):
    """Project roll-up. `score` is computed by `rollup` (see docs/scoring.md)."""

    score: float | None
    rollup: str  # "mean" | "check_weighted"
    models_total: int
    models_scored: int
    models_passed: int  # gate passed
    models_failed: int
    checks_total: int
    checks_scored: int
    checks_passed: int
    checks_failed: int
    checks_error: int
    checks_skipped: int
    checks_not_run: int
    gate_passed: bool  # every model's gate passed (and --fail-under, when given, is met)
    fail_under: float | None = None


class ModelDelta(msgspec.Struct, kw_only=True):
    unique_id: str
    name: str
    score: float | None
    baseline_score: float | None
    delta: float | None
    tier: str | None
    baseline_tier: str | None
    tier_dropped: bool
    gate_newly_failed: bool


class NewFailure(msgspec.Struct, kw_only=True):
    unique_id: str
    model_unique_id: str | None
    check: str
    status: str
    baseline_status: str | None  # None when the check did not exist in the baseline


class Comparison(msgspec.Struct, kw_only=True):
    """`--baseline DIR`: what changed against a previous run's artifacts."""

    baseline_dir: str
    summary_score: float | None
    summary_delta: float | None
    models: list[ModelDelta]  # every model present in either run (new models: baseline None)
    new_failures: list[NewFailure]
    tier_drops: list[str]  # unique_ids whose tier dropped (e.g. gold -> silver) or vanished
    removed_models: list[str]


class ArtifactInfo(msgspec.Struct, kw_only=True):
    path: str
    dbt_schema_version: str
    dbt_version: str | None
    generated_at: str | None
    invocation_id: str | None


class ProjectScore(msgspec.Struct, kw_only=True):
    """Everything `score_project` computed; `to_dict()` is the `--format json` document."""

    schema_version: int
    formula_version: int
    generated_at: str  # when the score was computed (UTC ISO)
    project_name: str | None
    invocation_id: str | None  # manifest invocation id
    dbt_version: str | None
    artifacts: list[ArtifactInfo]
    config: dict[str, Any]  # the effective configuration used
    config_sources: list[str]  # the dativo.yml layers, enterprise first
    models: list[ModelScore]
    summary: Summary
    baseline: Comparison | None = None
    adapter_type: str | None = None  # manifest metadata (duckdb, postgres, ...)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = msgspec.to_builtins(self)
        return out

    def model(self, unique_id_or_name: str) -> ModelScore:
        """The model with this unique_id or name (KeyError when absent)."""
        for m in self.models:
            if unique_id_or_name in (m.unique_id, m.name):
                return m
        raise KeyError(unique_id_or_name)

    def checks(self) -> list[CheckResult]:
        """All checks of all models, in model order."""
        return [c for m in self.models for c in m.checks]
