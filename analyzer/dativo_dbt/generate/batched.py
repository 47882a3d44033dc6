"""Batched execution planning: fewer scans and fewer dbt nodes per contract, same per-check outcomes.

`dativo-dbt generate --execution MODE`, else `execution:` in the contract, else
`vars.dativo_dbt_execution` of dbt_project.yml, else the default:

* ``per-check`` (the default) — one dbt test node (and one query) per check: dbt's own behaviour,
  what dbt's console, dbt Cloud, Elementary and dbt-ol show.
* ``batched`` (opt-in, for warehouse time and cost) — every aggregate-style check of a model is
  evaluated in ONE query by ONE test node (``dativo_dbt.batched_checks``); its status is `fail`
  when an error-severity check failed and `warn` when only warn-severity checks did. The
  generator writes that query (``batch_sql.py``) with each check's per-check predicate, so each
  failure count is the one its per-check test would report, and each check's failing-rows query.
  The node's ``meta.dativo.batch`` lists the checks (test name, generic test, dbt severity, meta);
  what the node recorded while dbt ran it is read back ONCE, in ``artifacts/batches.py``, into
  one per-check record each: every consumer sees per-check results, as in per-check mode.
* ``batched-metrics`` — one table ``dativo_metrics__<model>`` computed in one pass, and every check
  keeps its own (cheap) test node reading its row: per-check nodes stay in run_results.json, the
  model is scanned once, but the per-node overhead stays.

Checks that cannot be batched (multi-row, distributional and cross-table tests, tests with
``where``/``limit``/``fail_calc``/``warn_if``/``error_if`` configs, values only dbt can render,
checks whose contract says ``execution: per-check``) keep their own node in every mode. A
contract's custom generic test runs inside the batch, as its own subquery, when
``custom_tests.foldable`` finds its definition free of ``config()``/``ref()``/``source()``.

The functions here work on the generated properties structure (the dict the writer dumps to
``_dativo__<model>.yml``), so they apply to whatever the mapping table produced; contract values
stay the test arguments the mapping produced with ``literals`` (already safe SQL).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from dativo_dbt.artifacts.batches import MIXED_ERROR_IF
from dativo_dbt.artifacts.interface import BATCH_NAMESPACE, BATCH_TEST_NAME
from dativo_dbt.generate.batch_sql import (
    Unbatchable,
    relation_of,
    render_batch,
    render_failing_rows,
)

ExecutionMode = Literal["per-check", "batched", "batched-metrics"]
EXECUTION_MODES: tuple[str, ...] = ("per-check", "batched", "batched-metrics")
# What `generate` offers (batched-metrics needs an extra model file per governed model: bench/API).
GENERATE_MODES: tuple[str, ...] = ("per-check", "batched")
# One dbt test per check: the shape dbt's console, dbt Cloud, Elementary and dbt-ol show. `batched`
# is the opt-in for warehouse time and cost (README `Execution modes and performance`).
DEFAULT_EXECUTION: ExecutionMode = "per-check"
PROJECT_VAR = "dativo_dbt_execution"

BATCH_TEST = f"{BATCH_NAMESPACE}.{BATCH_TEST_NAME}"
METRIC_TEST = "dativo_dbt.batched_metric"

# Test configs a batched check may carry (anything else changes how dbt counts failures).
_BATCHABLE_CONFIG = {"severity", "tags", "meta", "store_failures", "schema", "enabled"}


class BatchError(ValueError):
    """An execution mode or a batch the planner cannot honour (message says why)."""


# --------------------------------------------------------------------------------------------
# The tests that can be batched: dbt test name -> check spec (the macro's `kind` and arguments)

Spec = dict[str, Any]
_Converter = Callable[[str | None, Mapping[str, Any]], Spec | None]


def _only(args: Mapping[str, Any], allowed: Iterable[str]) -> bool:
    return set(args) <= set(allowed)


def _row_condition(args: Mapping[str, Any], spec: Spec) -> Spec:
    if args.get("row_condition"):
        spec["row_condition"] = args["row_condition"]
    return spec


def _not_null(column: str | None, args: Mapping[str, Any]) -> Spec | None:
    if column is None or not _only(args, {"row_condition"}):
        return None
    return _row_condition(args, {"kind": "not_null", "column": column})


def _regex(kind: str) -> _Converter:
    def convert(column: str | None, args: Mapping[str, Any]) -> Spec | None:
        if (
            column is None
            or "regex" not in args
            or not _only(args, {"regex", "row_condition", "is_raw", "flags"})
        ):
            return None
        spec = {"kind": kind, "column": column, "regex": args["regex"]}
        if args.get("is_raw"):
            spec["is_raw"] = True
        if args.get("flags"):
            spec["flags"] = args["flags"]
        return _row_condition(args, spec)

    return convert


def _between(column: str | None, args: Mapping[str, Any]) -> Spec | None:
    allowed = {"min_value", "max_value", "strictly", "row_condition"}
    if column is None or not _only(args, allowed) or not _has_bound(args):
        return None
    return _row_condition(args, {"kind": "between", "column": column, **_bounds(args)})


def _set(kind: str) -> _Converter:
    def convert(column: str | None, args: Mapping[str, Any]) -> Spec | None:
        if column is None or not isinstance(args.get("value_set"), list):
            return None
        if not _only(args, {"value_set", "quote_values", "row_condition"}):
            return None
        spec: Spec = {"kind": kind, "column": column, "value_set": list(args["value_set"])}
        if args.get("quote_values", True) is False:
            spec["quote_values"] = False
        return _row_condition(args, spec)

    return convert


def _accepted_values(column: str | None, args: Mapping[str, Any]) -> Spec | None:
    values = args.get("values")
    if column is None or not isinstance(values, list) or not _only(args, {"values", "quote"}):
        return None
    if args.get("quote", True) is not True:
        return None
    return {"kind": "accepted_values", "column": column, "value_set": list(values)}


def _unique_column(column: str | None, args: Mapping[str, Any]) -> Spec | None:
    if column is None or not _only(args, {"row_condition"}):
        return None
    return _row_condition(args, {"kind": "unique", "columns": [column]})


def _dbt_unique(column: str | None, args: Mapping[str, Any]) -> Spec | None:
    if column is None or args:
        return None
    return {"kind": "unique", "columns": [column]}


def _dbt_not_null(column: str | None, args: Mapping[str, Any]) -> Spec | None:
    if column is None or args:
        return None
    return {"kind": "not_null", "column": column}


def _compound_unique(column: str | None, args: Mapping[str, Any]) -> Spec | None:
    cols = args.get("column_list")
    if column is not None or not isinstance(cols, list) or not cols:
        return None
    if not _only(
        args, {"column_list", "ignore_row_if", "row_condition", "quote_columns"}
    ) or args.get("quote_columns"):
        return None
    spec: Spec = {"kind": "unique", "columns": list(cols)}
    if args.get("ignore_row_if"):
        spec["ignore_row_if"] = args["ignore_row_if"]
    return _row_condition(args, spec)


def _aggregate(agg: str, *, table: bool = False) -> _Converter:
    def convert(column: str | None, args: Mapping[str, Any]) -> Spec | None:
        if (column is None) != table or args.get("group_by"):
            return None
        if not _only(
            args, {"min_value", "max_value", "strictly", "row_condition", "group_by"}
        ) or not _has_bound(args):
            return None
        spec: Spec = {"kind": "aggregate", "agg": agg, **_bounds(args)}
        if column is not None:
            spec["column"] = column
        return _row_condition(args, spec)

    return convert


def _row_count_equal(column: str | None, args: Mapping[str, Any]) -> Spec | None:
    if (
        column is not None
        or args.get("group_by")
        or not _only(args, {"value", "row_condition", "group_by"})
    ):
        return None
    value = args.get("value")
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return _row_condition(
        args, {"kind": "aggregate", "agg": "count", "min_value": value, "max_value": value}
    )


def _recent(column: str | None, args: Mapping[str, Any]) -> Spec | None:
    if column is None or not _only(args, {"datepart", "interval", "row_condition"}):
        return None
    if (
        not isinstance(args.get("datepart"), str)
        or isinstance(args.get("interval"), bool)
        or not isinstance(args.get("interval"), int)
    ):
        return None
    return _row_condition(
        args,
        {
            "kind": "recent",
            "column": column,
            "datepart": args["datepart"],
            "interval": args["interval"],
        },
    )


def _dativo_recent(column: str | None, args: Mapping[str, Any]) -> Spec | None:
    if column is None or not _only(args, {"datepart", "interval"}):
        return None
    datepart, interval = args.get("datepart", "hour"), args.get("interval", 24)
    if (
        not isinstance(datepart, str)
        or isinstance(interval, bool)
        or not isinstance(interval, int | float)
    ):
        return None
    return {"kind": "dativo_recent", "column": column, "datepart": datepart, "interval": interval}


def _min_records_per_day(column: str | None, args: Mapping[str, Any]) -> Spec | None:
    if column is None or not _only(args, {"min_records", "lookback_days"}):
        return None
    values = [args.get("min_records"), args.get("lookback_days", 7)]
    if any(isinstance(v, bool) or not isinstance(v, int | float) for v in values):
        return None
    return {
        "kind": "min_records_per_day",
        "column": column,
        "min_records": values[0],
        "lookback_days": values[1],
    }


_DBT_FUNCTION = re.compile(r"^\s*(env_var|ref|var|source|doc)\s*\(.+\)\s*$")


def _custom(test: str) -> _Converter:
    """A custom generic test of the project, counted as its own subquery of the batch: dbt's
    count(*) of the rows it returns, exactly its per-check failure count."""

    def convert(column: str | None, args: Mapping[str, Any]) -> Spec | None:
        if "column_name" in args or "model" in args:
            return None
        # dbt renders `ref(...)`-like strings as calls: only dbt can pass those
        if any(isinstance(v, str) and _DBT_FUNCTION.match(v) for v in args.values()):
            return None
        package, _, macro = test.rpartition(".")
        spec: Spec = {
            "kind": "custom",
            "macro": (package + "." if package else "") + "test_" + macro,
            "arguments": dict(args),
        }
        if column is not None:
            spec["column"] = column
        return spec

    return convert


def _has_bound(args: Mapping[str, Any]) -> bool:
    return args.get("min_value") is not None or args.get("max_value") is not None


def _bounds(args: Mapping[str, Any]) -> Spec:
    out: Spec = {}
    for key in ("min_value", "max_value"):
        if args.get(key) is not None:
            out[key] = args[key]
    if args.get("strictly"):
        out["strictly"] = True
    return out


DE = "dbt_expectations."
# The one table of batchable tests (the test name as written in the properties file).
BATCHABLE: dict[str, _Converter] = {
    "not_null": _dbt_not_null,
    "unique": _dbt_unique,
    "accepted_values": _accepted_values,
    DE + "expect_column_values_to_not_be_null": _not_null,
    DE + "expect_column_values_to_match_regex": _regex("regex"),
    DE + "expect_column_values_to_not_match_regex": _regex("not_regex"),
    DE + "expect_column_values_to_be_between": _between,
    DE + "expect_column_values_to_be_in_set": _set("in_set"),
    DE + "expect_column_values_to_not_be_in_set": _set("not_in_set"),
    DE + "expect_column_values_to_be_unique": _unique_column,
    DE + "expect_compound_columns_to_be_unique": _compound_unique,
    DE + "expect_table_row_count_to_be_between": _aggregate("count", table=True),
    DE + "expect_table_row_count_to_equal": _row_count_equal,
    DE + "expect_column_min_to_be_between": _aggregate("min"),
    DE + "expect_column_max_to_be_between": _aggregate("max"),
    DE + "expect_column_mean_to_be_between": _aggregate("avg"),
    DE + "expect_column_sum_to_be_between": _aggregate("sum"),
    DE + "expect_column_stdev_to_be_between": _aggregate("stddev"),
    DE + "expect_row_values_to_have_recent_data": _recent,
    "dativo_dbt.recent_data": _dativo_recent,
    "dativo_dbt.min_records_per_day": _min_records_per_day,
}


# --------------------------------------------------------------------------------------------
# Planning: properties dict -> properties dict in the chosen mode


def resolve_execution(execution: str | None, project_dir: Path | None = None) -> str:
    """The mode: `execution` (the CLI flag), else var `dativo_dbt_execution` of the project's
    dbt_project.yml, else DEFAULT_EXECUTION. A bad value is a DativoError naming where it came from."""
    from dativo_dbt.errors import DativoError

    source: str | None = None
    if execution is None and project_dir is not None:
        project_file = project_dir / "dbt_project.yml"
        try:
            data = yaml.safe_load(project_file.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError, UnicodeDecodeError):
            data = None
        found = (
            ((data or {}).get("vars") or {}).get(PROJECT_VAR) if isinstance(data, dict) else None
        )
        if found is not None:
            execution, source = str(found), str(project_file)
    if execution is None:
        return DEFAULT_EXECUTION
    if execution not in GENERATE_MODES:
        raise DativoError(
            f"execution mode {execution!r} is not one of {', '.join(GENERATE_MODES)}"
            + (f" (vars.{PROJECT_VAR})" if source else ""),
            path=source,
        )
    return execution


@dataclass
class _Check:
    test: str  # the generic test as written (`unique`, `dbt_expectations.expect_...`)
    column: str | None  # the column the per-check test is attached to
    test_name: str  # the per-check test's node name
    severity: str  # dbt severity: error | warn
    spec: Spec
    meta: dict[str, Any]
    tags: list[str]
    schema: str | None = None  # the quarantine schema config of a check with store_failures


def _split_test(entry: Any) -> tuple[str, dict[str, Any]] | None:
    """(`test name`, body) of a `data_tests:` entry, or None for forms we leave alone."""
    if isinstance(entry, str):
        return entry, {}
    if isinstance(entry, Mapping) and len(entry) == 1:
        name, body = next(iter(entry.items()))
        if isinstance(body, Mapping):
            return str(name), dict(body)
    return None


def to_check(
    test: str,
    column: str | None,
    body: Mapping[str, Any],
    *,
    custom_tests: Collection[str] = (),
) -> _Check | None:
    """The batched form of one generated test, or None when it must keep its own query.
    `custom_tests`: the custom generic tests that may run inside a batch (see custom_tests.py)."""
    config = dict(body.get("config") or {})
    meta = (config.get("meta") or {}).get("dativo")
    name = body.get("name")
    if not isinstance(meta, Mapping) or not meta.get("check") or not name:
        return None
    convert = BATCHABLE.get(test)
    if convert is None and test in custom_tests and meta.get("check_type") == "custom":
        convert = _custom(test)
    if convert is None:
        return None
    if not set(config) <= _BATCHABLE_CONFIG or config.get("enabled", True) is not True:
        return None
    if set(body) - {"name", "arguments", "config", "description"}:
        return None  # old-style top-level arguments: leave as written
    spec = convert(column, dict(body.get("arguments") or {}))
    if spec is None:
        return None
    severity = str(config.get("severity", "error")).lower()
    # keyed by the test name (unique in the project; check names are unique per contract only)
    spec = {"name": str(name), **spec}
    if config.get("store_failures"):
        spec["sample"] = str(name)
    schema = config.get("schema")
    return _Check(
        test,
        column,
        str(name),
        severity,
        spec,
        dict(meta),
        list(config.get("tags") or []),
        str(schema) if schema else None,
    )


def apply_execution(
    properties: Mapping[str, Any],
    mode: str,
    *,
    custom_tests: Collection[str] = (),
) -> tuple[dict[str, Any], dict[str, str]]:
    """Rewrite a generated properties dict (`{version, models|sources: [...]}`) for `mode`.

    Returns the new properties and the extra files to write beside it (name -> text): the metrics
    model of each governed model in ``batched-metrics`` mode, nothing otherwise. Source tables are
    batched in ``batched`` mode; in ``batched-metrics`` mode they keep per-check tests.
    `custom_tests`: custom generic tests that may run inside a batch (custom_tests.foldable).
    """
    if mode not in EXECUTION_MODES:
        raise BatchError(
            f"unknown execution mode {mode!r}; expected one of {', '.join(EXECUTION_MODES)}"
        )
    out = copy.deepcopy(dict(properties))
    files: dict[str, str] = {}
    if mode == "per-check":
        return out, files
    if mode == "batched":
        for source in out.get("sources") or []:
            for table in source.get("tables") or []:
                _batch_model(table, relation_of(table, str(source["name"])), custom_tests)
    for model in out.get("models") or []:
        if mode == "batched":
            _batch_model(model, relation_of(model), custom_tests)
        else:
            sql = _metrics_model(model, custom_tests)
            if sql is not None:
                files[f"dativo_metrics__{model['name']}.sql"] = sql
    if files:
        out.setdefault("models", []).extend(
            {
                "name": f.removesuffix(".sql"),
                "description": "dativo-dbt batched check metrics (one row per check)",
                "config": {"tags": ["dativo"]},
            }
            for f in sorted(files)
        )
    return out, files


def _collect(model: dict[str, Any], relation: str, custom_tests: Collection[str]) -> list[_Check]:
    """Remove the batchable tests of a model (and its columns) and return them in order."""
    checks: list[_Check] = []

    def take(tests: list[Any], column: str | None) -> list[Any]:
        kept = []
        for entry in tests:
            split = _split_test(entry)
            check = (
                to_check(split[0], column, split[1], custom_tests=custom_tests) if split else None
            )
            if check is not None and not _opted_out(check) and _renders(check, relation):
                checks.append(check)
            else:
                kept.append(entry)
        return kept

    for key in ("data_tests", "tests"):
        if model.get(key):
            model[key] = take(model[key], None)
    for column in model.get("columns") or []:
        for key in ("data_tests", "tests"):
            if column.get(key):
                column[key] = take(column[key], str(column["name"]))
    names = [c.test_name for c in checks]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise BatchError(f"model {model.get('name')}: test names repeat ({', '.join(dupes)})")
    return checks


def _opted_out(check: _Check) -> bool:
    """A check whose contract says `execution: per-check` keeps its own test."""
    return check.meta.get("execution") == "per-check"


def _renders(check: _Check, relation: str) -> bool:
    """Whether the batch can write this check's SQL (else it keeps its own test)."""
    try:
        render_batch([check.spec], relation)
        if "sample" in check.spec:
            render_failing_rows(check.spec, relation)
    except Unbatchable:
        return False
    return True


def batch_name(checks: list[_Check]) -> str:
    """`<prefix>__batched`: the prefix of the checks' test names (`dativo_<contract>`)."""
    first = checks[0].test_name
    prefix = (
        first.rsplit("__", 1)[0]
        if "__" in first
        else "dativo_" + str(checks[0].meta.get("contract"))
    )
    return f"{prefix}__batched"


def _batch_model(model: dict[str, Any], relation: str, custom_tests: Collection[str]) -> None:
    """Replace the batchable tests of a model by ONE batch test: one scan and one dbt node for
    error and warn checks alike (see `severity_config`)."""
    group = _collect(model, relation, custom_tests)
    if not group:
        return
    tests = model.setdefault("data_tests", [])
    name = batch_name(group)
    first = group[0].meta
    meta = {
        "contract": first.get("contract"),
        "contract_version": first.get("contract_version"),
        "check": name,
        "check_type": "batched",
        "origin": "batched",
        # JSON text, not a list: dbt writes a test's config into its raw_code as a config() call
        # and compiles it on every run; a list of 100 checks' meta cost 0.2 s per batch
        "batch": json.dumps(
            [
                {
                    "test_name": c.test_name,
                    "test": c.test,
                    **({"column_name": c.column} if c.column is not None else {}),
                    **({} if c.severity == "error" else {"dbt_severity": c.severity}),
                    **c.meta,
                }
                for c in group
            ],
            separators=(",", ":"),
        ),
    }
    warn = [c.test_name for c in group if c.severity != "error"]
    config: dict[str, Any] = {
        **severity_config(len(warn), len(group)),
        "tags": sorted({t for c in group for t in c.tags}),
        "meta": {"dativo": meta},
    }
    # each row says whether its check is an error check (column dativo_error)
    sql = render_batch([c.spec for c in group], relation, warn=set(warn))
    arguments: dict[str, Any] = {"sql": sql}
    samples = [c for c in group if "sample" in c.spec]
    failing_rows = _failing_rows([c for c in group if "sample" not in c.spec], relation)
    if failing_rows:
        # recorded for failing checks only: their reproduce SQL (a sample's is its `sql`)
        arguments["failing_rows"] = failing_rows
    if samples:
        # written only for checks that fail; dbt creates the quarantine schema before the run.
        # column(s): how dativo_dbt.valid_rows matches the stored rows to the model's rows
        arguments["samples"] = [_sample(c, relation) for c in samples]
        config.update(store_failures=True, schema=samples[0].schema)
    tests.append({BATCH_TEST: {"name": name, "arguments": arguments, "config": config}})


# The node status of a batch holding error and warn checks: `fail` when an error check failed,
# `warn` when only warn checks did. dbt evaluates `<fail_calc> <error_if>` over the test's rows
# (one per failing check, `dativo_error` 1 for an error check), so this stays one node and one
# scan: MIXED_ERROR_IF (artifacts.batches, which removes it again when expanding).


def severity_config(warn_checks: int, checks: int) -> dict[str, str]:
    """dbt config of a batch node with `warn_checks` warn-severity checks out of `checks`."""
    if warn_checks == checks:
        return {"severity": "warn"}
    if warn_checks == 0:
        return {"severity": "error"}
    return {"severity": "error", "error_if": MIXED_ERROR_IF}


def _failing_rows(checks: list[_Check], relation: str) -> dict[str, str]:
    """test name -> the rows the check fails (what its per-check test's SQL selects)."""
    out: dict[str, str] = {}
    for check in checks:
        try:
            out[check.test_name] = render_failing_rows(check.spec, relation)
        except Unbatchable:
            continue
    return out


def _sample(check: _Check, relation: str) -> dict[str, Any]:
    """A quarantine sample of a batch: the check's test name, failing-row query and column(s)."""
    sample: dict[str, Any] = {
        "name": check.test_name,
        "sql": render_failing_rows(check.spec, relation),
    }
    for key in ("column", "columns"):
        if check.spec.get(key):
            sample[key] = check.spec[key]
    return sample


def _metrics_model(model: dict[str, Any], custom_tests: Collection[str]) -> str | None:
    """batched-metrics: each batchable test becomes a batched_metric test (same name and config)
    reading its row of `dativo_metrics__<model>`; returns that model's file (None: no checks)."""
    name = str(model["name"])
    relation = relation_of(model)
    ref = "{{ ref('dativo_metrics__" + name + "') }}"
    specs: list[Spec] = []

    def rewrite(tests: list[Any], column: str | None) -> list[Any]:
        out = []
        for entry in tests:
            split = _split_test(entry)
            check = (
                to_check(split[0], column, split[1], custom_tests=custom_tests) if split else None
            )
            if check is None or split is None or _opted_out(check) or not _renders(check, relation):
                out.append(entry)
                continue
            specs.append(check.spec)
            body = split[1]
            arguments: dict[str, Any] = {"metrics": ref, "check_name": check.test_name}
            if "sample" in check.spec:
                # the test writes the quarantine sample itself (only when the check fails)
                arguments["sample"] = render_failing_rows(check.spec, relation)
            config = {
                k: v
                for k, v in (body.get("config") or {}).items()
                if k not in ("store_failures", "schema")
            }
            out.append(
                {METRIC_TEST: {"name": body["name"], "arguments": arguments, "config": config}}
            )
        return out

    for key in ("data_tests", "tests"):
        if model.get(key):
            model[key] = rewrite(model[key], None)
    for column in model.get("columns") or []:
        for key in ("data_tests", "tests"):
            if column.get(key):
                column[key] = rewrite(column[key], str(column["name"]))
    if not specs:
        return None
    return (
        "-- generated by dativo-dbt (execution: batched-metrics); do not edit\n"
        "{{ config(materialized='table') }}\n" + render_batch(specs, relation) + "\n"
    )
