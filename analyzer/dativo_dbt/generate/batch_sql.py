"""The SQL of batched checks, written once by `dativo-dbt generate` instead of by dbt on every run.

A batch's one-pass query (every check's failure count) and each check's failing-row query are
rendered here, in Python, into the Jinja text that the generated properties file hands to the
test (`dativo_dbt.batched_checks`, `quarantine_rows`, `batched_metric`). dbt then only renders
what depends on the adapter: the regex function (`dbt_expectations.regexp_instr`, the per-check
test's own), type names, the current time, `dbt.dateadd`, string quoting, the relation (`ref` /
`source`) and custom tests. Before, dbt compiled ~6 KB of batch macros on every run: 0.2-0.3 s of
Jinja per process, which at 1M rows was most of a batch's overhead.

Each check is counted with the predicate its per-check test writes (the same expressions, NULL
handling, `row_condition`, `strictly`, `ignore_row_if`), so its failure count is the one that test
reports. Check specs come from `batch_specs.to_check`; their values are already Jinja text that renders
to safe SQL (`literals`). Values a macro receives (a regex, a value to quote, a column) are passed
as Jinja string literals of their rendered text; a value holding other Jinja than the escapes of
`literals.jinja_escape` cannot be passed that way, and `Unbatchable` says so (the check then keeps
its own test).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from dativo_dbt.checks import literals

Spec = Mapping[str, Any]

ROW_KINDS = frozenset({"not_null", "regex", "not_regex", "between", "in_set", "not_in_set"})
GROUP_KINDS = frozenset({"unique", "min_records_per_day", "custom"})
_AGGREGATES = {"count", "min", "max", "avg", "sum", "stddev"}
_IGNORE_ROW_IF = {"all_values_are_missing": " and ", "any_value_is_missing": " or "}
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_]+")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Unbatchable(ValueError):
    """A check the batch cannot write the per-check test's SQL for (message says why)."""


class _Writer:
    """Renders checks against one relation; collects the `{% set %}` lines the SQL needs once."""

    def __init__(self, relation: str) -> None:
        self.model = "{{ " + relation + " }}"
        self.relation = relation
        self.prelude: dict[str, str] = {}

    def var(self, name: str, expression: str) -> str:
        """`{{ name }}`, with `{% set name = expression %}` written once before the SQL."""
        self.prelude.setdefault(name, "{%- set " + name + " = " + expression + " -%}")
        return "{{ " + name + " }}"

    def text(self, body: str) -> str:
        return "\n".join([*self.prelude.values(), body])

    # -- the pieces of one check ---------------------------------------------------------------

    def bounds(self, check: Spec) -> list[tuple[str, str]]:
        """[(operator, bound)] as dbt_expectations.expression_between writes them."""
        op = "" if check.get("strictly") else "="
        out = []
        for key, sign in (("min_value", ">"), ("max_value", "<")):
            value = check.get(key)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int | float | str):
                raise Unbatchable(f"{key} must be a number or a time expression, got {value!r}")
            out.append((sign + op, str(value)))
        return out

    def members(self, check: Spec) -> list[str]:
        """A value set's members, quoted as dbt_expectations._value_set_select / accepted_values."""
        out = []
        for value in check["value_set"]:
            if check["kind"] == "accepted_values":
                out.append("{{ dativo_dbt.sql_string(" + _literal(value) + ") }}")
            elif check.get("quote_values", True):
                string = self.var("dativo_string", "dbt.type_string()")
                out.append(
                    "cast({{ dativo_dbt.sql_string(" + _literal(value) + ") }} as " + string + ")"
                )
            else:
                out.append(_paste(value))
        return out

    def exprs(self, check: Spec, m: str = "m") -> dict[str, Any]:
        """pred (the rows a row-level check fails), agg (its aggregate, as column `m`), fail (the
        failure count from `m`), group (True for checks that need their own query)."""
        kind = check["kind"]
        if kind in GROUP_KINDS:
            return {"group": True, "pred": None, "agg": None, "fail": m}
        col = _paste(check["column"]) if check.get("column") else ""
        rc = check.get("row_condition")
        cond = "(" + str(rc) + ") and " if rc else ""
        out: dict[str, Any] = {"group": False, "pred": None, "agg": None, "fail": m}
        bounds = self.bounds(check)
        if kind == "accepted_values":
            # dbt's accepted_values: non-null values outside the list, one failure per value
            out["pred"] = cond + col + " not in (" + ", ".join(self.members(check)) + ")"
            out["agg"] = f"count(distinct case when {out['pred']} then {col} end)"
        elif kind == "aggregate":
            out.update(self.aggregate(check, col, rc, bounds, m))
        elif kind == "recent":
            out.update(self.recent(check, col, rc, m))
        elif kind == "dativo_recent":
            out.update(self.dativo_recent(check, col, m))
        else:
            out["pred"] = cond + self.row_predicate(check, col, bounds)
            out["agg"] = f"count(case when {out['pred']} then 1 end)"
        return out

    def row_predicate(self, check: Spec, col: str, bounds: list[tuple[str, str]]) -> str:
        """The rows a row-level check fails, as its per-check test selects them."""
        kind = check["kind"]
        if kind == "not_null":
            return "not (" + col + " is not null)"
        if kind in ("regex", "not_regex"):
            args = [
                _literal(check["column"]),
                _literal(check["regex"]),
                "1",
                "1",
                "true" if check.get("is_raw") else "false",
                _literal(check.get("flags") or ""),
            ]
            call = "{{ dbt_expectations.regexp_instr(" + ", ".join(args) + ") }}"
            return "not (" + call + (" > 0" if kind == "regex" else " = 0") + ")"
        if kind == "between":
            parts = ["1=1", *(f"{col} {sign} {value}" for sign, value in bounds)]
            return "not ((" + " and ".join(parts) + "))"
        if kind == "in_set":
            members = self.members(check)
            return f"({col} is null or {col} not in ({', '.join(members)}))" if members else "1=1"
        if kind == "not_in_set":
            members = self.members(check)
            return f"{col} in ({', '.join(members)})" if members else "1=0"
        raise Unbatchable(f"unknown check kind {kind!r}")

    def aggregate(
        self, check: Spec, col: str, rc: Any, bounds: list[tuple[str, str]], m: str
    ) -> dict[str, str]:
        agg = check.get("agg")
        if agg not in _AGGREGATES:
            raise Unbatchable(f"unknown aggregate {agg!r}")
        if agg == "count":
            expr = f"count(case when {rc} then 1 end)" if rc else "count(*)"
        else:
            value = f"case when {rc} then {col} end" if rc else col
            if agg == "stddev":
                expr = "{{ dativo_dbt.stddev_samp(" + _literal(value) + ") }}"
            else:
                expr = f"{agg}({value})"
        parts = ["1=1", *(f"{m} {sign} {value}" for sign, value in bounds)]
        return {"agg": expr, "fail": f"case when not ({' and '.join(parts)}) then 1 else 0 end"}

    def recent(self, check: Spec, col: str, rc: Any, m: str) -> dict[str, str]:
        """dbt_expectations.expect_row_values_to_have_recent_data: newest non-future value."""
        ts = self.var("dativo_ts", "dativo_dbt.naive_timestamp_type()")
        now = self.var("dativo_now", "dativo_dbt.now_in_time_zone()")
        epoch = f"cast('1970-01-01' as {ts})"  # the per-check test's fallback for no rows
        interval = _integer(check["interval"])
        since = self.var(
            f"dativo_since_{_slug(check['datepart'])}_{interval}".replace("-", "m"),
            f"dbt.dateadd({_literal(check['datepart'])}, {-1 * interval}, dativo_now)",
        )
        value = f"cast({col} as {ts})"
        where = f" and ({rc})" if rc else ""
        return {
            "agg": f"max(case when {value} <= {now}{where} then {value} end)",
            "fail": f"case when coalesce({m}, {epoch}) < cast({since} as {ts}) then 1 else 0 end",
        }

    def dativo_recent(self, check: Spec, col: str, m: str) -> dict[str, str]:
        """dativo_dbt.recent_data: newest non-future value, dbt's timestamp type, dativo_dbt.now()."""
        ts = self.var("dativo_dbt_ts", "dbt.type_timestamp()")
        now = self.var("dativo_dbt_now", "dativo_dbt.now()")
        interval = check["interval"]
        if isinstance(interval, bool) or not isinstance(interval, int | float):
            raise Unbatchable(f"interval must be a number, got {interval!r}")
        since = (
            "{{ dbt.dateadd("
            + _literal(check["datepart"])
            + ", "
            + repr(-1 * interval)
            + ", dativo_dbt_now) }}"
        )
        value = f"cast({col} as {ts})"
        return {
            "agg": f"max(case when {value} <= {now} then {value} end)",
            "fail": f"case when {m} is null or {m} < {since} then 1 else 0 end",
        }

    def group_query(self, check: Spec) -> str:
        """The failing rows of a check with its own query: duplicate keys (as
        dbt_expectations.expect_compound_columns_to_be_unique), days with too few rows
        (dativo_dbt.min_records_per_day's own query) or a custom test's own SQL."""
        kind = check["kind"]
        if kind == "min_records_per_day":
            args = [
                self.relation,
                _literal(check["column"]),
                repr(literals.number(check["min_records"])),
                repr(literals.number(check.get("lookback_days", 7))),
            ]
            return "{{ dativo_dbt.test_min_records_per_day(" + ", ".join(args) + ") }}"
        if kind == "custom":
            return self.custom_call(check)
        columns = [_paste(c) for c in check["columns"]]
        ignore = check.get("ignore_row_if") or "all_values_are_missing"
        if ignore not in _IGNORE_ROW_IF:
            raise Unbatchable(
                f"ignore_row_if must be one of {', '.join(_IGNORE_ROW_IF)}, got {ignore!r}"
            )
        conds = [f"({check['row_condition']})"] if check.get("row_condition") else []
        conds.append("not (" + _IGNORE_ROW_IF[ignore].join(f"{c} is null" for c in columns) + ")")
        keys = ", ".join(columns)
        return (
            f"select {keys}, count(*) as n_records\n        from {self.model}"
            f"\n        where {' and '.join(conds)}\n        group by {keys}"
            "\n        having count(*) > 1"
        )

    def custom_call(self, check: Spec) -> str:
        """A custom generic test's own SQL, called as dbt calls it (model, column_name, its
        arguments). Rendered only while executing: at parse time its config() calls would
        configure the batch node instead."""
        kwargs = [f"model={self.relation}"]
        if check.get("column"):
            kwargs.append(f"column_name={_literal(check['column'])}")
        for key, value in (check.get("arguments") or {}).items():
            if not _IDENTIFIER.fullmatch(str(key)):
                raise Unbatchable(f"argument name {key!r} is not an identifier")
            kwargs.append(f"{key}={_literal(value)}")
        return (
            "{% if execute %}{{ "
            + str(check["macro"])
            + "("
            + ", ".join(kwargs)
            + ") }}{% else %}select 1 as dativo_not_executing{% endif %}"
        )

    def failing_rows(self, check: Spec) -> str:
        e = self.exprs(check)
        if e["group"]:
            sql = self.group_query(check)
            return f"select * from (\n{sql}\n) dativo_failing" if check["kind"] == "custom" else sql
        if check["kind"] in ("aggregate", "recent", "dativo_recent"):
            return (
                f"select * from (select {e['agg']} as m from {self.model}) dativo_agg"
                f" where {e['fail']} = 1"
            )
        return f"select * from {self.model} where {e['pred']}"


def render_batch(
    checks: Sequence[Spec], relation: str, *, warn: Collection[str] | None = None
) -> str:
    """The one-pass query of a batch: (check_name, failures), one row per check (key `name`).
    With `warn` (the names of the warn-severity checks) a third column `dativo_error` is 1 for an
    error check and 0 for a warn check: the batch test's rows say which failures fail the node.
    Aggregates share one scan; uniqueness, rows-per-day and custom checks get their own CTE.
    Failures are counts (bigint) and 0/1 verdicts (integer): `union all` makes them bigint on every
    adapter, so no cast (each cast was one more macro for dbt to compile and call).
    Identical aggregates (two freshness checks of one column) are computed once."""
    w = _Writer(relation)
    aggs: list[str] = []
    seen: dict[str, str] = {}
    groups: list[str] = []
    rows: list[str] = []
    for i, check in enumerate(checks):
        label = _label(str(check["name"]))
        if warn is not None:
            label += f" as check_name, {0 if check['name'] in warn else 1} as dativo_error"
        else:
            label += " as check_name"
        e = w.exprs(check, f"m_{i}")
        if e["group"]:
            groups.append(
                f"dativo_u_{i} as (\n    select count(*) as n from (\n        "
                + w.group_query(check)
                + "\n    ) dativo_dup\n)"
            )
            rows.append(f"    select {label}, n as failures from dativo_u_{i}")
            continue
        if e["agg"] in seen:
            e = w.exprs(check, seen[e["agg"]])
        else:
            seen[e["agg"]] = f"m_{i}"
            aggs.append(f"{e['agg']} as m_{i}")
        rows.append(f"    select {label}, {e['fail']} as failures from dativo_agg")
    ctes = []
    if aggs:
        ctes.append(
            "dativo_agg as (\n    select\n        "
            + ",\n        ".join(aggs)
            + f"\n    from {w.model}\n)"
        )
    columns = "check_name, failures" + (", dativo_error" if warn is not None else "")
    body = (
        "with\n"
        + ",\n".join(ctes + groups)
        + f"\nselect {columns} from (\n"
        + "\n    union all\n".join(rows)
        + "\n) dativo_batched"
    )
    return w.text(body)


def render_failing_rows(check: Spec, relation: str) -> str:
    """The rows one check fails (its quarantine sample): the model's rows for row-level checks,
    the failing groups for uniqueness / rows per day, the custom test's rows, or the failing
    aggregate row."""
    w = _Writer(relation)
    return w.text(w.failing_rows(check))


def relation_of(node: Mapping[str, Any], source: str | None = None) -> str:
    """The Jinja that reads a governed model (`ref`) or source table (`source`)."""
    if source is not None:
        return f"source({_literal(source)}, {_literal(str(node['name']))})"
    return f"ref({_literal(str(node['name']))})"


# ------------------------------------------------------------------------------------------------
# Jinja text helpers


def _literal(value: Any) -> str:
    """A Jinja expression for `value` as dbt passes a test argument: strings are the rendered text
    of their Jinja (only the escapes of literals.jinja_escape are accepted)."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(literals.number(value))
    if isinstance(value, str):
        text = literals.jinja_unescape(value)
        if text is None:
            raise Unbatchable(f"the value {value!r} holds Jinja; it keeps its own test")
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_literal(str(k))}: {_literal(v)}" for k, v in value.items()) + "}"
    raise Unbatchable(f"cannot pass {type(value).__name__} {value!r} to a macro")


def _paste(value: Any) -> str:
    """A value pasted into the SQL as the per-check test pastes it (numbers, SQL literal text)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise Unbatchable(f"cannot paste {value!r} into SQL")
    return str(value)


def _label(name: str) -> str:
    """A check name as an SQL string (test names are plain words; others use the adapter's quoting)."""
    if _PLAIN_NAME.fullmatch(name):
        return "'" + name + "'"
    return "{{ dativo_dbt.sql_string(" + literals.jinja_string(name) + ") }}"


def _integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Unbatchable(f"interval must be a number, got {value!r}")
    return int(value)


def _slug(text: Any) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", str(text))
