"""Config values are finite and in range (issue 14 item 3): NaN, infinite, negative and absurd
weights are DATIVO-DQ001 naming the file, also when an enterprise layer locks the weights."""

from __future__ import annotations

from pathlib import Path

import pytest
from dativo_dbt.config.discovery import ENV_ENTERPRISE
from dativo_dbt.config.loader import load_config
from dativo_dbt.core.errors import DativoError


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    "block",
    [
        "severity_weights: {critical: .nan}",
        "severity_weights: {warning: .inf}",
        "severity_weights: {info: -.inf}",
        "severity_weights: {critical: 1.0e+300}",
        "severity_weights: {critical: 0}",
        "dimension_weights: {completeness: .nan, accuracy: 0.25, validity: 0.2, consistency: 0.15, timeliness: 0.15}",
        "dimension_weights: {completeness: -0.25, accuracy: 0.75, validity: 0.2, consistency: 0.15, timeliness: 0.15}",
        "dimension_weights: {completeness: 0.5, accuracy: 0.5, validity: 0.5, consistency: 0.15, timeliness: 0.15}",
        "baseline_score: .nan",
        "max_positive_influence: .inf",
    ],
)
def test_non_finite_or_out_of_range_scoring_is_dq001(tmp_path: Path, block: str) -> None:
    path = write(tmp_path / "dativo.yml", f"scoring:\n  {block}\n")
    with pytest.raises(DativoError) as exc:
        load_config([path], env={})
    text = exc.value.render()
    assert "DATIVO-DQ001" in text and str(path) in text


@pytest.mark.parametrize("value", [".nan", "-1", "101", ".inf"])
def test_thresholds_must_be_finite_in_0_100(tmp_path: Path, value: str) -> None:
    path = write(tmp_path / "dativo.yml", f"thresholds: {{min_score: {value}, warn_score: 100}}\n")
    with pytest.raises(DativoError, match="DATIVO-DQ001"):
        load_config([path], env={})


def test_nan_weight_refused_in_a_locking_enterprise_layer(tmp_path: Path) -> None:
    ent = write(
        tmp_path / "platform" / "dativo.yml",
        "layer: enterprise\nlocked: [scoring.severity_weights]\n"
        "scoring:\n  severity_weights: {critical: .nan}\n",
    )
    prod = write(tmp_path / "project" / "dativo.yml", "thresholds: {min_score: 50}\n")
    with pytest.raises(DativoError) as exc:
        load_config([prod], env={ENV_ENTERPRISE: str(ent)})
    text = exc.value.render()
    assert "DATIVO-DQ001" in text and str(ent) in text and "finite" in text
