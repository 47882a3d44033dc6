"""How much time the dativo_dbt on-run-end hook (`dativo_dbt.record_results(results)`) adds to a
dbt invocation, on DuckDB.

Two copies of the same project are built once; then `dbt test` runs REPEATS times in each copy,
alternating, with the hook (copy A) and without it (copy B). Printed: the median wall time of each,
their difference and ratio, and the hook's own time as dbt records it (the on-run-end node's
execution_time in run_results.json: rendering, the results-table check and the batched INSERTs).

    python bench/hook_overhead.py                       # generated project with 2,000 tests
    python bench/hook_overhead.py --tests 500 --repeats 3
    python bench/hook_overhead.py --project integration_tests   # an existing project (its own tests)

Figures are measured in one run on this machine; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DBT = str(Path(sys.executable).with_name("dbt"))
HOOK = '"{{ dativo_dbt.record_results(results) }}"'
COLUMNS = 10
TESTS_PER_MODEL = 50

PROFILES = """bench:
  target: duckdb
  outputs:
    duckdb:
      type: duckdb
      path: "{{ env_var('BENCH_DUCKDB_PATH') }}"
      threads: 4
"""


def generate(dest: Path, n_tests: int) -> None:
    """A project of ceil(n_tests / 50) models x 10 columns with n_tests data tests (half carry
    meta.dativo like generated ones, half are plain dbt tests)."""
    n_models = -(-n_tests // TESTS_PER_MODEL)
    (dest / "models").mkdir(parents=True)
    (dest / "dbt_project.yml").write_text(
        "name: hook_bench\nversion: '1.0'\nconfig-version: 2\nprofile: bench\n"
        "models:\n  hook_bench:\n    +materialized: table\n"
    )
    (dest / "packages.yml").write_text(
        f"packages:\n  - local: {json.dumps(str(REPO))}\n"
        f"  - local: {json.dumps(str(REPO / 'dbt_packages_src' / 'dbt_expectations'))}\n"
    )
    (dest / "profiles.yml").write_text(PROFILES)
    cols = ", ".join(f"(i * {k + 1}) % 97 as c{k}" for k in range(COLUMNS))
    lines = ["version: 2", "models:"]
    made = 0
    for m in range(n_models):
        name = f"m{m:04d}"
        (dest / "models" / f"{name}.sql").write_text(
            f"select i as id, {cols} from range(1000) t(i)\n"
        )
        lines += [
            f"  - name: {name}",
            "    config:",
            "      meta:",
            "        dativo: {contract: " + name + ", tier: silver}",
            "    columns:",
        ]
        per_col: dict[int, list[str]] = {}
        for t in range(min(TESTS_PER_MODEL, n_tests - made)):
            per_col.setdefault(t % COLUMNS, []).append(
                f"          - not_null:\n              name: {name}_t{t:02d}\n              config:\n"
                + (
                    f"                severity: {'warn' if t % 4 == 1 else 'error'}\n"
                    f"                meta:\n                  dativo: {{contract: {name}, contract_version: '1', "
                    f"check: c{t}, check_type: missing_count, origin: soda, dimension: completeness, "
                    f"severity: critical, weight: null, column: c{t % COLUMNS}}}"
                    if t % 2
                    else "                severity: error"
                )
            )
            made += 1
        for c, tests in per_col.items():
            lines += [f"      - name: c{c}", "        data_tests:", *tests]
    (dest / "models" / "schema.yml").write_text("\n".join(lines) + "\n")


def with_hook(src: Path, dest: Path, hook: bool) -> Path:
    shutil.copytree(
        src, dest, ignore=shutil.ignore_patterns("target", "dbt_packages", "logs", "*.duckdb*")
    )
    yml = dest / "dbt_project.yml"
    text = re.sub(r"(?m)^on-run-end:.*$", "", yml.read_text())
    if hook:
        text += f"\non-run-end: {HOOK}\n"
    yml.write_text(text)
    return dest


def dbt(project: Path, *args: str) -> float:
    env = dict(
        os.environ,
        DATIVO_DBT_ROOT=str(REPO),
        DBT_PROFILES_DIR=str(project),
        BENCH_DUCKDB_PATH=str(project / "target" / "bench.duckdb"),
        DATIVO_DUCKDB_PATH=str(project / "target" / "bench.duckdb"),
        DATIVO_TARGET="duckdb",
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DO_NOT_TRACK="1",
    )
    start = time.perf_counter()
    proc = subprocess.run([DBT, *args], cwd=project, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):  # 1: failing tests are expected in real projects
        sys.exit(
            f"dbt {' '.join(args)} failed in {project}:\n{proc.stdout[-3000:]}\n{proc.stderr[-2000:]}"
        )
    return elapsed


def hook_time(project: Path) -> float | None:
    results = json.loads((project / "target" / "run_results.json").read_text())["results"]
    times = [r["execution_time"] for r in results if "on-run-end" in r["unique_id"]]
    return times[0] if times else None


def measure(src: Path, work: Path, repeats: int) -> dict[str, Any]:
    a = with_hook(src, work / "with_hook", True)
    b = with_hook(src, work / "without_hook", False)
    for p in (a, b):
        (p / "target").mkdir(exist_ok=True)
        dbt(p, "deps")
        dbt(p, "build")  # tables, seeds, a first test run, parse state for partial parsing
    n_tests = sum(
        1
        for r in json.loads((a / "target" / "run_results.json").read_text())["results"]
        if r["unique_id"].startswith("test.")
    )
    on: list[float] = []
    off: list[float] = []
    own: list[float] = []
    for _ in range(repeats):
        on.append(dbt(a, "test"))
        own.append(hook_time(a) or 0.0)
        off.append(dbt(b, "test"))
    m_on, m_off = statistics.median(on), statistics.median(off)
    return {
        "tests": n_tests,
        "with_hook_s": m_on,
        "without_hook_s": m_off,
        "added_s": m_on - m_off,
        "ratio": m_on / m_off,
        "hook_own_s": statistics.median(own),
        "runs": f"with {', '.join(f'{x:.1f}' for x in on)} / without {', '.join(f'{x:.1f}' for x in off)} / hook {', '.join(f'{x:.2f}' for x in own)}",
    }


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--tests", type=int, default=2000, help="tests in the generated project")
    ap.add_argument("--project", type=Path, default=None, help="measure this dbt project instead")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="dativo-hook-bench-") as tmp:
        work = Path(tmp)
        if args.project is not None:
            src, label = args.project.resolve(), str(args.project)
        else:
            src, label = work / "generated", f"generated project ({args.tests} tests)"
            generate(src, args.tests)
        r = measure(src, work, args.repeats)
    print(f"{label}: {r['tests']} tests, `dbt test`, median of {args.repeats}")
    print(f"  without hook  {r['without_hook_s']:8.2f} s")
    print(f"  with hook     {r['with_hook_s']:8.2f} s")
    print(f"  added         {r['added_s']:+8.2f} s  (ratio {r['ratio']:.3f})")
    print(f"  hook itself   {r['hook_own_s']:8.2f} s  (on-run-end node in run_results.json)")
    print(f"  each run (s): {r['runs']}")
    print(
        f"  load average: {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs"
    )


if __name__ == "__main__":
    main()
