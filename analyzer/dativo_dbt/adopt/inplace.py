"""Manage a contract's tests, columns and meta inside the user's own properties entry.

`apply` adds what the generated node holds to the user's entry, never overwriting a value the user
set, and records in the entry's `config.meta.dativo.managed` exactly what it added (`added`: key
paths it created) and which user tests a contract check took over (`replaced`, kept there to put
back). `undo` reverses that, so undo-then-apply is how every run starts: output depends only on the
user's own content and the contracts, and removing a contract restores the file as it was.
Managed tests are recognised by their `config.meta.dativo`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from dativo_dbt.adopt.matching import is_managed, plain, test_key
from dativo_dbt.adopt.roundtrip import to_rt
from dativo_dbt.adopt.tails import (
    comment_tokens,
    del_key,
    put_tail,
    seq_delete,
    seq_insert,
    set_key,
)

RECORD = "managed"
SEP = "/"  # paths are recorded as "columns/<name>/data_tests"
TEST_KEYS = ("data_tests", "tests")
Path_ = list[str]


class InPlaceError(ValueError):
    """The user's entry cannot take the contract's properties (message names the conflict)."""


def find_entry(data: Any, kind: str, name: str) -> CommentedMap | None:
    """The `models:` entry `name`, or the source table `source.table` (kind `source`)."""
    if not isinstance(data, Mapping):
        return None
    if kind == "model":
        return _named(data.get("models"), name)
    source, _, table = name.partition(".")
    src = _named(data.get("sources"), source)
    return _named(src.get("tables"), table) if src is not None else None


def entries(data: Any) -> Iterator[CommentedMap]:
    """Every model and source table entry of a properties document."""
    if not isinstance(data, Mapping):
        return
    for model in data.get("models") or []:
        if isinstance(model, CommentedMap):
            yield model
    for source in data.get("sources") or []:
        if isinstance(source, Mapping):
            for table in source.get("tables") or []:
                if isinstance(table, CommentedMap):
                    yield table


def _named(items: Any, name: str) -> CommentedMap | None:
    if not isinstance(items, list):
        return None
    for item in items:
        if isinstance(item, CommentedMap) and str(item.get("name")) == name:
            return item
    return None


def _dativo_meta(entry: Mapping[str, Any]) -> Any:
    config = entry.get("config")
    meta = config.get("meta") if isinstance(config, Mapping) else None
    return meta.get("dativo") if isinstance(meta, Mapping) else None


def record_of(entry: Mapping[str, Any]) -> Mapping[str, Any] | None:
    meta = _dativo_meta(entry)
    record = meta.get(RECORD) if isinstance(meta, Mapping) else None
    return record if isinstance(record, Mapping) else None


# --------------------------------------------------------------------------------------------
# paths: ["columns", <column name>, "config", ...] addresses a column by name


def _resolve(entry: CommentedMap, path: Path_) -> tuple[Any, str] | None:
    """(container, last key) of `path`, None when a part is missing."""
    node: Any = entry
    for part in path[:-1]:
        if isinstance(node, list):
            node = _named(node, part)
        elif isinstance(node, Mapping):
            node = node.get(part)
        else:
            return None
        if node is None:
            return None
    return node, path[-1]


def _delete(entry: CommentedMap, path: Path_) -> None:
    found = _resolve(entry, path)
    if found is None:
        return
    node, last = found
    if isinstance(node, CommentedSeq):
        item = _named(node, last)
        if item is not None:
            seq_delete(node, node.index(item))
    elif isinstance(node, CommentedMap) and last in node:
        del_key(node, last)


def _set_new(
    owner: CommentedMap, keys: list[str], value: Any, prefix: Path_, added: list[Path_]
) -> bool:
    """owner[k1]...[kn] = value, creating missing mappings; records the shallowest created path.
    A value the user already set is kept (returns False)."""
    node = owner
    for depth, key in enumerate(keys[:-1]):
        if key not in node:
            nested = value
            for k in reversed(keys[depth + 1 :]):
                nested = {k: nested}
            set_key(node, key, to_rt(nested))
            added.append(prefix + keys[: depth + 1])
            return True
        node = node[key]
        if not isinstance(node, dict):
            raise InPlaceError(f"`{'.'.join(prefix + keys[: depth + 1])}` is not a mapping")
    if keys[-1] in node:
        return False
    set_key(node, keys[-1], to_rt(value))
    added.append(prefix + keys)
    return True


# --------------------------------------------------------------------------------------------
# undo


def undo(entry: CommentedMap) -> bool:
    """Remove what `apply` added to `entry` and put back the tests it took over."""
    record = record_of(entry)
    if record is None:
        return False
    added = [str(p) for p in record.get("added") or []]
    for owner, column in _test_owners(entry):
        for key in TEST_KEYS:
            tests = owner.get(key)
            if isinstance(tests, CommentedSeq):
                _remove_managed(owner, key, tests, SEP.join([*_prefix(column), key]) in added)
    replaced = [r for r in record.get("replaced") or [] if isinstance(r, Mapping)]
    for path in reversed(added):
        _delete(entry, str(path).split(SEP))
    for r in sorted(replaced, key=lambda r: int(r.get("index", 0))):
        _restore(entry, r)
    return True


def _remove_managed(owner: CommentedMap, key: str, tests: CommentedSeq, created: bool) -> None:
    """Remove the generated tests from `owner[key]`, and the list when `apply` created it."""
    for i in reversed(range(len(tests))):
        if is_managed(tests[i]):
            tail = seq_delete(tests, i)
            if not tests and created:
                del_key(owner, key, tail)  # a list apply created
            elif tail is not None:
                put_tail(owner, tail)


def _restore(entry: CommentedMap, r: Mapping[str, Any]) -> None:
    found = _resolve(entry, str(r.get("at")).split(SEP))
    if found is None:
        return
    owner, key = found
    if not isinstance(owner, CommentedMap):
        return
    test = r.get("test")
    for token, column in zip(comment_tokens(test), r.get("comment_columns") or [], strict=False):
        token.column = int(column)
    tests = owner.get(key)
    if isinstance(tests, CommentedSeq):
        seq_insert(tests, min(int(r.get("index", 0)), len(tests)), test)
    else:
        created = CommentedSeq([test])
        if r.get("flow"):
            created.fa.set_flow_style()
        set_key(owner, key, created, int(r.get("key_index", len(owner))))


def _prefix(column: str | None) -> Path_:
    return [] if column is None else ["columns", column]


def _test_owners(entry: CommentedMap) -> Iterator[tuple[CommentedMap, str | None]]:
    yield entry, None
    for column in entry.get("columns") or []:
        if isinstance(column, CommentedMap) and column.get("name"):
            yield column, str(column["name"])


# --------------------------------------------------------------------------------------------
# apply


def apply(entry: CommentedMap, generated: Mapping[str, Any], keys: set[str]) -> None:
    """Merge the generated node (a model or source table) into the user's entry (undone first)."""
    if _dativo_meta(entry) is not None:
        raise InPlaceError(
            "it already has `config.meta.dativo` of its own; remove that key (dativo-dbt writes it)"
        )
    edit = _Edit()
    _take_over(entry, keys, edit)
    for key, value in generated.items():
        if key not in ("name", "columns", "data_tests", "config"):
            _set_new(entry, [key], value, [], edit.added)
    config = dict(generated.get("config") or {})
    meta = dict((config.pop("meta", None) or {}).get("dativo") or {})
    for key, value in config.items():
        if not _set_new(entry, ["config", key], value, [], edit.added):
            mine = plain(entry["config"][key])
            if mine != value:  # e.g. contract.enforced, a source's freshness
                raise InPlaceError(
                    f"its `config.{key}` is {mine!r} while the contract sets {value!r}; remove "
                    "the key from the entry (dativo-dbt manages it) or change the contract"
                )
    _columns(entry, list(generated.get("columns") or []), edit)
    _add_tests(entry, list(generated.get("data_tests") or []), [], edit)
    meta[RECORD] = {"added": [], "replaced": edit.replaced}
    _set_new(entry, ["config", "meta", "dativo"], meta, [], edit.added)
    dativo = _dativo_meta(entry)
    dativo[RECORD]["added"] = to_rt([SEP.join(p) for p in edit.added])


@dataclass
class _Edit:
    added: list[Path_] = field(default_factory=list)
    replaced: list[dict[str, Any]] = field(default_factory=list)


def _take_over(entry: CommentedMap, keys: set[str], edit: _Edit) -> None:
    """Remove the user tests a contract check runs; records how to put them back."""
    for owner, column in _test_owners(entry):
        prefix = _prefix(column)
        for key in TEST_KEYS:
            tests = owner.get(key)
            if not isinstance(tests, CommentedSeq):
                continue
            key_index = list(owner.keys()).index(key)
            for i in reversed(range(len(tests))):
                if test_key(tests[i], column) in keys:
                    test = tests[i]
                    tail = seq_delete(tests, i)  # first: what follows the entry stays in place
                    edit.replaced.append(
                        {
                            "at": SEP.join([*prefix, key]),
                            "key_index": key_index,
                            "index": i,
                            "test": test,  # with its own end-of-line comments
                        }
                    )
                    if not tests and tests.fa.flow_style():
                        edit.replaced[-1]["flow"] = True  # `[not_null]`: recreated as written
                    columns = [t.column for t in comment_tokens(test)]
                    if columns:  # where its comments start, to put them back there
                        edit.replaced[-1]["comment_columns"] = columns
                    if not tests:  # no `data_tests: []` left behind; undo recreates it
                        del_key(owner, key, tail)
    edit.replaced.sort(key=lambda r: (r["at"], r["index"]))


def _user_column(columns: CommentedSeq, name: str) -> CommentedMap | None:
    for column in columns:
        if isinstance(column, CommentedMap) and str(column.get("name", "")).lower() == name.lower():
            return column
    return None


def _columns(entry: CommentedMap, columns: list[Mapping[str, Any]], edit: _Edit) -> None:
    for gen in columns:
        name = str(gen["name"])
        if entry.get("columns") is None:
            set_key(entry, "columns", CommentedSeq())
            edit.added.append(["columns"])
        existing = entry["columns"]
        if not isinstance(existing, CommentedSeq):
            raise InPlaceError("`columns` is not a list")
        user = _user_column(existing, name)
        if user is None:
            seq_insert(existing, len(existing), to_rt(dict(gen)))
            edit.added.append(["columns", name])
            continue
        _merge_column(user, gen, edit)


def _merge_column(user: CommentedMap, gen: Mapping[str, Any], edit: _Edit) -> None:
    """The generated keys a user's column lacks (config and meta key by key), and its tests."""
    prefix = ["columns", str(user["name"])]
    for key, value in gen.items():
        if key == "config":
            for ckey, cvalue in dict(value).items():
                if ckey == "meta":
                    for mkey, mvalue in dict(cvalue).items():
                        _set_new(user, ["config", "meta", mkey], mvalue, prefix, edit.added)
                else:
                    _set_new(user, ["config", ckey], cvalue, prefix, edit.added)
        elif key not in ("name", "data_tests"):
            _set_new(user, [key], value, prefix, edit.added)
    _add_tests(user, list(gen.get("data_tests") or []), prefix, edit)


def _add_tests(owner: CommentedMap, tests: list[Any], prefix: Path_, edit: _Edit) -> None:
    if not tests:
        return
    key = next((k for k in TEST_KEYS if isinstance(owner.get(k), CommentedSeq)), None)
    if key is None:
        _set_new(owner, ["data_tests"], tests, prefix, edit.added)
        return
    current = owner[key]
    for test in tests:
        seq_insert(current, len(current), to_rt(test))
