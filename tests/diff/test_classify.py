"""Every change class of `dativo-dbt diff`, one edit at a time (breaking or not)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.diff.fixture import ASSET, CONTRACT, edit, kinds, run_diff

BUMP = ('version: "1.4"', 'version: "2.0"')


def test_identical_versions_have_no_change(tmp_path: Path) -> None:
    result = run_diff(tmp_path)
    assert kinds(result) == []
    assert result.ok


# ---------------------------------------------------------------------------------------------
# columns


def test_column_removed_is_breaking(tmp_path: Path) -> None:
    result = run_diff(
        tmp_path,
        asset=[("    - name: note\n      type: string\n      description: Free text.\n", "")],
    )
    assert kinds(result) == [("column_removed", True)]
    change = result.contracts[0].changes[0]
    assert change.subject == "note"
    assert change.file is not None and change.file.endswith("orders.asset.yml")


def test_column_renamed_is_breaking(tmp_path: Path) -> None:
    result = run_diff(tmp_path, asset=[("- name: note", "- name: remark")])
    assert kinds(result) == [("column_renamed", True)]
    change = result.contracts[0].changes[0]
    assert (change.before, change.after) == ("note", "remark")


def test_column_removed_and_another_added_elsewhere_is_not_a_rename(tmp_path: Path) -> None:
    result = run_diff(
        tmp_path,
        asset=[
            ("    - name: note\n      type: string\n      description: Free text.\n", ""),
            ("    - name: email\n", "    - name: phone\n      type: integer\n    - name: email\n"),
        ],
    )
    assert sorted(kinds(result)) == [("column_added", False), ("column_removed", True)]


def test_column_added_is_not_breaking(tmp_path: Path) -> None:
    result = run_diff(
        tmp_path, asset=[("      description: Free text.\n", "      description: Free text.\n"
                          "    - name: channel\n      type: string\n      required: true\n")]
    )  # fmt: skip
    assert kinds(result) == [("column_added", False)]
    assert "required" in result.contracts[0].changes[0].message


def test_type_change_is_breaking_unless_allowed(tmp_path: Path) -> None:
    retype = ("    - name: amount\n      type: double", "    - name: amount\n      type: integer")
    assert kinds(run_diff(tmp_path / "a", asset=[retype])) == [("column_type_changed", True)]
    allowed = edit(CONTRACT, ("allow_type_changes: false", "allow_type_changes: true"))
    result = run_diff(tmp_path / "b", asset=[retype], old_contract=allowed)
    assert kinds(result) == [("column_type_widened", False)]


@pytest.mark.parametrize(("before", "after"), [("string", "varchar"), ("string", "text"),
                                               ("double", "float64")])  # fmt: skip
def test_type_synonyms_are_no_change(tmp_path: Path, before: str, after: str) -> None:
    old_asset = edit(
        ASSET, ("- name: note\n      type: string", f"- name: note\n      type: {before}")
    )
    result = run_diff(
        tmp_path,
        asset=[(f"- name: note\n      type: {before}", f"- name: note\n      type: {after}")],
        old_asset=old_asset,
    )
    assert kinds(result) == []


def test_required_to_nullable_is_breaking_unless_allowed(tmp_path: Path) -> None:
    loosen = ("- name: status\n      type: string\n      required: true",
              "- name: status\n      type: string\n      required: false")  # fmt: skip
    assert kinds(run_diff(tmp_path / "a", asset=[loosen])) == [("column_nullable", True)]
    allowed = edit(CONTRACT, ("allow_nullable_expansion: false", "allow_nullable_expansion: true"))
    result = run_diff(tmp_path / "b", asset=[loosen], old_contract=allowed)
    assert kinds(result) == [("column_nullable_allowed", False)]


def test_nullable_to_required_is_not_breaking(tmp_path: Path) -> None:
    result = run_diff(
        tmp_path, asset=[("- name: email\n      type: string\n", "- name: email\n      type: string\n      required: true\n")]
    )  # fmt: skip
    assert kinds(result) == [("column_required", False)]


def test_column_documentation_is_not_breaking(tmp_path: Path) -> None:
    result = run_diff(tmp_path, asset=[("Free text.", "Free text from the customer.")])
    assert kinds(result) == [("documentation", False)]


# ---------------------------------------------------------------------------------------------
# sets, ranges, uniqueness


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("values: [open, paid, shipped]", "values: [open, paid]", ("accepted_values_narrowed", True)),
        ("values: [open, paid, shipped]", "values: [open, paid, shipped, void]", ("accepted_values_widened", False)),
        ("values: [open, paid, shipped]", "values: [open, paid, void]", ("accepted_values_narrowed", True)),
        ("value_set: [EUR, USD]", "value_set: [EUR]", ("accepted_values_narrowed", True)),
        ("value_set: [EUR, USD]", "value_set: [EUR, USD, GBP]", ("accepted_values_widened", False)),
    ],
)  # fmt: skip
def test_accepted_values(tmp_path: Path, old: str, new: str, expected: tuple[str, bool]) -> None:
    assert kinds(run_diff(tmp_path, contract=[(old, new)])) == [expected]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("min: 0\n          max: 1000", "min: 10\n          max: 1000", ("range_narrowed", True)),
        ("min: 0\n          max: 1000", "min: 0\n          max: 999", ("range_narrowed", True)),
        ("min: 0\n          max: 1000", "min: -5\n          max: 2000", ("range_widened", False)),
        ("min: 0\n          max: 1000", "max: 1000", ("range_widened", False)),
        ("min: 0\n          max: 1000", "min: -5\n          max: 900", ("range_narrowed", True)),
        ("min_value: 0\n          max_value: 500", "min_value: 0\n          max_value: 400", ("range_narrowed", True)),
        ("min_value: 0\n          max_value: 500", "min_value: 0\n          max_value: 600", ("range_widened", False)),
    ],
)  # fmt: skip
def test_ranges(tmp_path: Path, old: str, new: str, expected: tuple[str, bool]) -> None:
    assert kinds(run_diff(tmp_path, contract=[(old, new)])) == [expected]


def test_inline_range_narrowed_points_at_the_asset(tmp_path: Path) -> None:
    result = run_diff(tmp_path, asset=[("min: 0\n        max: 1000", "min: 0\n        max: 10")])
    assert kinds(result) == [("range_narrowed", True)]
    change = result.contracts[0].changes[0]
    assert change.file is not None and change.file.endswith("orders.asset.yml")
    assert change.line == ASSET.splitlines().index("        max: 1000") + 1


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("columns: [id]\n          severity: error", "columns: [id, email]\n          severity: error", ("uniqueness_dropped", True)),
        ("columns: [id]\n          severity: error", "columns: [email]\n          severity: error", ("uniqueness_dropped", True)),
    ],
)  # fmt: skip
def test_uniqueness_weakened(
    tmp_path: Path, old: str, new: str, expected: tuple[str, bool]
) -> None:
    assert kinds(run_diff(tmp_path, contract=[(old, new)])) == [expected]


def test_uniqueness_check_removed_or_strengthened(tmp_path: Path) -> None:
    drop = ("        - name: unique_order\n          type: uniqueness\n          columns: [id]\n"
            "          severity: error\n", "")  # fmt: skip
    assert kinds(run_diff(tmp_path / "a", contract=[drop])) == [("uniqueness_dropped", True)]
    inline = ("      - type: unique_check\n        columns: [id]\n", "")
    assert kinds(run_diff(tmp_path / "b", asset=[inline])) == [("uniqueness_dropped", True)]
    old = edit(CONTRACT, ("columns: [id]", "columns: [id, email]"))
    result = run_diff(tmp_path / "c", contract=[("columns: [id, email]", "columns: [id]")],
                      old_contract=old)  # fmt: skip
    assert kinds(result) == [("uniqueness_strengthened", False)]


# ---------------------------------------------------------------------------------------------
# SLA


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("max_age_hours: 2\n", "max_age_hours: 6\n", ("sla_loosened", True)),
        ("max_age_hours: 2\n", "max_age_hours: 1\n", ("sla_tightened", False)),
        ("min_records_per_day: 100", "min_records_per_day: 50", ("sla_loosened", True)),
        ("min_records_per_day: 100", "min_records_per_day: 500", ("sla_tightened", False)),
        ("max_age_hours: 24", "max_age_hours: 48", ("sla_loosened", True)),
    ],
)  # fmt: skip
def test_sla(tmp_path: Path, old: str, new: str, expected: tuple[str, bool]) -> None:
    assert kinds(run_diff(tmp_path, contract=[(old, new)])) == [expected]


def test_sla_removed_is_breaking_and_added_is_not(tmp_path: Path) -> None:
    block = "    completeness:\n      min_records_per_day: 100\n      column: created_at\n"
    assert kinds(run_diff(tmp_path / "a", contract=[(block, "")])) == [("sla_loosened", True)]
    result = run_diff(tmp_path / "b", old_contract=edit(CONTRACT, (block, "")),
                      new_contract=CONTRACT)  # fmt: skip
    assert kinds(result) == [("sla_tightened", False)]


# ---------------------------------------------------------------------------------------------
# checks


def test_check_removed_is_breaking_and_added_is_not(tmp_path: Path) -> None:
    regex = '        - name: email_format\n          type: regex\n          column: email\n          pattern: "@"\n'
    assert kinds(run_diff(tmp_path / "a", contract=[(regex, "")])) == [("check_removed", True)]
    result = run_diff(
        tmp_path / "b", old_contract=edit(CONTRACT, (regex, "")), new_contract=CONTRACT
    )
    assert kinds(result) == [("check_added", False)]


def test_check_disabled_is_breaking(tmp_path: Path) -> None:
    result = run_diff(
        tmp_path, contract=[('pattern: "@"', 'pattern: "@"\n          enabled: false')]
    )
    assert kinds(result) == [("check_removed", True)]


def test_check_severity_lowered_is_breaking_raised_is_not(tmp_path: Path) -> None:
    lower = ("values: [open, paid, shipped]\n          severity: error",
             "values: [open, paid, shipped]\n          severity: warning")  # fmt: skip
    assert kinds(run_diff(tmp_path / "a", contract=[lower])) == [("check_weakened", True)]
    raise_ = ('pattern: "@"', 'pattern: "@"\n          severity: critical')
    assert kinds(run_diff(tmp_path / "b", contract=[raise_])) == [("check_strengthened", False)]


def test_check_definition_changed_is_breaking(tmp_path: Path) -> None:
    result = run_diff(tmp_path, contract=[('pattern: "@"', 'pattern: "^.+@.+$"')])
    assert kinds(result) == [("check_changed", True)]


def test_check_documentation_is_not_breaking(tmp_path: Path) -> None:
    result = run_diff(
        tmp_path,
        contract=[('pattern: "@"', 'pattern: "@"\n          description: has an at\n          dimension: validity')],
    )  # fmt: skip
    assert kinds(result) == [("documentation", False), ("documentation", False)]


# ---------------------------------------------------------------------------------------------
# contract-level


def test_schema_contract_loosened_and_tightened(tmp_path: Path) -> None:
    result = run_diff(tmp_path / "a", contract=[("strict_mode: true", "strict_mode: false")])
    assert kinds(result) == [("schema_contract_loosened", True)]
    old = edit(CONTRACT, ("strict_mode: true", "strict_mode: false"))
    result = run_diff(tmp_path / "b", contract=[("strict_mode: false", "strict_mode: true")],
                      old_contract=old)  # fmt: skip
    assert kinds(result) == [("schema_contract_tightened", False)]


def test_violation_handling_loosened_is_breaking(tmp_path: Path) -> None:
    result = run_diff(
        tmp_path, contract=[("on_schema_violation: block", "on_schema_violation: warn")]
    )
    assert kinds(result) == [("violation_handling_loosened", True)]


def test_target_changed_is_breaking(tmp_path: Path) -> None:
    result = run_diff(tmp_path, contract=[("  model: orders\n", "  model: orders_v2\n")])
    assert kinds(result) == [("contract_target_changed", True)]


def test_contract_documentation_and_status(tmp_path: Path) -> None:
    result = run_diff(
        tmp_path,
        contract=[("Orders placed on the web shop.", "Web shop orders."),
                  ("status: active", "status: deprecated")],
    )  # fmt: skip
    assert sorted(kinds(result)) == [("documentation", False), ("status_changed", False)]
    assert result.contracts[0].retiring
    assert result.ok


def test_contract_removed_and_added(tmp_path: Path) -> None:
    from dativo_dbt.diff import diff_contracts, load_side

    from tests.diff.fixture import write_side

    side = load_side(write_side(tmp_path / "one"))
    removed = diff_contracts(side.contracts, [])
    assert kinds(removed) == [("contract_removed", True)]
    assert not removed.ok
    added = diff_contracts([], side.contracts)
    assert kinds(added) == [("contract_added", False)]
    assert added.ok
    retired = load_side(
        write_side(tmp_path / "two", edit(CONTRACT, ("status: active", "status: sunset")))
    )
    gone = diff_contracts(retired.contracts, [])
    assert kinds(gone) == [("documentation", False)]
    assert gone.ok


def test_availability_down_is_breaking(tmp_path: Path) -> None:
    block = "    availability:\n      uptime_percentage: 99.5\n"
    old = edit(CONTRACT, ("  schema_contract:\n", block + "  schema_contract:\n"))
    result = run_diff(tmp_path, contract=[("99.5", "99.0")], old_contract=old)
    assert kinds(result) == [("sla_loosened", True)]
    result = run_diff(tmp_path / "b", contract=[("99.5", "99.9")], old_contract=old)
    assert kinds(result) == [("sla_tightened", False)]


def test_violation_handling_tightened_is_not_breaking(tmp_path: Path) -> None:
    result = run_diff(
        tmp_path, contract=[("on_quality_violation: warn", "on_quality_violation: quarantine")]
    )
    assert kinds(result) == [("violation_handling_tightened", False)]


def test_removed_item_points_at_its_parent_in_the_new_file(tmp_path: Path) -> None:
    regex = '        - name: email_format\n          type: regex\n          column: email\n          pattern: "@"\n'
    result = run_diff(tmp_path, contract=[(regex, "")])
    change = result.contracts[0].changes[0]
    assert change.line == CONTRACT.splitlines().index("      checks:") + 1
