"""The `dativo.yml` schema (pydantic v2): scoring parameters, thresholds, tier gates, tier selectors.

`scoring:` has exactly the keys of the dbt var `dativo_dbt_scoring` (docs/INTERFACES.md section 2),
so one block can be pasted into either place. Every other top-level key is Python-side only.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from dativo_dbt.core.vocabulary import (
    DEFAULT_DIMENSION_WEIGHTS,
    DEFAULT_SEVERITY_WEIGHTS,
    DIMENSIONS,
    SCORED_DIMENSIONS,
)

TierName = Literal["bronze", "silver", "gold"]
TIERS: tuple[str, ...] = ("bronze", "silver", "gold")
PROVIDERS: tuple[str, ...] = ("dbt", "dbt_expectations", "dativo_dbt")


#: the largest severity weight accepted (weights are relative; more is a typo, not a setting)
MAX_SEVERITY_WEIGHT = 1000.0


class _Strict(BaseModel):
    # strict: a number where a number is expected, never a string that looks like one;
    # NaN and +-inf are refused everywhere (a NaN weight would make every comparison false)
    model_config = ConfigDict(extra="forbid", frozen=False, strict=True, allow_inf_nan=False)


class ScoringParams(_Strict):
    """Layers 1-3 of the seed's scoring model (formula version 1)."""

    formula_version: Literal[1] = 1
    dimension_weights: dict[str, float] = Field(
        default_factory=lambda: dict(DEFAULT_DIMENSION_WEIGHTS)
    )
    severity_weights: dict[str, float] = Field(
        default_factory=lambda: dict(DEFAULT_SEVERITY_WEIGHTS)
    )
    baseline_score: float = Field(default=70, ge=0, le=100)
    max_positive_influence: float = Field(default=30, ge=0, le=100)
    max_negative_influence: float = Field(default=50, ge=0, le=100)
    empty_dimensions: Literal["count_as_100", "exclude"] = "count_as_100"

    @field_validator("dimension_weights")
    @classmethod
    def _dimension_weights(cls, v: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(v) - set(DIMENSIONS))
        if unknown:
            raise ValueError(
                f"unknown dimension(s) {', '.join(unknown)}; known: {', '.join(DIMENSIONS)}"
            )
        if any(w < 0 for w in v.values()):
            raise ValueError("dimension weights must be >= 0")
        total = sum(v.values())
        if not math.isclose(total, 1.0, abs_tol=1e-6):
            raise ValueError(
                f"dimension weights must sum to 1.0, they sum to {total:g} "
                f"({', '.join(f'{k}={w:g}' for k, w in v.items())})"
            )
        # Keep a stable order: the five scored dimensions, then uniqueness when weighted.
        return {
            d: float(v.get(d, 0.0))
            for d in (*SCORED_DIMENSIONS, "uniqueness")
            if d in v or d in SCORED_DIMENSIONS
        }

    @field_validator("severity_weights")
    @classmethod
    def _severity_weights(cls, v: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(v) - set(DEFAULT_SEVERITY_WEIGHTS))
        if unknown:
            raise ValueError(
                f"unknown severity {', '.join(unknown)}; known: critical, warning, info"
            )
        if any(not 0 < w <= MAX_SEVERITY_WEIGHT for w in v.values()):
            raise ValueError(f"severity weights must be > 0 and <= {MAX_SEVERITY_WEIGHT:g}")
        return {**DEFAULT_SEVERITY_WEIGHTS, **{k: float(w) for k, w in v.items()}}


class Thresholds(_Strict):
    """Applied to every scored model: below `min_score` fails the gate, below `warn_score` warns."""

    min_score: float = Field(default=70, ge=0, le=100)
    warn_score: float = Field(default=85, ge=0, le=100)

    @model_validator(mode="after")
    def _order(self) -> Thresholds:
        if self.warn_score < self.min_score:
            raise ValueError(
                f"warn_score ({self.warn_score:g}) must be >= min_score ({self.min_score:g})"
            )
        return self


class GateTier(_Strict):
    """Requirements of one tier (seed `GateTier`)."""

    min_test_coverage: float = Field(default=0, ge=0, le=100)
    required_tests: list[str] = Field(default_factory=list)
    min_score: float | None = Field(default=None, ge=0, le=100)
    overridable: bool = True


def _default_gates() -> dict[str, GateTier]:
    return {
        "bronze": GateTier(min_test_coverage=0, required_tests=[], min_score=70),
        "silver": GateTier(min_test_coverage=50, required_tests=["not_null"], min_score=80),
        "gold": GateTier(min_test_coverage=80, required_tests=["not_null", "unique"], min_score=90),
    }


class Gates(_Strict):
    bronze: GateTier = Field(default_factory=lambda: _default_gates()["bronze"])
    silver: GateTier = Field(default_factory=lambda: _default_gates()["silver"])
    gold: GateTier = Field(default_factory=lambda: _default_gates()["gold"])

    def for_tier(self, tier: str) -> GateTier:
        gate: GateTier = getattr(self, tier)
        return gate


class TierSelector(_Strict):
    """Gives `tier` to nodes matching ALL given criteria (at least one criterion is required).

    `group`: dbt group name; `path`: glob on the node's original_file_path (`**` allowed);
    `tag`: a dbt tag; `contract`: the model's meta.dativo.contract; `package`: dbt package name;
    `name`: glob on the node name.
    """

    tier: TierName
    group: str | None = None
    path: str | None = None
    tag: str | None = None
    contract: str | None = None
    package: str | None = None
    name: str | None = None

    @model_validator(mode="after")
    def _has_criterion(self) -> TierSelector:
        if not any((self.group, self.path, self.tag, self.contract, self.package, self.name)):
            raise ValueError(
                "a tier selector needs at least one of group, path, tag, contract, package, name"
            )
        return self


class Tiers(_Strict):
    """How a node gets its tier when its meta.dativo.tier is not set: first matching selector,
    else `default` (null: no tier, only the thresholds apply)."""

    default: TierName | None = None
    selectors: list[TierSelector] = Field(default_factory=list)


class HistoryConfig(_Strict):
    """Where `score` appends each run (read by `history` and `report`)."""

    path: str | None = None  # default <project>/.dativo/history.duckdb
    enabled: bool = True


class GenerateConfig(_Strict):
    """`generate:` settings (README `Adopt on an existing project`)."""

    # auto: edit the user's properties entry in place when the node has one, else write a
    # `_dativo__` file; in_place: require a user entry; separate: always a `_dativo__` file
    placement: Literal["auto", "in_place", "separate"] = "auto"


_TEST_NAME = r"^([A-Za-z_][A-Za-z0-9_]*\.)?[A-Za-z_][A-Za-z0-9_]*$"
_ARG_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"


class SecurityConfig(_Strict):
    """What the platform trusts contracts to name (README "Security model").

    `allowed_tests`: generic tests of installed packages (`package.test`) a contract's `custom:`
    check may name, besides the project's own generic tests and dbt's built-in ones.
    `trusted_sql_arguments`: per test, the arguments it treats as SQL that a contract may set
    (passed as written); every other SQL argument is refused."""

    allowed_tests: list[Annotated[str, Field(pattern=_TEST_NAME, max_length=200)]] = Field(
        default_factory=list
    )
    trusted_sql_arguments: dict[
        Annotated[str, Field(pattern=_TEST_NAME, max_length=200)],
        list[Annotated[str, Field(pattern=_ARG_NAME, max_length=100)]],
    ] = Field(default_factory=dict)


class DativoConfig(_Strict):
    """The effective configuration after merging the layers."""

    version: Literal[1] = 1
    layer: Literal["enterprise", "domain", "product"] | None = None  # informative
    extends: str | None = None  # path of the parent layer, relative to this file
    provider: str = "dbt"
    locked: list[str] = Field(default_factory=list)
    scoring: ScoringParams = Field(default_factory=ScoringParams)
    thresholds: Thresholds = Field(default_factory=Thresholds)
    gates: Gates = Field(default_factory=Gates)
    tiers: Tiers = Field(default_factory=Tiers)
    rollup: Literal["mean", "check_weighted"] = "mean"
    check_timeout_seconds: float | None = Field(default=300, gt=0)
    history: HistoryConfig = Field(default_factory=HistoryConfig)
    generate: GenerateConfig = Field(default_factory=GenerateConfig)
    # Channels, templates, grouping and de-dup window; validated by dativo_dbt.notify.config.
    notifications: dict[str, Any] | None = None
    security: SecurityConfig = Field(default_factory=SecurityConfig)

    @field_validator("provider")
    @classmethod
    def _provider(cls, v: str) -> str:
        if v not in PROVIDERS:
            raise ValueError(
                f"unknown quality provider {v!r}; dativo-dbt scores dbt test results: use one of {', '.join(PROVIDERS)}"
            )
        return v

    def to_dict(self) -> dict[str, Any]:
        data = self.model_dump(mode="json")
        data.pop("extends", None)
        data.pop("layer", None)
        return data
