#!/usr/bin/env python3
"""Per-check vs batched execution on Spark (dbt-spark `session` method, a local pyspark session),
with a hand-written Spark SQL query as the lower bound: the Spark case of checks_vs_per_test.py.

The same stripe_customers contract checks (bench/batched_project.py) over the same synthetic data
(bench/gen_customers.py, written once as Parquet under --workdir). Each project reads it through an
external table `raw.stripe_customers` (`using parquet location ...`) in its own metastore. Per mode,
`--runs` times, alternating: `dbt build` of the tests (as checks_vs_per_test.run_dbt_test) and the
hand-written query in one pyspark session of this process (warmed up by one untimed run). Medians:

* wall      — `dbt build` process start to exit (includes starting the JVM and the Spark session,
  ~10 s here, the same in every mode); for the hand-written query: the query alone,
* dbt       — the dbt invocation inside the process (dbtRunner().invoke),
* warehouse — the summed `execution_time` of all nodes in run_results.json.

Every mode must give the same outcome (status, failures) per check.

usage: bench/spark_checks.py [--rows 1000000] [--runs 3] [--modes per-check,batched]
       [--workdir /tmp/dativo_bench_spark] [--json out.json]
Needs `pip install -e ".[spark]"` and a Java 17 runtime.
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

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import batched_project as bp
from bench.checks_vs_per_test import NOW, dbt, run_dbt_test

HAND_SPARK = r"""
select
  count(*) not between 100 and 1000000                                                     as row_count,
  count(*) filter (where not email rlike '^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,}$') as email_format,
  count(*) filter (where not email rlike '^[\\w\\.-]+@[\\w\\.-]+\\.\\w+$')                 as email_ge,
  count(email) > count(distinct email)                                                      as dup_emails,
  count(*) filter (where not (balance >= -10000 and balance <= 1000000))                    as amount_range,
  avg(balance) not between -100000 and 100000                                               as balance_mean,
  max(created) filter (where created <= timestamp '2026-11-21 12:00:00') < timestamp '2026-11-20 12:00:00' as freshness,
  max(created) filter (where created <= timestamp '2026-11-21 12:00:00') < timestamp '2026-11-21 10:00:00' as sla_freshness,
  count(*) filter (where id is null)                                                        as id_null,
  count(*) filter (where currency is null or currency not in ('USD', 'EUR', 'GBP', 'CAD'))  as currency_set,
  count(*) filter (where balance < -5000 or balance > 15000)                                as ml_feature
from stripe_customers
"""

SPARK_CONF = {
    "spark.sql.shuffle.partitions": "2",
    "spark.ui.enabled": "false",
    "spark.driver.memory": "1g",
    "spark.sql.session.timeZone": "UTC",
}

RAW_MACRO = """{% macro bench_raw(location) %}
  {% do run_query('create schema if not exists raw') %}
  {% do run_query("create table if not exists raw.stripe_customers using parquet location '" ~ location ~ "'") %}
{% endmacro %}
"""


def prepare_parquet(rows: int, work: Path) -> Path:
    """The synthetic table as one Parquet file (written once, reused)."""
    out = work / f"customers_{rows}.parquet"
    if not out.exists():
        subprocess.run(
            [
                sys.executable,
                str(bp.REPO_ROOT / "bench" / "gen_customers.py"),
                str(rows),
                str(work / f"gen_{rows}.duckdb"),
                str(out),
            ],
            check=True,
            capture_output=True,
        )
    return out


def spark_project(path: Path, mode: str, parquet: Path, threads: int, packages: list[Path]) -> Path:
    """batched_project.write_project's project, with a Spark session profile and the raw table."""
    checks = [(col, bp.without_quarantine(entry)) for col, entry in bp.stripe_checks()]
    bp.write_project(
        path,
        mode=mode,
        checks=checks,
        target="spark",
        raw_schema="raw",
        threads=threads,
        now=NOW,
        packages=packages,
        macros={"bench_raw.sql": RAW_MACRO},
    )
    output = {"type": "spark", "method": "session", "host": "NA", "schema": "dativo_bench"}
    output |= {"threads": threads, "server_side_parameters": SPARK_CONF}
    profiles = {"dativo_bench": {"target": "spark", "outputs": {"spark": output}}}
    (path / "profiles.yml").write_text(yaml.safe_dump(profiles, sort_keys=False))
    for step in (
        ("deps",),
        ("run-operation", "bench_raw", "--args", json.dumps({"location": str(parquet)})),
        ("run",),
    ):
        proc = dbt(path, *step)
        if proc.returncode:
            raise SystemExit(f"dbt {step[0]} failed in {path}:\n{proc.stdout[-3000:]}")
    return path


def hand_session(parquet: Path) -> Any:
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master("local[*]")
    for key, value in SPARK_CONF.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.read.parquet(str(parquet)).createOrReplaceTempView("stripe_customers")
    spark.sql(HAND_SPARK).collect()  # warm-up: JIT, file listing, codegen
    return spark


def run_hand(spark: Any) -> dict[str, Any]:
    start = time.perf_counter()
    spark.sql(HAND_SPARK).collect()
    elapsed = time.perf_counter() - start
    return {"wall": elapsed, "invoke": elapsed, "warehouse": elapsed, "nodes": 0, "outcomes": None}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--modes", default="per-check,batched")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--workdir", default="/tmp/dativo_bench_spark")
    parser.add_argument("--json", help="also write the medians and samples to this file")
    args = parser.parse_args()
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    packages = bp.snapshot_packages(work / "packages")
    parquet = prepare_parquet(args.rows, work)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    projects = {
        m: spark_project(work / f"spark_{args.rows}_{m}", m, parquet, args.threads, packages)
        for m in modes
    }
    spark = hand_session(parquet)
    samples: dict[str, list[dict[str, Any]]] = {m: [] for m in [*modes, "hand"]}
    load_before = os.getloadavg()
    for _ in range(args.runs):
        for mode in modes:
            samples[mode].append(run_dbt_test(projects[mode]))
        samples["hand"].append(run_hand(spark))
    spark.stop()
    med = {
        m: {k: statistics.median(s[k] for s in runs) for k in ("wall", "invoke", "warehouse")}
        | {"nodes": runs[0]["nodes"]}
        for m, runs in samples.items()
    }
    reference = samples[modes[0]][-1]["outcomes"]
    case = {
        "adapter": "spark",
        "rows": args.rows,
        "medians": med,
        "identical": {m: samples[m][-1]["outcomes"] == reference for m in modes},
        "checks": len(reference),
        "samples": {
            m: [{k: r[k] for k in ("wall", "invoke", "warehouse")} for r in s]
            for m, s in samples.items()
        },
        "loadavg": {"before": load_before, "after": os.getloadavg()},
    }
    print(
        f"## stripe_customers on spark (session), {args.rows:,} rows, {case['checks']} checks (medians)"
    )
    print(f"{'mode':<12}{'nodes':>6}{'wall s':>10}{'dbt s':>9}{'warehouse s':>13}   runs (wall)")
    for mode, m in med.items():
        runs = " ".join(f"{r['wall']:.2f}" for r in case["samples"][mode])
        print(
            f"{mode:<12}{m['nodes']:>6}{m['wall']:>10.2f}{m['invoke']:>9.2f}{m['warehouse']:>13.2f}   {runs}"
        )
    print(f"load average before {case['loadavg']['before']}, after {case['loadavg']['after']}")
    print(
        "identical per-check outcomes: "
        + ", ".join(f"{m}: {'yes' if ok else 'NO'}" for m, ok in case["identical"].items())
    )
    if args.json:
        Path(args.json).write_text(json.dumps(case, indent=2, default=str))


if __name__ == "__main__":
    main()
