"""Safe YAML loading that remembers the line of every key and list item (for error messages)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from dativo_dbt.errors import DativoError


class LineDict(dict[str, Any]):
    """A mapping from YAML with `line` (its own) and `key_lines` (each key's 1-based line)."""

    line: int = 0
    key_lines: dict[str, int]


class LineList(list[Any]):
    """A sequence from YAML with `line` and `item_lines`."""

    line: int = 0
    item_lines: list[int]


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = str(key)  # YAML `1: x` or `true: x`; the models report it as an unknown key
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    out = LineList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(path: Path, display: str | None = None) -> Any:
    """Parse one YAML document safely; a syntax error becomes a DativoError with the line."""
    shown = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DativoError(f"cannot read the file: {exc}", path=shown) from exc
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise DativoError(f"invalid YAML: {problem}", path=shown, line=line) from exc
    except yaml.YAMLError as exc:
        raise DativoError(f"invalid YAML: {exc}", path=shown) from exc


def line_of(data: Any, path: tuple[Any, ...]) -> int | None:
    """The line of the deepest node on `path` (keys and list indexes) that exists in `data`."""
    node = data
    line: int | None = getattr(data, "line", None)
    for seg in path:
        if isinstance(node, LineDict) and isinstance(seg, str) and seg in node:
            line = node.key_lines.get(seg, line)
            node = node[seg]
        elif isinstance(node, LineList) and isinstance(seg, int) and 0 <= seg < len(node):
            line = node.item_lines[seg]
            node = node[seg]
        else:
            break
    return line
