"""The one atomic output writer: umask mode for new files, kept mode for existing ones, and a
failed write leaves neither a temp file nor a changed target."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from dativo_dbt.core import fileio


@pytest.fixture
def umask_027() -> Iterator[None]:
    old = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(old)


def test_new_file_gets_the_umask_mode(tmp_path: Path, umask_027: None) -> None:
    assert fileio.current_umask() == 0o027
    target = fileio.write_atomic(tmp_path / "out.json", "{}")
    assert target.stat().st_mode & 0o777 == 0o640
    assert target.read_text() == "{}"


def test_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")
    target.chmod(0o604)
    fileio.write_atomic(target, [b"n", b"ew"])
    assert target.read_text() == "new" and target.stat().st_mode & 0o777 == 0o604


def test_failed_write_changes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")

    def pieces() -> Iterator[bytes]:
        yield b"half"
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        fileio.write_atomic(target, pieces())
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]
