#!/usr/bin/env python3
"""Benchmark `dativo-dbt score` end to end on synthetic artifacts of realistic shape.

usage: python bench/score_large.py [--models 10000] [--tests-per-model 10] [--dir /tmp/dativo_bench]
                                   [--regen] [--runs 1]

Synthesizes target/manifest.json (v12: models with raw_code, compiled_code, descriptions, 20
documented columns, depends_on with macros, full config; tests with test_metadata/kwargs, compiled
SQL, meta.dativo on a third of them; dbt's macros section), run_results.json (v6, compiled_code
for every node, ~5% failing/warn, some errors and skips) for 10,000 models / 100,000 tests
(a manifest of about 400 MB), then runs the real `dativo-dbt score` console script as a
subprocess, `--runs` times per output, and prints each run and the medians: wall time, CPU, peak
memory (RSS of the process and its run_results prefetch child, sampled every 5 ms) and MB/s of
artifact bytes read. With the history store on (the default), a run this big is recorded by a
detached writer after `score` exits: how long after, and its peak memory, are printed too.
Targets (issue 4): < 2 s and < 600 MB. The artifacts are cached in --dir; --regen rebuilds them.
No assertion here: the figures are printed (benchmarks do not belong in the test suite).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

DATIVO = str(Path(sys.executable).with_name("dativo-dbt"))
PROJECT = "big_project"
GEN = "2026-11-20T10:00:00.000000Z"

LOREM = (
    "Customer-level facts refreshed hourly from the billing system. Grain is one row per customer "
    "and day; late-arriving events are merged within a 3-day window. Owned by the data platform team. "
)
TEST_KINDS = [
    ("not_null", None, "completeness"),
    ("unique", None, "uniqueness"),
    ("accepted_values", None, "validity"),
    ("relationships", None, "consistency"),
    ("expect_column_values_to_be_between", "dbt_expectations", "accuracy"),
    ("expect_column_values_to_match_regex", "dbt_expectations", "validity"),
    ("expect_row_values_to_have_recent_data", "dbt_expectations", "timeliness"),
    ("expect_table_row_count_to_be_between", "dbt_expectations", "completeness"),
]


def _sql(i: int, compiled: bool) -> str:
    ref = (
        f'"analytics"."main"."stg_source_{i % 500}"'
        if compiled
        else f"{{{{ ref('stg_source_{i % 500}') }}}}"
    )
    cols = ",\n    ".join(f"col_{c} as column_{c}_renamed" for c in range(20))
    return (
        f"-- model {i}\nwith src as (\n  select * from {ref}\n), renamed as (\n  select\n    {cols}\n  from src\n"
        f"  where updated_at > (select max(updated_at) - interval '3 days' from src)\n)\n"
        "select *, current_timestamp as _loaded_at from renamed\n"
    ) * 2


def model_node(i: int, rnd: random.Random) -> dict:
    name = f"model_{i:05d}"
    uid = f"model.{PROJECT}.{name}"
    columns = {
        f"column_{c}_renamed": {
            "name": f"column_{c}_renamed",
            "description": f"Column {c} of {name}. " + LOREM[: 80 + c * 3],
            "meta": {"pii": c % 7 == 0},
            "data_type": "varchar" if c % 3 else "bigint",
            "constraints": [],
            "quote": None,
            "tags": [],
            "granularity": None,
        }
        for c in range(20)
    }
    tier = ["gold", "silver", "bronze", None][i % 4]
    meta = (
        {
            "dativo": {
                "contract": f"contract_{i}",
                "contract_version": "1.0",
                "owner": "data@example.com",
                "tier": tier,
            }
        }
        if i % 3 == 0
        else {}
    )
    return {
        "database": "analytics",
        "schema": "main",
        "name": name,
        "resource_type": "model",
        "package_name": PROJECT,
        "path": f"marts/domain_{i % 40}/{name}.sql",
        "original_file_path": f"models/marts/domain_{i % 40}/{name}.sql",
        "unique_id": uid,
        "fqn": [PROJECT, "marts", f"domain_{i % 40}", name],
        "alias": name,
        "checksum": {"name": "sha256", "checksum": f"{rnd.getrandbits(256):064x}"},
        "config": {
            "enabled": True,
            "alias": None,
            "schema": None,
            "database": None,
            "tags": ["nightly"],
            "meta": meta,
            "group": f"group_{i % 10}" if i % 5 == 0 else None,
            "materialized": "table",
            "incremental_strategy": None,
            "batch_size": None,
            "lookback": 1,
            "begin": None,
            "persist_docs": {},
            "post-hook": [],
            "pre-hook": [],
            "quoting": {},
            "column_types": {},
            "full_refresh": None,
            "unique_key": None,
            "on_schema_change": "ignore",
            "on_configuration_change": "apply",
            "grants": {},
            "packages": [],
            "docs": {"show": True, "node_color": None},
            "contract": {"enforced": False, "alias_types": True},
            "event_time": None,
            "concurrent_batches": None,
            "access": "protected",
            "freshness": None,
        },
        "tags": ["nightly"],
        "description": LOREM * 3,
        "columns": columns,
        "meta": meta,
        "group": f"group_{i % 10}" if i % 5 == 0 else None,
        "docs": {"show": True, "node_color": None},
        "patch_path": f"{PROJECT}://models/marts/domain_{i % 40}/_schema.yml",
        "build_path": None,
        "unrendered_config": {"materialized": "table"},
        "created_at": 1763632800.0 + i,
        "relation_name": f'"analytics"."main"."{name}"',
        "raw_code": _sql(i, False),
        "doc_blocks": [],
        "language": "sql",
        "refs": [{"name": f"stg_source_{i % 500}", "package": None, "version": None}],
        "sources": [],
        "metrics": [],
        "functions": [],
        "depends_on": {
            "macros": ["macro.dbt.run_query", "macro.dbt.is_incremental"],
            "nodes": [f"model.{PROJECT}.stg_source_{i % 500}"],
        },
        "compiled_path": f"target/compiled/{PROJECT}/models/marts/{name}.sql",
        "compiled": True,
        "compiled_code": _sql(i, True),
        "extra_ctes_injected": True,
        "extra_ctes": [],
        "contract": {"enforced": False, "alias_types": True, "checksum": None},
        "access": "protected",
        "constraints": [],
        "version": None,
        "latest_version": None,
        "deprecation_date": None,
        "primary_key": ["column_0_renamed"],
        "time_spine": None,
    }


def test_node(i: int, j: int, rnd: random.Random) -> dict:
    kind, ns, dim = TEST_KINDS[(i + j) % len(TEST_KINDS)]
    model = f"model_{i:05d}"
    col = f"column_{j % 20}_renamed"
    name = f"{kind}_{model}_{col}_{j}"
    uid = f"test.{PROJECT}.{name}.{rnd.getrandbits(40):010x}"
    dativo = j % 3 == 0
    meta = (
        {
            "dativo": {
                "contract": f"contract_{i}",
                "contract_version": "1.0",
                "check": f"check_{j}",
                "check_type": kind,
                "origin": "soda",
                "dimension": dim,
                "severity": ["critical", "warning", "info"][j % 3],
                "weight": None,
                "column": col,
            }
        }
        if dativo
        else {}
    )
    compiled = (
        f'\n\n\nselect {col}\nfrom "analytics"."main"."{model}"\nwhere {col} is null\n'
        f"-- {kind} generated by dbt for {model}.{col}; " + "padding " * 40 + "\n"
    )
    return {
        "database": "analytics",
        "schema": "main_dbt_test__audit",
        "name": name,
        "resource_type": "test",
        "package_name": PROJECT,
        "path": f"{name}.sql",
        "original_file_path": f"models/marts/domain_{i % 40}/_schema.yml",
        "unique_id": uid,
        "fqn": [PROJECT, "marts", f"domain_{i % 40}", name],
        "alias": name,
        "checksum": {"name": "none", "checksum": ""},
        "config": {
            "enabled": True,
            "alias": None,
            "schema": "dbt_test__audit",
            "database": None,
            "tags": ["dativo"] if dativo else [],
            "meta": meta,
            "group": None,
            "materialized": "test",
            "severity": "warn" if j % 4 == 3 else "ERROR",
            "store_failures": None,
            "store_failures_as": None,
            "where": None,
            "limit": None,
            "fail_calc": "count(*)",
            "warn_if": "!= 0",
            "error_if": "!= 0",
        },
        "tags": [],
        "description": "",
        "columns": {},
        "meta": meta,
        "group": None,
        "docs": {"show": True, "node_color": None},
        "patch_path": None,
        "build_path": None,
        "unrendered_config": {},
        "created_at": 1763632800.0,
        "relation_name": None,
        "raw_code": "{{ test_" + kind + "(**_dbt_generic_test_kwargs) }}",
        "doc_blocks": [],
        "language": "sql",
        "refs": [{"name": model, "package": None, "version": None}],
        "sources": [],
        "metrics": [],
        "functions": [],
        "depends_on": {
            "macros": [f"macro.dbt.test_{kind}", "macro.dbt.get_where_subquery"],
            "nodes": [f"model.{PROJECT}.{model}"],
        },
        "compiled_path": f"target/compiled/{PROJECT}/models/{name}.sql",
        "compiled": True,
        "compiled_code": compiled,
        "extra_ctes_injected": True,
        "extra_ctes": [],
        "contract": {"enforced": False, "alias_types": True, "checksum": None},
        "column_name": col,
        "file_key_name": f"models.{model}",
        "attached_node": f"model.{PROJECT}.{model}",
        "test_metadata": {
            "name": kind,
            "kwargs": {
                "column_name": col,
                "model": "{{ get_where_subquery(ref('" + model + "')) }}",
            },
            "namespace": ns,
        },
    }


def generate(out: Path, n_models: int, per_model: int) -> None:
    out.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(42)
    enc = json.JSONEncoder(separators=(", ", ": "))
    results: list[dict] = []
    with (out / "manifest.json").open("w") as fh:
        meta = {
            "dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json",
            "dbt_version": "1.11.16",
            "generated_at": GEN,
            "invocation_id": "00000000-0000-0000-0000-000000000001",
            "env": {},
            "project_name": PROJECT,
            "project_id": "f" * 32,
            "adapter_type": "duckdb",
        }
        fh.write('{"metadata": ' + enc.encode(meta) + ', "nodes": {')
        first = True
        for i in range(n_models):
            m = model_node(i, rnd)
            fh.write(("" if first else ", ") + json.dumps(m["unique_id"]) + ": " + enc.encode(m))
            first = False
            results.append(result(m["unique_id"], "success", rnd, m["compiled_code"]))
            for j in range(per_model):
                t = test_node(i, j, rnd)
                fh.write(", " + json.dumps(t["unique_id"]) + ": " + enc.encode(t))
                r = rnd.random()
                status = (
                    "fail"
                    if r < 0.03
                    else "warn"
                    if r < 0.05
                    else "error"
                    if r < 0.055
                    else "skipped"
                    if r < 0.06
                    else "pass"
                )
                results.append(result(t["unique_id"], status, rnd, t["compiled_code"]))
        fh.write('}, "sources": {}, "macros": {')
        fh.write(
            ", ".join(
                json.dumps(f"macro.dbt.m{k}")
                + ": "
                + enc.encode(
                    {
                        "name": f"m{k}",
                        "macro_sql": "{% macro x() %}" + "select 1 " * 200 + "{% endmacro %}",
                        "unique_id": f"macro.dbt.m{k}",
                        "package_name": "dbt",
                        "description": "",
                    }
                )
                for k in range(2000)
            )
        )
        fh.write(
            '}, "docs": {}, "exposures": {}, "metrics": {}, "groups": {}, "selectors": {}, "disabled": {}, '
            '"parent_map": {}, "child_map": {}, "group_map": {}, "saved_queries": {}, "semantic_models": {}, '
            '"unit_tests": {}, "functions": {}}'
        )
    with (out / "run_results.json").open("w") as fh:
        meta = {
            "dbt_schema_version": "https://schemas.getdbt.com/dbt/run-results/v6.json",
            "dbt_version": "1.11.16",
            "generated_at": GEN,
            "invocation_id": "00000000-0000-0000-0000-000000000001",
            "env": {},
        }
        fh.write('{"metadata": ' + enc.encode(meta) + ', "results": [')
        fh.write(", ".join(enc.encode(r) for r in results))
        fh.write('], "elapsed_time": 1234.5, "args": {"which": "build"}}')


def result(uid: str, status: str, rnd: random.Random, code: str) -> dict:
    failures = (
        0
        if status in ("pass", "success")
        else (None if status in ("error", "skipped") else rnd.randint(1, 500))
    )
    msg = {
        "fail": f"Got {failures} results, configured to fail if != 0",
        "warn": f"Got {failures} results, configured to warn if != 0",
        "error": "Runtime Error: Binder Error: column not found",
        "skipped": None,
    }.get(status)
    return {
        "status": status,
        "timing": [
            {
                "name": "compile",
                "started_at": "2026-11-20T09:59:00.000000Z",
                "completed_at": "2026-11-20T09:59:00.100000Z",
            },
            {
                "name": "execute",
                "started_at": "2026-11-20T09:59:00.100000Z",
                "completed_at": "2026-11-20T09:59:01.100000Z",
            },
        ],
        "thread_id": "Thread-1 (worker)",
        "execution_time": round(rnd.random() * 3, 3),
        "adapter_response": {"_message": "OK", "rows_affected": 0},
        "message": msg,
        "failures": failures,
        "unique_id": uid,
        "compiled": True,
        "compiled_code": code,
        "relation_name": None,
        "batch_results": None,
    }


REFERENCE = "import json, sys\nm = json.load(open(sys.argv[1], 'rb'))\nr = json.load(open(sys.argv[2], 'rb'))\n"


class Run:
    """One measured `dativo-dbt score` process (and its detached history writer, if any)."""

    def __init__(self, wall: float, peak_mb: float, cpu: float, rc: int) -> None:
        self.wall, self.peak_mb, self.cpu, self.rc = wall, peak_mb, cpu, rc
        self.background_s: float | None = None  # history written this long after exit
        self.background_mb: float | None = None  # the writer's peak after the parent exited


def run_once(
    target: Path, extra: list[str], env: dict[str, str] | None = None, history: Path | None = None
) -> Run:
    """Measure one `dativo-dbt score` child process."""
    cmd = [
        DATIVO,
        "score",
        "--target-dir",
        str(target),
        "--project-dir",
        str(target.parent),
        *extra,
    ]
    return measure(cmd, env, history)


def run_reference(target: Path) -> Run:
    """The same measures for stdlib `json.load` of both artifacts (reading only, no scoring)."""
    return measure(
        [
            sys.executable,
            "-c",
            REFERENCE,
            str(target / "manifest.json"),
            str(target / "run_results.json"),
        ]
    )


def _rss_mb(pid: int) -> float:
    """Resident MB of one process (/proc/PID/statm: cheap enough to read every 5 ms; the PSS of
    smaps_rollup costs ~8 ms per read on a big process and slowed the measured run down)."""
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


def _tree_rss_mb(pid: int, skip: set[int]) -> float:
    """RSS of `pid` plus its children except `skip`. The run_results prefetch is a child forked
    early (it shares only the imported modules with the parent), so the sum is an upper bound of
    the memory the run holds, by at most those ~60 MB. The detached history writer (`skip`) is a
    fork of the whole scored heap: counting its shared pages twice would be wrong, so it is
    measured on its own after the parent exits (`follow_writer`)."""
    pids = [pid]
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            pids += [int(p) for p in fh.read().split() if int(p) not in skip]
    except (OSError, ValueError):
        pass
    return sum(_rss_mb(p) for p in pids)


def _writers(history: Path | None) -> set[int]:
    if history is None:
        return set()
    prefix = history.name + ".writing-"
    return {int(p.name[len(prefix) :]) for p in history.parent.glob(prefix + "*")}


def measure(cmd: list[str], env: dict[str, str] | None = None, history: Path | None = None) -> Run:
    """Wall, peak MB, CPU and exit code of `cmd`. Peak MB is the larger of the process's own peak
    RSS (getrusage) and the peak RSS of the process and its prefetch child, sampled every 5 ms."""
    peak_tree = [0.0]
    done = threading.Event()

    def sample(pid: int) -> None:
        while not done.is_set():
            peak_tree[0] = max(peak_tree[0], _tree_rss_mb(pid, _writers(history)))
            done.wait(0.005)

    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=err, env={**os.environ, **(env or {})}
        )
        sampler = threading.Thread(target=sample, args=(proc.pid,), daemon=True)
        sampler.start()
        _, status, ru = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - t0
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in (0, 1):
            err.seek(0)
            raise SystemExit(f"{cmd[0]} failed ({proc.returncode}): {err.read().decode()[-2000:]}")
    peak = max(ru.ru_maxrss / 1024, peak_tree[0])
    return Run(elapsed, peak, ru.ru_utime + ru.ru_stime, proc.returncode)


def follow_writer(history: Path, run: Run) -> None:
    """Wait for a detached history writer of `history` (its marker file names its pid) and note
    how long after the parent's exit it finished and its peak memory."""
    t0 = time.perf_counter()
    peak = 0.0
    prefix = history.name + ".writing-"
    while True:
        pids = [
            int(p.name[len(prefix) :]) for p in history.parent.glob(prefix + "*") if p.is_file()
        ]
        living = [pid for pid in pids if Path(f"/proc/{pid}").exists()]
        if not living:
            break
        peak = max(peak, sum(_rss_mb(pid) for pid in living))
        time.sleep(0.01)
    if peak:
        run.background_s = time.perf_counter() - t0
        run.background_mb = peak


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--models", type=int, default=10_000)
    ap.add_argument("--tests-per-model", type=int, default=10)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/dativo_bench"))
    ap.add_argument("--regen", action="store_true")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--no-reference", action="store_true", help="skip the stdlib json.load run")
    args = ap.parse_args()
    target = args.dir / f"{args.models}x{args.tests_per_model}" / "target"
    if args.regen or not (target / "run_results.json").exists():
        t0 = time.perf_counter()
        print(
            f"synthesizing {args.models} models / {args.models * args.tests_per_model} tests in {target} ...",
            flush=True,
        )
        generate(target, args.models, args.tests_per_model)
        print(f"  done in {time.perf_counter() - t0:.1f}s", flush=True)
    sizes = {
        p.name: p.stat().st_size for p in (target / "manifest.json", target / "run_results.json")
    }
    total_mb = sum(sizes.values()) / 1e6
    print(
        f"manifest.json {sizes['manifest.json'] / 1e6:.0f} MB, run_results.json {sizes['run_results.json'] / 1e6:.0f} MB"
    )
    history = target / "history.duckdb"
    # Scoring alone runs with the history store off; the last label measures the default, which
    # also appends the run to the local history store (in a detached writer on a run this big:
    # its completion after `score` exits is printed too).
    medians: dict[str, Run] = {}
    for label, extra, env in (
        ("table", [], {"DATIVO_HISTORY": "off"}),
        (
            "json --output",
            ["--format", "json", "--output", str(target / "score.json")],
            {"DATIVO_HISTORY": "off"},
        ),
        ("table + history store (default)", [], {"DATIVO_HISTORY_PATH": str(history)}),
    ):
        runs = []
        for _ in range(args.runs):
            history.unlink(missing_ok=True)
            run = run_once(target, extra, env, history)
            follow_writer(history, run)
            runs.append(run)
            bg = (
                f"; history written {run.background_s:.2f} s after exit, writer peak "
                f"{run.background_mb:.0f} MB"
                if run.background_s is not None
                else ""
            )
            print(
                f"dativo-dbt score [{label}]: {run.wall:.2f} s wall ({run.cpu:.2f} s CPU), "
                f"peak {run.peak_mb:.0f} MB, {total_mb / run.wall:.0f} MB/s of artifacts end to "
                f"end (exit {run.rc}){bg}",
                flush=True,
            )
        medians[label] = Run(
            statistics.median(r.wall for r in runs),
            statistics.median(r.peak_mb for r in runs),
            statistics.median(r.cpu for r in runs),
            runs[0].rc,
        )
        bgs = [r for r in runs if r.background_s is not None]
        if bgs:
            medians[label].background_s = statistics.median(r.background_s or 0 for r in bgs)
            medians[label].background_mb = max(r.background_mb or 0 for r in bgs)
    print(f"medians of {args.runs} run(s):")
    for label, m in medians.items():
        extra_text = (
            f"; history done {m.background_s:.2f} s after exit (writer peak {m.background_mb:.0f} MB)"
            if m.background_s is not None
            else ""
        )
        print(
            f"  {label:<34} {m.wall:.2f} s wall, {m.cpu:.2f} s CPU, peak {m.peak_mb:.0f} MB{extra_text}"
        )
    if not args.no_reference:
        ref = run_reference(target)
        table = medians["table"]
        print(
            f"reference, stdlib json.load of both files (no scoring): {ref.wall:.2f} s wall "
            f"({ref.cpu:.2f} s CPU), peak {ref.peak_mb:.0f} MB"
        )
        print(
            f"ratio dativo-dbt score / json.load, same run: {table.wall / ref.wall:.2f}x wall, "
            f"{table.cpu / ref.cpu:.2f}x CPU, {table.peak_mb / ref.peak_mb:.2f}x peak memory"
        )
    load = os.getloadavg()[0]
    print(
        f"load average (1 min) during the run: {load:.1f} on {os.cpu_count()} CPUs"
        + (
            "  -- machine busy: wall times are inflated, compare CPU times"
            if load > (os.cpu_count() or 1)
            else ""
        )
    )


if __name__ == "__main__":
    main()
