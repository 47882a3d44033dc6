"""Hypothesis strategies for hostile inputs: scalars, YAML documents, contracts, dativo.yml
configs, notification configs, dbt artifacts and CLI arguments.

Deliberately not generated here: YAML alias bombs and >4,300-digit integers in YAML (bounded by
the contracts/YAML work, tested there); everything else a producer team could write is fair game.
"""

from __future__ import annotations

import copy
import json
import math
from typing import Any

import yaml
from hypothesis import strategies as st

SECRET = "fuzz-SECRET-0f9e8d7c6b5a"  # planted in the environment and in configs; never printed

SQL = [
    "'; drop table orders; --",
    "1=1 or 1=1",
    "x' || (select 1) || '",
    "); delete from orders where (1=1",
    "\\'; select 1; --",
]
JINJA = ["{{ 7*7 }}", "{% do run_query('drop table x') %}", "{# c #}", "{{ env_var('HOME') }}"]
STRINGS = [
    "",
    " ",
    "'",
    '"',
    "\\",
    "\x00",
    "a\r\nb",
    "\t",
    "é漢字🙂\u202e",
    "x" * 5000,
    "${NOT_SET_ANYWHERE}",
    "NaN",
    "-1",
    "1e999",
    *SQL,
    *JINJA,
]
NUMBERS: list[Any] = [
    0,
    -1,
    2**31,
    2**63,
    -(2**63) - 1,
    10**40,
    10**400,
    math.nan,
    math.inf,
    -math.inf,
    1e308,
    5e-324,
    -0.0,
    True,
]

hostile_scalar: st.SearchStrategy[Any] = st.one_of(
    st.sampled_from(STRINGS),
    st.sampled_from(NUMBERS),
    st.none(),
    st.text(max_size=30),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
)


@st.composite
def nested(draw: st.DrawFn) -> Any:
    """A value nested 20..120 lists/mappings deep (built in a loop: hypothesis limits the nesting
    of strategies, not of values)."""
    value = draw(hostile_scalar)
    for kind in draw(st.lists(st.booleans(), min_size=20, max_size=120)):
        value = [value] if kind else {"k": value}
    return value


hostile_value: st.SearchStrategy[Any] = st.one_of(
    hostile_scalar,
    nested(),
    st.recursive(
        hostile_scalar,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.dictionaries(
                st.one_of(st.text(max_size=8), st.sampled_from(STRINGS[:8])), inner, max_size=4
            ),
        ),
        max_leaves=12,
    ),
)


def dump(doc: Any) -> str:
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=10_000)


@st.composite
def yaml_text(draw: st.DrawFn, doc: Any) -> str:
    """`doc` as YAML, or a damaged variant: truncated, with a duplicate key, a tab, junk."""
    text = dump(doc)
    damage = ["truncate", "duplicate", "tab", "junk", "anchor"]
    how = draw(st.sampled_from(["as-is"] * 8 + damage))
    if how == "truncate":
        return text[: draw(st.integers(min_value=0, max_value=max(0, len(text) - 1)))]
    if how == "duplicate":
        first = text.splitlines()[0] if text.strip() else "a: 1"
        return text + first + "\n"
    if how == "tab":
        return text.replace("  ", "\t", 1)
    if how == "junk":
        return text + draw(st.sampled_from(["]]]\n", ": : :\n", "- [\n", "\x00\n", "%YAML 9\n"]))
    if how == "anchor":  # small anchors/aliases (not a bomb)
        return "x: &a [1, 2]\ny: *a\n" + text
    return text


CONTRACT: dict[str, Any] = {
    "data_contract": {
        "name": "orders",
        "version": "1",
        "model": "orders",
        "owner": "team@example.com",
        "tier": "gold",
        "quality_checks": {
            "soda": {
                "checks": [
                    {"name": "id_present", "type": "not_null", "column": "id"},
                    {"name": "status_ok", "type": "accepted_values", "column": "status",
                     "values": ["a", "b"]},
                    {"name": "amount_range", "type": "range", "column": "amount", "min": 0,
                     "max": 100},
                ]
            },
            "custom": [{"name": "c1", "test": "not_null", "column": "id", "arguments": {}}],
        },
        "sla": {"freshness": {"max_age_hours": 2, "column": "loaded_at"}},
        "violation_handling": {"on_quality_violation": "warn"},
    }
}  # fmt: skip

# Where a hostile value goes in the contract (a key path; the last key may be new).
CONTRACT_SLOTS: list[tuple[Any, ...]] = [
    ("data_contract",),
    ("data_contract", "name"),
    ("data_contract", "version"),
    ("data_contract", "model"),
    ("data_contract", "owner"),
    ("data_contract", "tier"),
    ("data_contract", "execution"),
    ("data_contract", "source"),
    ("data_contract", "source", "database"),
    ("data_contract", "quality_checks"),
    ("data_contract", "quality_checks", "soda", "checks"),
    ("data_contract", "quality_checks", "soda", "checks", 0, "name"),
    ("data_contract", "quality_checks", "soda", "checks", 0, "column"),
    ("data_contract", "quality_checks", "soda", "checks", 0, "type"),
    ("data_contract", "quality_checks", "soda", "checks", 0, "severity"),
    ("data_contract", "quality_checks", "soda", "checks", 0, "weight"),
    ("data_contract", "quality_checks", "soda", "checks", 1, "values"),
    ("data_contract", "quality_checks", "soda", "checks", 1, "values", 0),
    ("data_contract", "quality_checks", "soda", "checks", 2, "min"),
    ("data_contract", "quality_checks", "soda", "checks", 2, "max"),
    ("data_contract", "quality_checks", "soda", "checks", 0, "pattern"),
    ("data_contract", "quality_checks", "custom", 0, "test"),
    ("data_contract", "quality_checks", "custom", 0, "arguments"),
    ("data_contract", "quality_checks", "custom", 0, "arguments", "expression"),
    ("data_contract", "sla", "freshness", "max_age_hours"),
    ("data_contract", "quarantine"),
    ("data_contract", "quarantine", "retention_days"),
    ("data_contract", "violation_handling", "on_quality_violation"),
    ("data_contract", "notification", "channels"),
]


def put(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    """A copy of `doc` with `value` at `path` (intermediate mappings created)."""
    doc = copy.deepcopy(doc)
    node = doc
    for key in path[:-1]:
        if isinstance(node, list) and isinstance(key, int) and key < len(node):
            node = node[key]
        elif isinstance(node, dict):
            if not isinstance(node.get(key), (dict, list)):
                node[key] = {}
            node = node[key]
        else:
            return doc
    if (
        isinstance(node, list) and isinstance(path[-1], int) and path[-1] < len(node)
    ) or isinstance(node, dict):
        node[path[-1]] = value
    return doc


# String fields a valid contract may fill with any text: hostile strings there must be compared
# literally (or refused), which exercises generate rather than only the validator.
TEXT_SLOTS: list[tuple[Any, ...]] = [
    ("data_contract", "description"),
    ("data_contract", "owner"),
    ("data_contract", "quality_checks", "soda", "checks", 1, "values", 0),
    ("data_contract", "quality_checks", "soda", "checks", 1, "values", 1),
    ("data_contract", "quality_checks", "soda", "checks", 0, "description"),
]
plausible_text = st.one_of(st.sampled_from(STRINGS), st.text(min_size=1, max_size=20))


@st.composite
def hostile_contract(draw: st.DrawFn) -> str:
    doc: Any = CONTRACT
    for _ in range(draw(st.integers(min_value=0, max_value=2))):
        doc = put(doc, draw(st.sampled_from(TEXT_SLOTS)), draw(plausible_text))
    for _ in range(draw(st.integers(min_value=0, max_value=2))):
        doc = put(doc, draw(st.sampled_from(CONTRACT_SLOTS)), draw(hostile_value))
    if draw(st.integers(0, 9)) == 0:
        doc = draw(hostile_value)  # a random YAML shape instead of a contract
    return draw(yaml_text(doc))


CONFIG_KEYS = [
    "version", "layer", "extends", "locked", "scoring", "thresholds", "gates", "tiers", "rollup",
    "check_timeout_seconds", "history", "notifications", "provider", "unknown_key",
]  # fmt: skip
CONFIG_SUBKEYS = {
    "scoring": ["baseline_score", "dimension_weights", "severity_weights", "empty_dimensions"],
    "thresholds": ["min_score", "warn_score"],
    "gates": ["bronze", "silver", "gold"],
    "tiers": ["default", "selectors"],
    "history": ["enabled", "path"],
}


@st.composite
def hostile_config(draw: st.DrawFn) -> str:
    """A dativo.yml with hostile values under real (and unknown) keys."""
    doc: dict[str, Any] = {}
    for key in draw(st.lists(st.sampled_from(CONFIG_KEYS), min_size=1, max_size=3, unique=True)):
        subkeys = CONFIG_SUBKEYS.get(key)
        if subkeys and draw(st.booleans()):
            doc[key] = {draw(st.sampled_from(subkeys)): draw(hostile_value)}
        else:
            doc[key] = draw(hostile_value)
    if "history" not in doc:
        doc["history"] = {"enabled": False}  # no background writer between cases
    return draw(yaml_text(doc))


NOTIFY_KEYS = {
    "slack": ["webhook_url", "mention_on_critical", "channel", "enabled", "bogus"],
    "email": ["smtp_host", "smtp_port", "starttls", "username", "password", "from_email"],
    "pagerduty": ["routing_key", "events_url"],
    "webhook": ["url", "headers"],
}
SECRET_REFS = ["${FUZZ_URL}", "${FUZZ_TOKEN}", "Bearer ${FUZZ_TOKEN}", "${FUZZ_URL}/x y"]


@st.composite
def hostile_notify_config(draw: st.DrawFn) -> str:
    """notifications.yml whose values mix ${ENV} references to planted secrets and junk."""
    value = st.one_of(st.sampled_from(SECRET_REFS), hostile_value)
    channels: dict[str, Any] = {}
    for channel in draw(st.lists(st.sampled_from(sorted(NOTIFY_KEYS)), max_size=3, unique=True)):
        keys = draw(st.lists(st.sampled_from(NOTIFY_KEYS[channel]), max_size=3, unique=True))
        channels[channel] = {k: draw(value) for k in keys}
    doc: dict[str, Any] = {"channels": channels}
    if draw(st.booleans()):
        retry_key = draw(st.sampled_from(["attempts", "backoff_seconds", "timeout_seconds", "x"]))
        doc["retry"] = {retry_key: draw(hostile_value)}
    if draw(st.booleans()):
        doc[draw(st.sampled_from(["grouping", "dedup_window_minutes", "templates"]))] = draw(value)
    return draw(yaml_text({"notifications": doc}))


STATUSES = ["pass", "fail", "warn", "error", "skipped", "success", "runtime error", "", "PASS",
            "unknown-status", None, 1]  # fmt: skip


def _random_container(draw: st.DrawFn, doc: Any) -> Any:
    """Walk down 1-4 levels of `doc` to a random non-empty dict or list."""
    node: Any = doc
    for _ in range(draw(st.integers(1, 4))):
        if isinstance(node, dict) and node:
            child = node[draw(st.sampled_from(sorted(node)))]
        elif isinstance(node, list) and node:
            child = node[draw(st.integers(0, len(node) - 1))]
        else:
            break
        if not isinstance(child, (dict, list)) or not child:
            break
        node = child
    return node


@st.composite
def damaged_artifact(draw: st.DrawFn, original: dict[str, Any]) -> bytes:
    """A manifest/run_results document: truncated, a value replaced by a hostile one, or a result
    with an unknown status."""
    how = draw(st.sampled_from(["truncate", "replace", "status", "drop"]))
    raw = json.dumps(original).encode()
    if how == "truncate":
        return raw[: draw(st.integers(min_value=0, max_value=len(raw) - 1))]
    doc = copy.deepcopy(original)
    if how == "status" and doc.get("results"):
        i = draw(st.integers(0, len(doc["results"]) - 1))
        doc["results"][i]["status"] = draw(st.sampled_from(STATUSES))
        return json.dumps(doc).encode()
    node = _random_container(draw, doc)
    if isinstance(node, dict) and node:
        key = draw(st.sampled_from(sorted(node)))
        if how == "drop":
            del node[key]
        else:
            node[key] = draw(hostile_value)
    elif isinstance(node, list) and node:
        node[draw(st.integers(0, len(node) - 1))] = draw(hostile_value)
    return json.dumps(doc, allow_nan=True, default=str).encode()


NUMERIC_TEXT = ["nan", "inf", "-inf", "-1", "101", "1e999", "99999999999999999999999", "0x10",
                "", " 5", "-0", "5", "0", "1_000", "١٢"]  # fmt: skip
OPTIONS: dict[str, list[tuple[str, list[str] | None]]] = {
    "score": [("--fail-under", NUMERIC_TEXT), ("--limit", NUMERIC_TEXT), ("--format", None),
              ("--target-dir", None), ("--config", None), ("--baseline", None), ("--quiet", [])],
    "gate": [("--fail-under", NUMERIC_TEXT), ("--limit", NUMERIC_TEXT)],
    "validate": [("--contracts", None)],
    "generate": [("--contracts", None), ("--execution", None), ("--check", [])],
    "notify": [("--notify-config", None), ("--format", None), ("--dry-run", [])],
}  # fmt: skip
WORDS = ["json", "table", "batched", "nope", "", "-", "--", "/dev/null", "/", ".", "missing/x",
         "a\r\nb", "'; drop table x; --", "{{ 7*7 }}", "é漢字"]  # fmt: skip


@st.composite
def hostile_argv(draw: st.DrawFn) -> list[str]:
    """A command and a few of its options with hostile values."""
    command = draw(st.sampled_from(sorted(OPTIONS)))
    argv = [command]
    for name, values in draw(st.lists(st.sampled_from(OPTIONS[command]), max_size=3)):
        argv.append(name)
        if values is None:
            argv.append(draw(st.sampled_from(WORDS)))
        elif values:
            argv.append(draw(st.sampled_from(values)))
    if command == "notify":
        argv += ["--dry-run"]
    return argv
