"""core/dbt_project.py: dbt_project.yml read through the bounded loader, leniently."""

from __future__ import annotations

from pathlib import Path

from dativo_dbt.core.dbt_project import project_vars, read_dbt_project


def test_a_project_file_reads_as_a_mapping_with_its_vars(tmp_path: Path) -> None:
    (tmp_path / "dbt_project.yml").write_text("name: p\nvars:\n  dativo_dbt_execution: batched\n")
    assert read_dbt_project(tmp_path) == {"name": "p", "vars": {"dativo_dbt_execution": "batched"}}
    assert project_vars(tmp_path) == {"dativo_dbt_execution": "batched"}


def test_missing_unreadable_or_hostile_project_files_read_as_none(tmp_path: Path) -> None:
    assert read_dbt_project(tmp_path) is None and project_vars(tmp_path) == {}
    project = tmp_path / "dbt_project.yml"
    for text in (
        "- a list\n",
        "name: [unclosed\n",
        "vars: 3\n",
        "a: &a [x, x, x]\nb: &b [*a, *a, *a]\n" + "".join(f"c{i}: [*b, *b]\n" for i in range(1001)),
    ):
        project.write_text(text)
        assert project_vars(tmp_path) == {}, text
