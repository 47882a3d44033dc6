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
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from dativo_dbt.adopt.matching import is_managed, test_key
from dativo_dbt.adopt.roundtrip import detached, to_rt

RECORD = "managed"
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
    if isinstance(node, list):
        item = _named(node, last)
        if item is not None:
            node.remove(item)
    elif isinstance(node, dict) and last in node:
        del node[last]


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
            node[key] = to_rt(nested)
            added.append(prefix + keys[: depth + 1])
            return True
        node = node[key]
        if not isinstance(node, dict):
            raise InPlaceError(f"`{'.'.join(prefix + keys[: depth + 1])}` is not a mapping")
    if keys[-1] in node:
        return False
    node[keys[-1]] = to_rt(value)
    added.append(prefix + keys)
    return True


# --------------------------------------------------------------------------------------------
# undo


def undo(entry: CommentedMap) -> bool:
    """Remove what `apply` added to `entry` and put back the tests it took over."""
    record = record_of(entry)
    if record is None:
        return False
    for owner, _column in _test_owners(entry):
        for key in TEST_KEYS:
            tests = owner.get(key)
            if isinstance(tests, list):
                for i in reversed(range(len(tests))):
                    if is_managed(tests[i]):
                        del tests[i]
    replaced = [r for r in record.get("replaced") or [] if isinstance(r, Mapping)]
    for r in sorted(replaced, key=lambda r: int(r.get("index", 0))):
        _restore(entry, r)
    for path in reversed(list(record.get("added") or [])):
        _delete(entry, [str(p) for p in path])
    return True


def _restore(entry: CommentedMap, r: Mapping[str, Any]) -> None:
    at = [str(p) for p in r.get("at") or []]
    found = _resolve(entry, at)
    if found is None:
        return
    owner, key = found
    if not isinstance(owner, CommentedMap):
        return
    if not isinstance(owner.get(key), list):
        position = min(int(r.get("key_index", len(owner))), len(owner))
        owner.insert(position, key, CommentedSeq())
    tests = owner[key]
    tests.insert(min(int(r.get("index", 0)), len(tests)), detached(r.get("test")))


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
    added: list[Path_] = []
    replaced = _take_over(entry, keys)
    for key, value in generated.items():
        if key not in ("name", "columns", "data_tests", "config"):
            _set_new(entry, [key], value, [], added)
    config = dict(generated.get("config") or {})
    meta = dict((config.pop("meta", None) or {}).get("dativo") or {})
    for key, value in config.items():
        _set_new(entry, ["config", key], value, [], added)
    _columns(entry, list(generated.get("columns") or []), added)
    _add_tests(entry, list(generated.get("data_tests") or []), [], added)
    _drop_emptied(entry, replaced)
    meta[RECORD] = {"added": [], "replaced": replaced}
    _set_new(entry, ["config", "meta", "dativo"], meta, [], added)
    dativo = _dativo_meta(entry)
    dativo[RECORD]["added"] = to_rt(added)


def _take_over(entry: CommentedMap, keys: set[str]) -> list[dict[str, Any]]:
    """Remove the user tests a contract check runs; returns how to put them back."""
    replaced: list[dict[str, Any]] = []
    for owner, column in _test_owners(entry):
        prefix = [] if column is None else ["columns", column]
        for key in TEST_KEYS:
            tests = owner.get(key)
            if not isinstance(tests, list):
                continue
            key_index = list(owner.keys()).index(key)
            for i in reversed(range(len(tests))):
                if test_key(tests[i], column) in keys:
                    replaced.append(
                        {
                            "at": [*prefix, key],
                            "key_index": key_index,
                            "index": i,
                            "test": detached(tests[i]),
                        }
                    )
                    del tests[i]
    replaced.sort(key=lambda r: (r["at"], r["index"]))
    return replaced


def _drop_emptied(entry: CommentedMap, replaced: list[dict[str, Any]]) -> None:
    """A user test list emptied by the take-over goes (no `data_tests: []`); undo recreates it."""
    for r in replaced:
        found = _resolve(entry, r["at"])
        if found is not None:
            owner, key = found
            if isinstance(owner, dict) and owner.get(key) == []:
                del owner[key]


def _columns(entry: CommentedMap, columns: list[Mapping[str, Any]], added: list[Path_]) -> None:
    for gen in columns:
        name = str(gen["name"])
        existing = entry.get("columns")
        if existing is None:
            entry["columns"] = CommentedSeq()
            added.append(["columns"])
            existing = entry["columns"]
        if not isinstance(existing, list):
            raise InPlaceError("`columns` is not a list")
        user = next(
            (
                c
                for c in existing
                if isinstance(c, CommentedMap) and str(c.get("name", "")).lower() == name.lower()
            ),
            None,
        )
        if user is None:
            existing.append(to_rt(dict(gen)))
            added.append(["columns", name])
            continue
        prefix = ["columns", str(user["name"])]
        for key, value in gen.items():
            if key == "config":
                for ckey, cvalue in dict(value).items():
                    if ckey == "meta":
                        for mkey, mvalue in dict(cvalue).items():
                            _set_new(user, ["config", "meta", mkey], mvalue, prefix, added)
                    else:
                        _set_new(user, ["config", ckey], cvalue, prefix, added)
            elif key not in ("name", "data_tests"):
                _set_new(user, [key], value, prefix, added)
        _add_tests(user, list(gen.get("data_tests") or []), prefix, added)


def _add_tests(owner: CommentedMap, tests: list[Any], prefix: Path_, added: list[Path_]) -> None:
    if not tests:
        return
    key = next((k for k in TEST_KEYS if isinstance(owner.get(k), list)), None)
    if key is None:
        _set_new(owner, ["data_tests"], tests, prefix, added)
        return
    owner[key].extend(to_rt(t) for t in tests)
