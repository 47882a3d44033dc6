"""Regenerate tests/fixtures/artifacts/freshness-<dbt version>/ from tests/fixtures/freshness_project.

Usage: python tests/sources_freshness/make_sources.py VERSION=DBT_EXECUTABLE [...]
e.g.   python tests/sources_freshness/make_sources.py 1.5=/tmp/olddbt/v1.5/bin/dbt 1.11=.venv/bin/dbt

Each version runs `dbt build` (seeds + the source test) -> run_results.json, then
`dbt source freshness` -> sources.json, and keeps manifest.json with its `macros` and `docs`
sections emptied (never read by dativo-dbt); the rest is dbt's output verbatim.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent / "fixtures" / "freshness_project"
OUT = HERE.parent / "fixtures" / "artifacts"


def run(dbt: str, cwd: Path, *args: str) -> None:
    env = dict(
        os.environ,
        DBT_PROFILES_DIR=str(cwd),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DO_NOT_TRACK="1",
    )
    proc = subprocess.run([dbt, *args], cwd=cwd, env=env, capture_output=True, text=True)
    print(f"  dbt {' '.join(args)} -> {proc.returncode}")
    if proc.returncode not in (0, 1):
        print(proc.stdout[-4000:], proc.stderr[-2000:])
        raise SystemExit(1)


def make(version: str, dbt: str) -> None:
    out = OUT / f"freshness-{version}"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        proj = Path(tmp) / "p"
        shutil.copytree(PROJECT, proj, ignore=shutil.ignore_patterns("target", "logs", "*.duckdb*"))
        print(version)
        run(dbt, proj, "build")
        shutil.copy(proj / "target" / "run_results.json", out / "run_results.json")
        run(dbt, proj, "source", "freshness")
        shutil.copy(proj / "target" / "sources.json", out / "sources.json")
        manifest = json.loads((proj / "target" / "manifest.json").read_text())
        manifest["macros"] = {}
        manifest["docs"] = {}
        (out / "manifest.json").write_text(json.dumps(manifest))  # dbt's own separators


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        v, _, exe = arg.partition("=")
        make(v, exe)
