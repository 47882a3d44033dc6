"""Helpers for contract tests: write YAML files into a temporary contracts directory."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest


@pytest.fixture
def write(tmp_path: Path):  # type: ignore[no-untyped-def]
    """write(name, text) -> path under tmp_path/contracts (text is dedented)."""
    root = tmp_path / "contracts"
    root.mkdir()

    def _write(name: str, text: str) -> Path:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    _write.root = root  # type: ignore[attr-defined]
    return _write
