"""The versioning rule: a breaking change needs a major version bump."""

from __future__ import annotations

from pathlib import Path

import pytest
from dativo_dbt.core.errors import DativoError

from tests.diff.fixture import kinds, run_diff

NARROW = ("values: [open, paid, shipped]", "values: [open, paid]")
WIDEN = ("values: [open, paid, shipped]", "values: [open, paid, shipped, void]")


@pytest.mark.parametrize(
    ("new_version", "ok"),
    [('"2.0"', True), ('"1.5"', False), ('"1.4"', False), ('"v2"', True), ('"10.0.1"', True),
     ('"0.9"', False)],
)  # fmt: skip
def test_breaking_change_needs_a_major_bump(tmp_path: Path, new_version: str, ok: bool) -> None:
    result = run_diff(tmp_path, contract=[NARROW, ('version: "1.4"', f"version: {new_version}")])
    assert ("accepted_values_narrowed", True) in kinds(result)
    diff = result.contracts[0]
    assert diff.major_bump is ok
    assert result.ok is ok
    assert [c.name for c in result.failures] == ([] if ok else ["orders"])


def test_non_breaking_change_needs_no_bump(tmp_path: Path) -> None:
    result = run_diff(tmp_path, contract=[WIDEN])
    assert kinds(result) == [("accepted_values_widened", False)]
    assert result.ok
    assert not result.contracts[0].needs_major_bump


def test_a_version_that_is_not_semver_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(DativoError) as info:
        run_diff(tmp_path, contract=[NARROW, ('version: "1.4"', 'version: "next"')])
    assert info.value.path is not None and info.value.path.endswith("orders.contract.yml")
    assert info.value.line == 3
    assert "'next' is not a version" in info.value.message


def test_unchanged_contract_with_odd_version_is_fine(tmp_path: Path) -> None:
    from tests.diff.fixture import CONTRACT, edit

    odd = edit(CONTRACT, ('version: "1.4"', 'version: "2025-11"'))
    result = run_diff(tmp_path, old_contract=odd)
    assert kinds(result) == [] and result.ok
