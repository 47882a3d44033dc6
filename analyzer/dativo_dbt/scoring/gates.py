"""Tiers and quality gates (seed 004 `QualityGates` / `GateTier` / `QualityThresholds`).

A node's tier: `meta.dativo.tier` on the node (set by `dativo-dbt generate` from the contract's
`tier:`), else the first matching `tiers.selectors` entry of the config (dbt group, path glob, tag,
contract, package, name glob), else `tiers.default`. Never from name prefixes.

Gate checks per node (violation codes as in the seed, prefixed DATIVO-):
- DQ102 score below the effective min_score (max of `thresholds.min_score` and the tier's
  `min_score`): error. Below `thresholds.warn_score`: warning. Checks that errored: warning.
- DQ103 column test coverage (columns with >= 1 test / the node's columns, from catalog.json when
  present, else the manifest) below the tier's `min_test_coverage`: error.
- DQ104 a required test type of the tier is missing: error.
- DQ105 a test references a column the node does not have: error.
- DQ106 a check timed out (error whose message reports a timeout): error; a check that ran longer
  than `check_timeout_seconds` but finished: warning.
- DQ108 the model did not build (its dbt result errored or was skipped, e.g. an enforced model
  contract failed; see scoring/build_state.py): error, whatever the score.
- DQ109 a schema-contract check (origin `schema`) of a `block` contract (dbt severity error) did
  not pass: error.
The gate passes when there is no error-level violation.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dativo_dbt.artifacts.interface import ModelMeta
from dativo_dbt.artifacts.schema import Node
from dativo_dbt.config.model import TIERS, DativoConfig, GateTier, Thresholds, TierSelector
from dativo_dbt.scoring.build_state import DQ108
from dativo_dbt.scoring.models import CheckResult, GateResult, Violation

#: Test names that satisfy a required test type besides the type itself.
SYNONYMS: dict[str, frozenset[str]] = {
    # the generic tests (dbt's and dbt_expectations') and the contract check types (Soda kinds,
    # inline checks) that are this test type; matched against a check's test name and check_type,
    # whatever the execution mode (a batched check carries its per-check test's name).
    # The dbt package's copy: macros/scoring/scoring_config.sql required_test_synonyms().
    "not_null": frozenset(
        {"not_null", "expect_column_values_to_not_be_null", "missing", "null_check"}
    ),
    "unique": frozenset(
        {
            "unique",
            "expect_column_values_to_be_unique",
            "uniqueness",
            "duplicate_count",
            "unique_check",
        }
    ),
    "accepted_values": frozenset(
        {"accepted_values", "expect_column_values_to_be_in_set", "invalid"}
    ),
    "relationships": frozenset({"relationships"}),
}
_IDENT = re.compile(r'^"?[A-Za-z_][A-Za-z0-9_$]*"?$')
TIER_RANK = {None: 0, "bronze": 1, "silver": 2, "gold": 3}


def _norm(column: str) -> str:
    return column.strip('"').lower() if column.startswith('"') else column.lower()


def _fmt_list(items: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" (+{len(items) - limit} more)" if len(items) > limit else "")


def selector_matches(sel: TierSelector, node: Node, contract: str | None) -> bool:
    if sel.group is not None:
        group = node.group or (node.config.group if node.config is not None else None)
        if group != sel.group:
            return False
    if sel.path is not None and not fnmatch.fnmatchcase(node.original_file_path or "", sel.path):
        return False
    if sel.tag is not None and sel.tag not in node.tags:
        return False
    if sel.contract is not None and sel.contract != contract:
        return False
    if sel.package is not None and sel.package != node.package_name:
        return False
    return not (sel.name is not None and not fnmatch.fnmatchcase(node.name, sel.name))


def resolve_tier(
    node: Node, meta: ModelMeta | None, config: DativoConfig, contract: str | None
) -> tuple[str | None, str | None]:
    """(tier, where it came from): "meta" (the node's meta.dativo `meta`), "selector:<index>",
    "default" or (None, None)."""
    if meta is not None and meta.tier:
        tier = meta.tier.lower()
        if tier in TIERS:
            return tier, "meta"
    for i, sel in enumerate(config.tiers.selectors):
        if selector_matches(sel, node, contract):
            return sel.tier, f"selector:{i}"
    if config.tiers.default:
        return config.tiers.default, "default"
    return None, None


def required_test_present(required: str, checks: Iterable[CheckResult]) -> bool:
    """`required` is a test type (not_null, unique, a dbt_expectations name, a contract check_type)
    or `dimension:<name>` (at least one check in that dimension)."""
    if required.startswith("dimension:"):
        dim = required.split(":", 1)[1]
        return any(c.dimension == dim for c in checks)
    names = SYNONYMS.get(required, frozenset({required}))
    return any((c.test_name in names) or (c.check_type in names) for c in checks)


def schema_violations(checks: Iterable[CheckResult]) -> list[Violation]:
    """DQ109: schema checks of an `on_schema_violation: block` contract that did not pass."""
    failed = [
        c.check
        for c in checks
        if c.origin == "schema" and c.passed is False and c.dbt_severity == "error"
    ]
    if not failed:
        return []
    return [
        Violation(
            code="DATIVO-DQ109",
            message=f"schema contract violated (on_schema_violation: block): {_fmt_list(failed)}",
        )
    ]


def _not_built_violations(not_built: str | None, checks: Sequence[CheckResult]) -> list[Violation]:
    """DQ108: the model did not build; its not-run checks count as errors."""
    if not_built is None:
        return []
    not_run = sum(1 for c in checks if (c.message or "").startswith("not run: "))
    return [
        Violation(
            code=DQ108,
            message=f"model did not build ({not_built}); {not_run} check(s) not run, "
            "counted as errors",
        )
    ]


def effective_min_score(th: Thresholds, gate: GateTier | None) -> float:
    """The higher of `thresholds.min_score` and the tier's `min_score`."""
    if gate is not None and gate.min_score is not None:
        return max(th.min_score, gate.min_score)
    return th.min_score


def _score_violations(
    score: float | None,
    tier: str | None,
    gate: GateTier | None,
    th: Thresholds,
    failing: list[str],
) -> list[Violation]:
    """DQ102 on the score: below the effective min_score (error), below warn_score (warning), or
    no score at all where the tier requires one (error)."""
    min_score = effective_min_score(th, gate)
    tier_min = gate.min_score if gate is not None else None
    if score is None:
        if tier_min is None:
            return []
        msg = f"no scored checks, but tier {tier} requires min_score {tier_min:g}"
        return [Violation(code="DATIVO-DQ102", message=msg)]
    if score < min_score:
        why = (
            f"{len(failing)} failing check(s): {_fmt_list(failing)}"
            if failing
            else "no failing checks"
        )
        label = f" ({tier})" if tier_min is not None and tier_min >= th.min_score else ""
        return [
            Violation(
                code="DATIVO-DQ102",
                message=f"score {score:.1f} is below min_score {min_score:g}{label}; {why}",
            )
        ]
    if score < th.warn_score:
        return [
            Violation(
                code="DATIVO-DQ102",
                level="warning",
                message=f"score {score:.1f} is below warn_score {th.warn_score:g}; {len(failing)} failing check(s): {_fmt_list(failing)}",
            )
        ]
    return []


def _errored_violations(
    checks: Sequence[CheckResult], errored_count: int | None
) -> list[Violation]:
    """DQ102 warning: checks that errored (other than by a timeout, DQ106)."""
    if errored_count == 0:
        return []
    errored = [c.check for c in checks if c.status == "error" and not c.timed_out]
    if not errored:
        return []
    return [
        Violation(
            code="DATIVO-DQ102",
            level="warning",
            message=f"{len(errored)} check(s) errored: {_fmt_list(errored)}",
        )
    ]


@dataclass(frozen=True)
class _Coverage:
    """Column test coverage of one node: columns with >= 1 test (defined in the manifest, whether
    or not it ran) / the node's columns. `keys` are the columns as compared (in `columns` order),
    `tested` the columns the checks name, compared the same way; `percent` None: columns unknown."""

    columns: list[str]
    keys: list[str]
    col_set: set[str]
    tested: set[str]
    tested_count: int
    percent: float | None

    @classmethod
    def of(cls, columns: list[str] | None, checks: Sequence[CheckResult]) -> _Coverage:
        cols = columns or []
        keys, col_set = cols, set(cols)
        tested = {c.column for c in checks if c.column}
        if not tested <= col_set:  # slow path: case-insensitively, without identifier quotes
            keys = [_norm(c) for c in cols]
            col_set = set(keys)
            tested = {_norm(c) for c in tested}
        count = len(col_set & tested)
        percent = (100.0 * count / len(col_set)) if col_set else None
        return cls(cols, keys, col_set, tested, count, percent)

    @property
    def total(self) -> int:
        return len(self.col_set)

    def untested(self) -> list[str]:
        pairs = zip(self.columns, self.keys, strict=True)
        return [orig for orig, key in pairs if key not in self.tested]


def _coverage_violations(
    cov: _Coverage, tier: str | None, required: float | None
) -> list[Violation]:
    """DQ103: column test coverage below the tier's `min_test_coverage`, or columns unknown."""
    coverage = cov.percent
    if not required:
        return []
    if coverage is None:
        return [
            Violation(
                code="DATIVO-DQ103",
                message=f"tier {tier} requires {required:g}% column test coverage, but the node's columns are unknown "
                "(declare them in a properties file or run `dbt docs generate` for catalog.json)",
            )
        ]
    if coverage + 1e-9 >= required:
        return []
    return [
        Violation(
            code="DATIVO-DQ103",
            message=f"column test coverage {coverage:.0f}% ({cov.tested_count}/{cov.total}) is below {required:g}% for tier {tier}; "
            f"untested: {_fmt_list(cov.untested())}",
        )
    ]


def _missing_test_violations(tier: str | None, missing: list[str]) -> list[Violation]:
    """DQ104: required test types of the tier that no check provides."""
    if not missing:
        return []
    return [
        Violation(
            code="DATIVO-DQ104",
            message=f"tier {tier} requires test type(s) missing here: {', '.join(missing)}",
        )
    ]


def _unknown_column_violations(checks: Sequence[CheckResult], cov: _Coverage) -> list[Violation]:
    """DQ105: checks on a column the node does not have (when its columns are known)."""
    if not cov.col_set or cov.tested <= cov.col_set:
        return []
    return [
        Violation(
            code="DATIVO-DQ105",
            message=f"check {c.check} references column {c.column!r}, which the node does not have",
        )
        for c in checks
        if c.column and _norm(c.column) not in cov.col_set and _IDENT.match(c.column)
    ]


def _timeout_violations(
    checks: Sequence[CheckResult], timeout: float | None, timed_out_count: int | None
) -> list[Violation]:
    """DQ106: a check timed out (error), or ran past `check_timeout_seconds` but finished
    (warning)."""
    out: list[Violation] = []
    for c in checks if timed_out_count != 0 else ():
        if not c.timed_out:
            continue
        if c.status == "error":
            msg = f"check {c.check} timed out: {(c.message or '').strip()[:200]}"
            out.append(Violation(code="DATIVO-DQ106", message=msg))
        elif timeout is not None:
            msg = f"check {c.check} ran {c.execution_time or 0:.1f}s, over check_timeout_seconds {timeout:g}"
            out.append(Violation(code="DATIVO-DQ106", level="warning", message=msg))
    return out


def evaluate_gate(
    *,
    checks: list[CheckResult],
    score: float | None,
    tier: str | None,
    columns: list[str] | None,
    config: DativoConfig,
    failed: int | None = None,
    errored_count: int | None = None,
    timed_out_count: int | None = None,
    not_built: str | None = None,
) -> GateResult:
    """The gate verdict of one node. `columns`: the node's columns (None/[]: unknown).

    `failed` / `errored_count` / `timed_out_count`: counts already known to the caller (they only
    let it skip passes over `checks`; None = count here). `not_built`: why the node did not
    build (DQ108), None when it did."""
    gate = config.gates.for_tier(tier) if tier else None
    failing = [c.check for c in checks if c.passed is False] if failed != 0 else []
    cov = _Coverage.of(columns, checks)
    required_cov = gate.min_test_coverage if gate is not None else None
    missing = (
        [r for r in gate.required_tests if not required_test_present(r, checks)]
        if gate is not None
        else []
    )
    violations = [
        *_not_built_violations(not_built, checks),
        *_score_violations(score, tier, gate, config.thresholds, failing),
        *_errored_violations(checks, errored_count),
        *_coverage_violations(cov, tier, required_cov),
        *_missing_test_violations(tier, missing),
        *_unknown_column_violations(checks, cov),
        *_timeout_violations(checks, config.check_timeout_seconds, timed_out_count),
        *schema_violations(checks),
    ]
    return GateResult(
        passed=not any(v.level == "error" for v in violations),
        tier=tier,  # type: ignore[arg-type]
        min_score=effective_min_score(config.thresholds, gate),
        coverage=cov.percent,
        coverage_required=required_cov,
        columns_total=cov.total,
        columns_tested=cov.tested_count,
        missing_tests=missing,
        violations=violations,
    )
