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

Checks that cannot be batched keep their own node in every mode (``batch_specs``: which tests a
batch runs, and as what). The mode is chosen in ``execution``; ``metrics_model`` writes the
batched-metrics form.

The planner here works on the generated properties structure (the dict the writer dumps to
``_dativo__<model>.yml``), so they apply to whatever the mapping table produced; contract values
stay the test arguments the mapping produced with ``literals`` (already safe SQL).
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping
from typing import Any

from dativo_dbt.artifacts.interface import (
    BATCH_NAMESPACE,
    BATCH_TEST_NAME,
    MIXED_ERROR_IF,
    BatchEntry,
    TestMeta,
    encode_batch,
)
from dativo_dbt.generate.batch_specs import BatchCheck, batchable, to_check
from dativo_dbt.generate.batch_sql import (
    Unbatchable,
    relation_of,
    render_batch,
    render_failing_rows,
)
from dativo_dbt.generate.execution import EXECUTION_MODES
from dativo_dbt.generate.metrics_model import metrics_models
from dativo_dbt.generate.node_tests import rewrite_tests, split_test

BATCH_TEST = f"{BATCH_NAMESPACE}.{BATCH_TEST_NAME}"
# A batch node's meta.dativo: no dimension/severity/weight/column of its own (its checks have).
_BATCH_META_KEYS = ("contract", "contract_version", "check", "check_type", "origin", "batch")


class BatchError(ValueError):
    """An execution mode or a batch the planner cannot honour (message says why)."""


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
    if mode == "per-check":
        return out, {}
    if mode == "batched-metrics":
        return out, metrics_models(out, custom_tests)
    for source in out.get("sources") or []:
        for table in source.get("tables") or []:
            _batch_model(table, relation_of(table, str(source["name"])), custom_tests)
    for model in out.get("models") or []:
        _batch_model(model, relation_of(model), custom_tests)
    return out, {}


def _collect(
    model: dict[str, Any], relation: str, custom_tests: Collection[str]
) -> list[BatchCheck]:
    """Remove the batchable tests of a model (and its columns) and return them in order."""
    checks: list[BatchCheck] = []

    def take(tests: list[Any], column: str | None) -> list[Any]:
        kept = []
        for entry in tests:
            split = split_test(entry)
            check = (
                to_check(split[0], column, split[1], custom_tests=custom_tests) if split else None
            )
            if check is not None and batchable(check, relation):
                checks.append(check)
            else:
                kept.append(entry)
        return kept

    rewrite_tests(model, take)
    names = [c.test_name for c in checks]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise BatchError(f"model {model.get('name')}: test names repeat ({', '.join(dupes)})")
    return checks


def batch_name(checks: list[BatchCheck]) -> str:
    """`<prefix>__batched`: the prefix of the checks' test names (`dativo_<contract>`)."""
    first = checks[0].test_name
    prefix = first.rsplit("__", 1)[0] if "__" in first else "dativo_" + str(checks[0].meta.contract)
    return f"{prefix}__batched"


def _batch_model(model: dict[str, Any], relation: str, custom_tests: Collection[str]) -> None:
    """Replace the batchable tests of a model by ONE batch test: one scan and one dbt node for
    error and warn checks alike (see `severity_config`)."""
    group = _collect(model, relation, custom_tests)
    if not group:
        return
    tests = model.setdefault("data_tests", [])
    name = batch_name(group)
    warn = [c.test_name for c in group if c.severity != "error"]
    config: dict[str, Any] = {
        **severity_config(len(warn), len(group)),
        "tags": sorted({t for c in group for t in c.tags}),
        "meta": {"dativo": _batch_meta(name, group)},
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


def _batch_meta(name: str, group: list[BatchCheck]) -> dict[str, Any]:
    """The batch node's meta.dativo: its contract, `check_type`/`origin` `batched`, and `batch`,
    its checks (artifacts.interface.BatchEntry) as JSON text. (JSON text, not a list: dbt writes a
    test's config into its raw_code as a config() call and compiles it on every run; a list of
    100 checks' meta cost 0.2 s per batch.)"""
    entries = [
        BatchEntry(
            test_name=c.test_name,
            test=c.test,
            column_name=c.column,
            dbt_severity=None if c.severity == "error" else c.severity,
            meta=c.meta,
        )
        for c in group
    ]
    meta = TestMeta(
        contract=group[0].meta.contract,
        contract_version=group[0].meta.contract_version,
        check=name,
        check_type="batched",
        origin="batched",
        batch=encode_batch(entries),
    ).to_dict()
    return {key: meta[key] for key in _BATCH_META_KEYS}


# The node status of a batch holding error and warn checks: `fail` when an error check failed,
# `warn` when only warn checks did. dbt evaluates `<fail_calc> <error_if>` over the test's rows
# (one per failing check, `dativo_error` 1 for an error check), so this stays one node and one
# scan: MIXED_ERROR_IF (artifacts.interface; artifacts.batches removes it when expanding).


def severity_config(warn_checks: int, checks: int) -> dict[str, str]:
    """dbt config of a batch node with `warn_checks` warn-severity checks out of `checks`."""
    if warn_checks == checks:
        return {"severity": "warn"}
    if warn_checks == 0:
        return {"severity": "error"}
    return {"severity": "error", "error_if": MIXED_ERROR_IF}


def _failing_rows(checks: list[BatchCheck], relation: str) -> dict[str, str]:
    """test name -> the rows the check fails (what its per-check test's SQL selects)."""
    out: dict[str, str] = {}
    for check in checks:
        try:
            out[check.test_name] = render_failing_rows(check.spec, relation)
        except Unbatchable:
            continue
    return out


def _sample(check: BatchCheck, relation: str) -> dict[str, Any]:
    """A quarantine sample of a batch: the check's test name, failing-row query and column(s)."""
    sample: dict[str, Any] = {
        "name": check.test_name,
        "sql": render_failing_rows(check.spec, relation),
    }
    for key in ("column", "columns"):
        if check.spec.get(key):
            sample[key] = check.spec[key]
    return sample
