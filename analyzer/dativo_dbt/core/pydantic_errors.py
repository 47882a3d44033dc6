"""pydantic validation errors -> DativoErrors naming file, line, field path and what is expected
(with a did-you-mean hint), for YAML data loaded by `core.yaml_lines`."""

from __future__ import annotations

import re
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from dativo_dbt.core.errors import DativoError
from dativo_dbt.core.vocabulary import closest, describe
from dativo_dbt.core.yaml_lines import dotted, line_of

_TYPE_WORDS = {
    "string_type": "a string",
    "int_type": "an integer",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}

_Grouped = dict[tuple[Any, ...], list[tuple[dict[str, Any], tuple[Any, ...]]]]


def validation_errors(
    exc: ValidationError, raw: Any, display: str, root: type[BaseModel]
) -> list[DativoError]:
    """One DativoError per problem (union branches merged), with line and field path.

    `raw`: the YAML data `root` (the top pydantic model) validated."""
    grouped: _Grouped = {}
    for details in exc.errors(include_url=False):
        err: dict[str, Any] = dict(details)
        data_path, model_path = _data_path(raw, tuple(err["loc"]), err["type"])
        if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            data_path = (*data_path, "type")
        grouped.setdefault(data_path, []).append((err, model_path))
    out: list[DativoError] = []
    paths = list(grouped)
    for data_path, errs in sorted(grouped.items(), key=lambda kv: line_of(raw, kv[0]) or 0):
        deeper = any(p[: len(data_path)] == data_path and len(p) > len(data_path) for p in paths)
        if deeper and all(e["type"] in _TYPE_WORDS or e["type"].endswith("_type") for e, _ in errs):
            continue  # a union branch that went deeper explains it better
        text = _merged(errs, raw, data_path, root)
        out.append(
            DativoError(f"{dotted(data_path)}: {text}", path=display, line=line_of(raw, data_path))
        )
    return out


def _merged(
    errs: list[tuple[dict[str, Any], tuple[Any, ...]]],
    raw: Any,
    data_path: tuple[Any, ...],
    root: type[BaseModel],
) -> str:
    """The messages of one field, `expected a or b` when they all say what was expected."""
    messages: list[str] = []
    for error, model_path in errs:
        msg = _message(error, raw, data_path, model_path, root)
        if msg not in messages:
            messages.append(msg)
    if len(messages) > 1 and all(m.startswith("expected ") for m in messages):
        kinds = [m.split(",")[0][len("expected ") :] for m in messages]
        if "a number" in kinds and "an integer" in kinds:
            kinds.remove("an integer")
        return "expected " + " or ".join(kinds) + _got(_value_at(raw, data_path))
    return "; ".join(messages)


def _data_path(
    raw: Any, loc: tuple[Any, ...], err_type: str
) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """Split pydantic's loc into the path in the YAML data and the path through the models."""
    node = raw
    data: list[Any] = []
    model: list[Any] = []
    for i, seg in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(node, dict) and node.get("type") == seg and seg not in ("type",) and not last:
            model.append(("tag", seg))  # discriminated union tag (our unions use `type`)
            continue
        if (
            isinstance(node, dict)
            and isinstance(seg, str)
            and (seg in node or (last and err_type == "missing"))
        ):
            data.append(seg)
            model.append(seg)
            node = node.get(seg)
        elif isinstance(node, list) and isinstance(seg, int):
            data.append(seg)
            model.append(seg)
            node = node[seg] if 0 <= seg < len(node) else None
        else:
            model.append(("tag", seg))
    return tuple(data), tuple(model)


def model_at(root: type[BaseModel], path: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic model class at `path` below `root` (field names or aliases, list indexes,
    `("tag", t)` for a union member), or None when the path leaves the models."""
    current: Any = root
    for seg in path:
        current = _resolve(current, seg)
        if current is None:
            return None
    current = _unwrap(current, None)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def allowed_keys(root: type[BaseModel], path: tuple[Any, ...]) -> list[str]:
    """The keys the model at `path` below `root` accepts (aliases where set); [] outside models."""
    model = model_at(root, path)
    return [info.alias or name for name, info in model.model_fields.items()] if model else []


def _union_member(members: list[Any], tag: Any) -> Any:
    models = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]
    if tag is not None:
        for m in models:
            field_info = m.model_fields.get("type")
            if field_info is not None and tag in typing.get_args(field_info.annotation):
                return m
            if m.__name__ == tag:
                return m
    if len(models) == 1:
        return models[0]
    return models[0] if models else (members[0] if len(members) == 1 else None)


def _unwrap(tp: Any, tag: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0], tag)
    if origin in (typing.Union, types.UnionType):
        return _union_member([m for m in typing.get_args(tp) if m is not type(None)], tag)
    return tp


def _resolve(current: Any, seg: Any) -> Any:
    if isinstance(seg, tuple) and seg and seg[0] == "tag":
        return _unwrap(current, seg[1])
    current = _unwrap(current, None)
    if isinstance(seg, int):
        args = typing.get_args(current)
        return args[0] if args else None
    if isinstance(current, type) and issubclass(current, BaseModel):
        for name, info in current.model_fields.items():
            if seg in (name, info.alias):
                return info.annotation
    return None


def _message(
    err: dict[str, Any],
    raw: Any,
    data_path: tuple[Any, ...],
    model_path: tuple[Any, ...],
    root: type[BaseModel],
) -> str:
    kind = err["type"]
    value = _value_at(raw, data_path)
    key = data_path[-1] if data_path else None
    if kind == "extra_forbidden":
        allowed = allowed_keys(root, model_path[:-1])
        return f"unknown key `{key}`{closest(str(key), allowed)}" + (
            f"; expected one of: {', '.join(allowed)}" if allowed else ""
        )
    if kind == "missing":
        return f"missing required key `{key}`"
    if kind in ("union_tag_invalid", "literal_error"):
        return _choice_message(err, value)
    if kind == "union_tag_not_found":
        return "missing required key `type`"
    if kind in _TYPE_WORDS:
        return f"expected {_TYPE_WORDS[kind]}" + _got(value) + _hint(key, value)
    if kind == "string_pattern_mismatch":
        return _pattern_message(err, value)
    if kind == "value_error":
        return str(err["msg"]).removeprefix("Value error, ")
    return str(err["msg"]) + _got(value)


def _choice_message(err: dict[str, Any], value: Any) -> str:
    """An unknown check type or a value outside a Literal's choices."""
    ctx = err.get("ctx", {})
    expected = ctx.get("expected_tags") or ctx.get("expected", "")
    choices = re.findall(r"'([^']*)'", str(expected))
    what = "check type" if err["type"] == "union_tag_invalid" else "value"
    shown = ctx.get("tag", value)
    return f"unknown {what} {shown!r}{closest(str(shown), choices)}; expected one of: {', '.join(choices)}"


def _pattern_message(err: dict[str, Any], value: Any) -> str:
    """A name that does not match its pattern (check names, database/schema names, identifiers)."""
    pattern = str(err.get("ctx", {}).get("pattern", ""))
    if "()" in pattern:  # a check name
        return (
            "expected a name of letters, digits, spaces and _ . , : ( ) + - "
            f"(not starting with a space or punctuation){_got(value)}"
        )
    if "$-" in pattern:  # a database or schema name
        return f"expected a plain name (letters, digits, _, $, -; no Jinja){_got(value)}"
    return f"expected a name made of letters, digits and _ (not starting with a digit){_got(value)}"


def _hint(key: Any, value: Any) -> str:
    if key == "version" and isinstance(value, int | float):
        return f' (quote it: version: "{value}")'
    return ""


def _got(value: Any) -> str:
    return f", got {describe(value)}"


def _value_at(raw: Any, path: tuple[Any, ...]) -> Any:
    node = raw
    for seg in path:
        if (isinstance(node, dict) and seg in node) or (
            isinstance(node, list) and isinstance(seg, int) and 0 <= seg < len(node)
        ):
            node = node[seg]
        else:
            return None
    return node
