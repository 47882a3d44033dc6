#!/usr/bin/env python3
"""Per-check vs batched execution of a contract's checks, with a hand-written single query as the
lower bound, on DuckDB and PostgreSQL.

For each adapter and data size it writes one throw-away dbt project per execution mode
(bench/batched_project.py: the stripe_customers contract's checks as `dativo-dbt generate` writes
them), runs `dbt test` in each mode and the hand-written query ALTERNATING, `--runs` times each,
and prints medians of

* wall     — end to end `dbt build` of the tests (and in batched-metrics
  mode the metrics model), process start to exit; for the hand-written query: the query alone,
* dbt      — the same run without starting Python and importing dbt (2.4-2.8 s here, the same in
  every mode): the dbt invocation (`dbtRunner().invoke`, what the `dbt` command runs) from
  reading the project to writing run_results.json, timed inside the same process,
* warehouse — the summed `execution_time` of all nodes in run_results.json (compile + execute of
  each node, so it includes queries run while compiling),

plus the ratios, and checks that every check has the same outcome (status, failures) in every mode.
A `floor` row times the same `dbt build` selecting nothing (dbt's fixed cost, alternating with the
rest): per-check / floor is the most any execution mode could gain end to end.
Then the same for a 200-check contract at 100k rows (node overhead). Each run's wall time and the
load average (before / after each case) are printed and written to --json.

Setup, identical for every mode: the same project apart from the generated tests, the same dbt
command and --threads (default 4), the environment DO_NOT_TRACK=1 and
DBT_SEND_ANONYMOUS_USAGE_STATS=false (no usage tracking), partial parsing on (each project runs
`dbt deps` and `dbt run` once before the timed runs, so every timed run reuses the partial parse;
--cold parses in full every time), and the dativo_dbt and dbt_expectations packages copied once
under --workdir at start (batched_project.snapshot_packages): `dbt deps` links a local package, so
edits to the working tree during a benchmark would otherwise make random runs re-parse.

usage: bench/checks_vs_per_test.py [--sizes 1000000,10000000] [--runs 3] [--adapters duckdb,postgres]
       [--modes per-check,batched,batched-metrics] [--wide-rows 100000] [--wide-checks 200]
       [--workdir /tmp/dativo_bench] [--quarantine] [--cold] [--json out.json]
Data is generated (deterministically, bench/gen_customers.py) under --workdir and reused.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dativo_dbt.artifacts.batches import expand_batched_artifacts

from bench import batched_project as bp

DBT = str(Path(sys.executable).with_name("dbt"))
PG_DSN = os.environ.get("DATIVO_PG_DSN", "host=127.0.0.1 port=5432 user=postgres dbname=postgres")
NOW = "2026-11-21 12:00:00"

# The same verdicts as the stripe contract's checks (bench/batched_project.stripe_checks), each
# written the fastest way by hand. Uniqueness is the count of duplicated keys.
HAND_DUCKDB = r"""
select
  count(*) not between 100 and 1000000                                                     as row_count,
  count(*) filter (where not regexp_matches(email, '^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$')) as email_format,
  count(*) filter (where not regexp_matches(email, '^[\w\.-]+@[\w\.-]+\.\w+$'))             as email_ge,
  count(email) > count(distinct email)                                                      as dup_emails,
  count(*) filter (where not (balance >= -10000 and balance <= 1000000))                    as amount_range,
  avg(balance) not between -100000 and 100000                                               as balance_mean,
  max(created) filter (where created <= timestamp '2026-11-21 12:00:00') < timestamp '2026-11-20 12:00:00' as freshness,
  max(created) filter (where created <= timestamp '2026-11-21 12:00:00') < timestamp '2026-11-21 10:00:00' as sla_freshness,
  count(*) filter (where id is null)                                                        as id_null,
  count(*) filter (where currency is null or currency not in ('USD', 'EUR', 'GBP', 'CAD'))  as currency_set,
  count(*) filter (where balance < -5000 or balance > 15000)                                as ml_feature
from raw.stripe_customers
"""
HAND_POSTGRES = r"""
select
  count(*) not between 100 and 1000000                                                     as row_count,
  count(*) filter (where not email ~ '^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$')   as email_format,
  count(*) filter (where not email ~ '^[\w\.-]+@[\w\.-]+\.\w+$')                           as email_ge,
  (select count(*) from (select email from {schema}.stripe_customers where email is not null
     group by email having count(*) > 1) d)                                                 as dup_emails,
  count(*) filter (where not (balance >= -10000 and balance <= 1000000))                    as amount_range,
  avg(balance) not between -100000 and 100000                                               as balance_mean,
  max(created) filter (where created <= timestamp '2026-11-21 12:00:00') < timestamp '2026-11-20 12:00:00' as freshness,
  max(created) filter (where created <= timestamp '2026-11-21 12:00:00') < timestamp '2026-11-21 10:00:00' as sla_freshness,
  count(*) filter (where id is null)                                                        as id_null,
  count(*) filter (where currency is null or currency not in ('USD', 'EUR', 'GBP', 'CAD'))  as currency_set,
  count(*) filter (where balance < -5000 or balance > 15000)                                as ml_feature
from {schema}.stripe_customers
"""


def dbt(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ,
        DBT_PROFILES_DIR=str(project),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DO_NOT_TRACK="1",
    )
    return subprocess.run([DBT, *args], cwd=project, env=env, capture_output=True, text=True)


def outcomes(project: Path) -> dict[str, tuple[str, Any]]:
    """test name -> (status, failures) of the last run, batched nodes expanded per check."""
    manifest = json.loads((project / "target" / "manifest.json").read_text())
    results = json.loads((project / "target" / "run_results.json").read_text())
    manifest, results = expand_batched_artifacts(manifest, results)
    out = {}
    for r in results["results"]:
        node = manifest["nodes"].get(r["unique_id"], {})
        if node.get("resource_type") == "test":
            out[node["name"]] = (r["status"], r.get("failures"))
    return out


# `dbt <args>` as the dbt console script runs it (the same click command), timing the invocation
# itself apart from starting Python and importing dbt (the same in every mode).
RUNNER = (
    "import sys, time\n"
    "from dbt.cli.main import dbtRunner\n"
    "start = time.perf_counter()\n"
    "dbtRunner().invoke(sys.argv[1:])\n"
    "print(f'DATIVO_INVOKE {time.perf_counter() - start:.6f}', flush=True)\n"
)


def _invoke(project: Path, command: list[str]) -> tuple[float, float, str]:
    """(wall, dbt invocation, output) of `dbt <command>` in its own Python process."""
    env = dict(
        os.environ,
        DBT_PROFILES_DIR=str(project),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DO_NOT_TRACK="1",
    )
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", RUNNER, *command],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    marks = [line for line in proc.stdout.splitlines() if line.startswith("DATIVO_INVOKE ")]
    if not marks:
        raise SystemExit(
            f"dbt build in {project} did not finish:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}"
        )
    return wall, float(marks[-1].split()[1]), proc.stdout


def run_dbt_test(project: Path, *, cold: bool = False) -> dict[str, Any]:
    # `build` without the governed view: the tests, plus the metrics model of batched-metrics mode
    # (its one pass belongs to the checks' cost)
    command = ["build", "-q", "--select", "resource_type:test", "dativo_metrics__stripe_customers"]
    wall, invoke, output = _invoke(project, command + (["--no-partial-parse"] if cold else []))
    results = json.loads((project / "target" / "run_results.json").read_text())
    errors = [r["unique_id"] for r in results["results"] if r["status"] == "error"]
    if errors or not any(r["unique_id"].startswith("test.") for r in results["results"]):
        raise SystemExit(f"dbt test in {project} errored: {errors}\n{output[-3000:]}")
    return {
        "wall": wall,
        "invoke": invoke,
        "warehouse": sum(float(r["execution_time"]) for r in results["results"]),
        "nodes": len(results["results"]),
        "outcomes": outcomes(project),
    }


def run_floor(project: Path, *, cold: bool = False) -> dict[str, Any]:
    """The same `dbt build` selecting nothing: dbt's fixed cost (start-up, project and profile,
    parse, manifest writes), which no execution mode avoids. per-check wall / floor wall is the
    most any mode could gain end to end."""
    command = ["build", "-q", "--select", "tag:dativo_bench_selects_nothing"]
    wall, invoke, _ = _invoke(project, command + (["--no-partial-parse"] if cold else []))
    return {"wall": wall, "invoke": invoke, "warehouse": 0.0, "nodes": 0, "outcomes": None}


def run_hand(adapter: str, data: Path, pg_schema: str) -> dict[str, Any]:
    if adapter == "duckdb":
        import duckdb

        con = duckdb.connect(str(data), read_only=True)
        start = time.perf_counter()
        con.execute(HAND_DUCKDB).fetchall()
        elapsed = time.perf_counter() - start
        con.close()
    else:
        import psycopg2

        con = psycopg2.connect(PG_DSN)
        with con.cursor() as cur:
            start = time.perf_counter()
            cur.execute(HAND_POSTGRES.replace("{schema}", pg_schema))
            cur.fetchall()
            elapsed = time.perf_counter() - start
        con.close()
    return {"wall": elapsed, "invoke": elapsed, "warehouse": elapsed, "nodes": 0, "outcomes": None}


def bench_case(
    label: str,
    adapter: str,
    rows: int,
    checks: list[Any],
    modes: list[str],
    args: argparse.Namespace,
    *,
    hand: bool,
) -> dict[str, Any]:
    work = Path(args.workdir)
    data = bp.prepare_duckdb(rows, work / f"customers_{rows}.duckdb")
    pg_raw = "dativo_bench_raw"
    if adapter == "postgres":
        pg_raw = bp.prepare_postgres(data, PG_DSN, schema=f"dativo_bench_raw_{rows}")
    projects = {}
    for mode in modes:
        path = work / f"{label}_{adapter}_{rows}_{mode}"
        bp.write_project(
            path,
            mode=mode,
            checks=checks,
            target=adapter,
            duckdb_path=work / f"customers_{rows}.duckdb",
            pg_schema=f"dativo_bench_{mode.replace('-', '_')}",
            raw_schema="raw" if adapter == "duckdb" else pg_raw,
            threads=args.threads,
            now=NOW,
            packages=args.packages,
        )
        for step in (("deps",), ("run",)):
            proc = dbt(path, *step)
            if proc.returncode:
                raise SystemExit(f"dbt {step[0]} failed in {path}:\n{proc.stdout[-3000:]}")
        projects[mode] = path
    samples: dict[str, list[dict[str, Any]]] = {
        m: [] for m in [*modes, *(["hand"] if hand else []), "floor"]
    }
    load_before = os.getloadavg()
    for _ in range(args.runs):
        for mode in modes:
            samples[mode].append(run_dbt_test(projects[mode], cold=args.cold))
        if hand:
            samples["hand"].append(run_hand(adapter, data, pg_raw))
        samples["floor"].append(run_floor(projects[modes[-1]], cold=args.cold))
    med = {
        m: {k: statistics.median(s[k] for s in runs) for k in ("wall", "invoke", "warehouse")}
        | {"nodes": runs[0]["nodes"]}
        for m, runs in samples.items()
    }
    reference = samples[modes[0]][-1]["outcomes"]
    same = {m: samples[m][-1]["outcomes"] == reference for m in modes}
    return {
        "label": label,
        "adapter": adapter,
        "rows": rows,
        "medians": med,
        "identical": same,
        "checks": len(reference),
        "cold": args.cold,
        "samples": {
            m: [{k: r[k] for k in ("wall", "invoke", "warehouse")} for r in runs]
            for m, runs in samples.items()
        },
        "loadavg": {"before": load_before, "after": os.getloadavg()},
    }


def report(case: dict[str, Any]) -> None:
    med = case["medians"]
    print(
        f"\n## {case['label']} on {case['adapter']}, {case['rows']:,} rows, {case['checks']} checks (medians)"
    )
    print(f"{'mode':<16}{'nodes':>6}{'wall s':>10}{'dbt s':>9}{'warehouse s':>13}   runs (wall)")
    for mode, m in med.items():
        runs = " ".join(f"{r['wall']:.2f}" for r in case["samples"][mode])
        print(
            f"{mode:<16}{m['nodes']:>6}{m['wall']:>10.2f}{m['invoke']:>9.2f}{m['warehouse']:>13.2f}   {runs}"
        )
    for other in ("batched", "batched-metrics"):
        if "per-check" in med and other in med:
            pc, b = med["per-check"], med[other]
            print(
                f"per-check / {other}: wall {pc['wall'] / b['wall']:.2f}x, dbt invocation "
                f"{pc['invoke'] / b['invoke']:.2f}x, warehouse {pc['warehouse'] / b['warehouse']:.2f}x"
            )
    if "per-check" in med and "floor" in med:
        print(
            "per-check / floor (a dbt build selecting nothing): wall "
            f"{med['per-check']['wall'] / med['floor']['wall']:.2f}x, dbt invocation "
            f"{med['per-check']['invoke'] / med['floor']['invoke']:.2f}x (the most any mode can gain)"
        )
    if "hand" in med and "batched" in med:
        print(
            f"batched / hand-written query: warehouse {med['batched']['warehouse'] / med['hand']['warehouse']:.2f}x"
        )
    before, after = case["loadavg"]["before"], case["loadavg"]["after"]
    print(f"load average (1, 5, 15 min) before {before}, after {after}")
    print(
        "identical per-check outcomes: "
        + ", ".join(f"{m}: {'yes' if ok else 'NO'}" for m, ok in case["identical"].items())
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--adapters", default="duckdb,postgres")
    parser.add_argument("--modes", default="per-check,batched,batched-metrics")
    parser.add_argument("--wide-rows", type=int, default=100000)
    parser.add_argument("--wide-checks", type=int, default=200, help="0 skips the wide contract")
    parser.add_argument("--workdir", default="/tmp/dativo_bench")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--quarantine",
        action="store_true",
        help="keep the contract's quarantine (store failing rows)",
    )
    parser.add_argument(
        "--cold",
        action="store_true",
        help="full parse on every run (--no-partial-parse), as on a fresh CI checkout",
    )
    parser.add_argument("--json", help="also write all medians to this file")
    args = parser.parse_args()
    Path(args.workdir).mkdir(parents=True, exist_ok=True)
    args.packages = bp.snapshot_packages(Path(args.workdir) / "packages")
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    checks = bp.stripe_checks()
    if not args.quarantine:
        checks = [(col, bp.without_quarantine(entry)) for col, entry in checks]
    cases = []
    started = time.perf_counter()
    for adapter in [a.strip() for a in args.adapters.split(",") if a.strip()]:
        for rows in [int(s) for s in args.sizes.split(",") if s.strip()]:
            case = bench_case("stripe_customers", adapter, rows, checks, modes, args, hand=True)
            report(case)
            cases.append(case)
        if args.wide_checks:
            case = bench_case(
                f"wide{args.wide_checks}",
                adapter,
                args.wide_rows,
                bp.wide_checks(args.wide_checks),
                modes,
                args,
                hand=False,
            )
            report(case)
            cases.append(case)
        sys.stdout.flush()
    print(f"\ntotal bench time {time.perf_counter() - started:.0f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(cases, indent=2, default=str))


if __name__ == "__main__":
    main()
