"""dativo.yml is read like contracts: bounded YAML, no duplicate keys, numbers must be numbers,
and the `security:` block is validated."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from dativo_dbt.config.loader import load_config
from dativo_dbt.core.errors import DativoError


def _load(tmp_path: Path, text: str) -> DativoError:
    path = tmp_path / "dativo.yml"
    path.write_text(text)
    with pytest.raises(DativoError) as exc:
        load_config([path], env={})
    return exc.value


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        ("thresholds:\n  min_score: 70\n  min_score: 80\n", 3, "duplicate key 'min_score'"),
        ('thresholds:\n  min_score: "70"\n', 2, "thresholds.min_score"),
        ("thresholds:\n  min_score: " + "9" * 5000 + "\n", 2, "more than 30 digits"),
        ("security:\n  allowed_tests: ['a.b; drop']\n", 2, "security.allowed_tests"),
        ("security:\n  trusted_sql_arguments: {a.b: ['x y']}\n", 2, "trusted_sql_arguments"),
    ],
)
def test_refused(tmp_path: Path, text: str, line: int, expected: str) -> None:
    error = _load(tmp_path, text)
    assert error.line == line, error.render()
    assert expected in error.render()
    assert error.code == "DATIVO-DQ001"


def test_alias_bomb_fails_at_once(tmp_path: Path) -> None:
    levels = ['a0: &a0 ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 9):
        levels.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    started = time.monotonic()
    error = _load(tmp_path, "\n".join(levels) + "\n")
    assert time.monotonic() - started < 1
    assert "expands to more than" in error.render()


def test_security_block_is_part_of_the_config(tmp_path: Path) -> None:
    path = tmp_path / "dativo.yml"
    path.write_text(
        "security:\n  allowed_tests: [pkg.t]\n  trusted_sql_arguments: {pkg.t: [where]}\n"
    )
    security = load_config([path], env={}).config.security
    assert security.allowed_tests == ["pkg.t"]
    assert security.trusted_sql_arguments == {"pkg.t": ["where"]}
