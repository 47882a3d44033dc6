"""dativo.yml layers: discovery, deep merge, locks (DQ107), validation errors (DQ001), explain."""

from __future__ import annotations

from pathlib import Path

import pytest
from dativo_dbt.config.discovery import ENV_ENTERPRISE, discover
from dativo_dbt.config.loader import load_config
from dativo_dbt.core.errors import DativoError


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def layers(tmp_path: Path) -> tuple[Path, Path, Path]:
    ent = write(
        tmp_path / "platform" / "dativo.yml",
        """layer: enterprise
locked: [scoring.dimension_weights]
scoring:
  severity_weights: {critical: 5}
thresholds: {min_score: 60, warn_score: 80}
gates:
  gold: {min_test_coverage: 90, required_tests: [not_null, unique], min_score: 95, overridable: false}
""",
    )
    dom = write(
        tmp_path / "finance" / "dativo.yml",
        """layer: domain
extends: ../platform/dativo.yml
thresholds: {min_score: 65}
tiers:
  selectors:
    - {tier: gold, group: finance}
""",
    )
    prod = write(
        tmp_path / "finance" / "revenue" / "dativo.yml",
        """layer: product
extends: ../dativo.yml
scoring: {empty_dimensions: exclude}
gates:
  silver: {required_tests: [not_null, relationships]}
""",
    )
    return ent, dom, prod


def test_extends_chain_and_deep_merge(layers: tuple[Path, Path, Path]) -> None:
    ent, dom, prod = layers
    loaded = load_config([prod], env={})
    assert [p.resolve() for p in loaded.sources] == [ent.resolve(), dom.resolve(), prod.resolve()]
    c = loaded.config
    assert c.scoring.severity_weights == {"critical": 5.0, "warning": 1.0, "info": 0.5}
    assert c.thresholds.min_score == 65 and c.thresholds.warn_score == 80
    assert c.gates.gold.min_score == 95 and c.gates.gold.min_test_coverage == 90
    assert c.gates.silver.required_tests == ["not_null", "relationships"]  # lists replace
    assert c.gates.silver.min_score == 80  # untouched default of the silver block
    assert c.scoring.empty_dimensions == "exclude"
    assert c.tiers.selectors[0].group == "finance"
    assert "scoring.dimension_weights" in c.locked and "gates.gold" in c.locked


def test_explicit_configs_env_enterprise_and_project_default(
    tmp_path: Path, layers: tuple[Path, Path, Path]
) -> None:
    ent, dom, prod = layers
    # project dir default file
    proj = tmp_path / "proj"
    own = write(proj / "dativo.yml", "thresholds: {warn_score: 81}\n")
    assert discover(project_dir=proj, env={}) == [own]
    # env var enterprise layer comes first, even without extends
    assert [p.resolve() for p in discover(project_dir=proj, env={ENV_ENTERPRISE: str(ent)})] == [
        ent.resolve(),
        own.resolve(),
    ]
    # explicit --config files replace the project default; a file appears once
    got = discover([dom, prod], project_dir=proj, env={ENV_ENTERPRISE: str(ent)})
    assert [p.resolve() for p in got] == [ent.resolve(), dom.resolve(), prod.resolve()]


def test_no_files_gives_defaults(tmp_path: Path) -> None:
    loaded = load_config(project_dir=tmp_path, env={})
    assert loaded.sources == []
    assert loaded.config.scoring.dimension_weights["completeness"] == 0.25
    assert all(src == "default" for _, _, src in loaded.explain())


def test_locked_setting_override_is_dq107_naming_both_files(
    tmp_path: Path, layers: tuple[Path, Path, Path]
) -> None:
    ent, _dom, _ = layers
    bad = write(
        tmp_path / "team" / "dativo.yml",
        "extends: ../finance/dativo.yml\nscoring:\n  dimension_weights: {completeness: 0.4, accuracy: 0.2, validity: 0.2, consistency: 0.1, timeliness: 0.1}\n",
    )
    with pytest.raises(DativoError) as exc:
        load_config([bad], env={})
    e = exc.value
    assert e.code == "DATIVO-DQ107"
    assert e.path == str(bad) and e.line == 3
    assert str(ent) in e.message and "scoring.dimension_weights" in e.message
    rendered = e.render()
    assert rendered.startswith(f"{bad}:3: [DATIVO-DQ107]")


def test_overridable_false_locks_a_gate_tier(
    tmp_path: Path, layers: tuple[Path, Path, Path]
) -> None:
    bad = write(
        tmp_path / "t" / "dativo.yml",
        "extends: ../finance/dativo.yml\ngates:\n  gold:\n    min_score: 50\n",
    )
    with pytest.raises(DativoError) as exc:
        load_config([bad], env={})
    assert exc.value.code == "DATIVO-DQ107" and exc.value.line == 4
    assert "gates.gold.min_score" in exc.value.message and "platform" in exc.value.message


def test_same_value_as_locked_is_allowed(tmp_path: Path, layers: tuple[Path, Path, Path]) -> None:
    ok = write(
        tmp_path / "t" / "dativo.yml",
        "extends: ../finance/dativo.yml\ngates:\n  gold: {min_score: 95}\n",
    )
    assert load_config([ok], env={}).config.gates.gold.min_score == 95


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        (
            "scoring:\n  dimension_weights: {completeness: 0.5, accuracy: 0.25, validity: 0.2, consistency: 0.15, timeliness: 0.15}\n",
            2,
            "dimension weights must sum to 1.0, they sum to 1.25",
        ),
        (
            "scoring:\n  dimension_weights: {completeness: 0.5, freshness: 0.5}\n",
            2,
            "unknown dimension(s) freshness",
        ),
        (
            "thresholds:\n  min_scor: 70\n",
            2,
            "unknown key `thresholds.min_scor`; allowed here: min_score, warn_score",
        ),
        (
            "gates:\n  gold:\n    min_score: high\n",
            3,
            "`gates.gold.min_score`: Input should be a valid number",
        ),
        ("scoring:\n  severity_weights: {blocker: 2}\n", 2, "unknown severity blocker"),
        (
            "scoring:\n  baseline_score: 170\n",
            2,
            "`scoring.baseline_score`: Input should be less than or equal to 100",
        ),
        ("provider: great_expectations\n", 1, "unknown quality provider 'great_expectations'"),
        (
            "thresholds: {min_score: 90, warn_score: 80}\n",
            1,
            "warn_score (80) must be >= min_score (90)",
        ),
        (
            "tiers:\n  selectors:\n    - {tier: platinum, group: x}\n",
            3,
            "Input should be 'bronze', 'silver' or 'gold'",
        ),
        ("tiers:\n  selectors:\n    - {tier: gold}\n", 3, "a tier selector needs at least one of"),
        ("scoring: [1, 2\n", 1, "invalid YAML"),
        ("- just a list\n", 1, "must be a mapping"),
        ("locked: [scoring.nope]\n", 1, "`locked`: unknown setting `scoring.nope`"),
    ],
)
def test_invalid_config_is_dq001_with_file_and_line(
    tmp_path: Path, text: str, line: int, fragment: str
) -> None:
    f = write(tmp_path / "dativo.yml", text)
    with pytest.raises(DativoError) as exc:
        load_config([f], env={})
    e = exc.value
    assert e.code == "DATIVO-DQ001", e.render()
    assert e.path == str(f)
    assert e.line == line, e.render()
    assert fragment in e.message, e.render()


def test_missing_files_and_cycles(tmp_path: Path) -> None:
    with pytest.raises(DativoError, match="config file not found"):
        load_config([tmp_path / "nope.yml"], env={})
    with pytest.raises(DativoError, match="DATIVO_ENTERPRISE_CONFIG points to a missing file"):
        load_config(env={ENV_ENTERPRISE: str(tmp_path / "nope.yml")})
    a = write(tmp_path / "a.yml", "extends: b.yml\n")
    write(tmp_path / "b.yml", "extends: a.yml\n")
    with pytest.raises(DativoError, match="`extends:` cycle"):
        load_config([a], env={})
    c = write(tmp_path / "c.yml", "extends: missing.yml\n")
    with pytest.raises(DativoError, match=r"`extends: missing\.yml` not found") as exc:
        load_config([c], env={})
    assert exc.value.line == 1


def test_several_errors_are_all_reported(tmp_path: Path) -> None:
    f = write(tmp_path / "dativo.yml", "thresholds:\n  min_scor: 1\nrollupp: mean\n")
    with pytest.raises(DativoError) as exc:
        load_config([f], env={})
    text = exc.value.render()
    assert "thresholds.min_scor" in text and "rollupp" in text
    assert len(text.splitlines()) == 2


def test_explain_names_the_source_of_each_value(layers: tuple[Path, Path, Path]) -> None:
    ent, dom, prod = layers
    rows = {p: (v, s) for p, v, s in load_config([prod], env={}).explain()}
    assert rows["thresholds.min_score"] == (65.0, f"{dom}:3")
    assert rows["thresholds.warn_score"] == (80.0, f"{ent}:5")
    assert rows["scoring.severity_weights.critical"] == (5.0, f"{ent}:4")
    assert rows["scoring.severity_weights.warning"] == (1.0, "default")
    assert rows["scoring.empty_dimensions"] == ("exclude", f"{prod}:3")
    assert rows["gates.silver.required_tests"][1] == f"{prod}:5"
    assert rows["gates.gold.min_score"] == (95.0, f"{ent}:7")
    assert rows["tiers.selectors"][1] == f"{dom}:5"


def test_dbt_var_is_the_last_layer(tmp_path: Path) -> None:
    ent = write(
        tmp_path / "ent.yml", "locked: [scoring.baseline_score]\nscoring: {baseline_score: 70}\n"
    )
    write(
        tmp_path / "dativo.yml",
        "scoring: {empty_dimensions: exclude, max_positive_influence: 20}\n",
    )
    proj = write(
        tmp_path / "dbt_project.yml",
        "name: p\nvars:\n  dativo_dbt_scoring:\n    max_positive_influence: 25\n    severity_weights: {critical: 4}\n",
    )
    loaded = load_config(project_dir=tmp_path, env={ENV_ENTERPRISE: str(ent)})
    c = loaded.config.scoring
    assert (c.empty_dimensions, c.max_positive_influence, c.severity_weights["critical"]) == (
        "exclude",
        25,
        4.0,
    )
    rows = {p: s for p, _, s in loaded.explain()}
    assert rows["scoring.max_positive_influence"] == f"{proj}:4"
    # package-scoped vars work too; locks apply
    write(
        tmp_path / "dbt_project.yml",
        "name: p\nvars:\n  dativo_dbt:\n    dativo_dbt_scoring: {baseline_score: 60}\n",
    )
    with pytest.raises(DativoError) as exc:
        load_config(project_dir=tmp_path, env={ENV_ENTERPRISE: str(ent)})
    assert exc.value.code == "DATIVO-DQ107" and exc.value.path == str(proj) and exc.value.line == 4
    write(tmp_path / "dbt_project.yml", "name: p\nvars:\n  dativo_dbt_scoring: 3\n")
    with pytest.raises(DativoError, match="must be a mapping"):
        load_config(project_dir=tmp_path, env={})
