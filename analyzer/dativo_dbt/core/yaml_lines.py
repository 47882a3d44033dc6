"""Safe YAML loading that remembers the line of every key and list item (for error messages).

Bounded: a file of at most MAX_FILE_BYTES; anchors/aliases expand to at most MAX_NODES nodes with
at most MAX_ALIASES alias uses (an alias bomb fails at once, before anything is built); integers
of at most MAX_INT_DIGITS digits; duplicate keys are refused. Used for contracts and dativo.yml.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from dativo_dbt.core.errors import DativoError


class LineDict(dict[str, Any]):
    """A mapping from YAML with `line` (its own) and `key_lines` (each key's 1-based line)."""

    line: int = 0
    key_lines: dict[str, int]


class LineList(list[Any]):
    """A sequence from YAML with `line` and `item_lines`."""

    line: int = 0
    item_lines: list[int]


MAX_FILE_BYTES = 5_000_000
MAX_NODES = 100_000
MAX_ALIASES = 1_000
MAX_INT_DIGITS = 30
_INT_TAG = "tag:yaml.org,2002:int"


class _Loader(yaml.SafeLoader):
    def get_single_data(self) -> Any:
        node = self.get_single_node()
        if node is None:
            return None
        check_bounds(node)
        return self.construct_document(node)


def check_bounds(root: yaml.Node) -> None:
    """Refuse a composed document whose aliases expand beyond MAX_NODES nodes (or use more than
    MAX_ALIASES aliases, or refer to themselves) and integers longer than MAX_INT_DIGITS digits."""
    sizes: dict[int, int] = {}
    aliases = 0

    def size(node: yaml.Node) -> int:
        nonlocal aliases
        key = id(node)
        if key in sizes:
            if sizes[key] < 0:
                raise _bounds_error("an alias refers to the node that contains it", node)
            aliases += 1
            if aliases > MAX_ALIASES:
                raise _bounds_error(f"more than {MAX_ALIASES} aliases (*name)", node)
            return sizes[key]
        sizes[key] = -1
        total = 1
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _INT_TAG and len(node.value) > MAX_INT_DIGITS:
                raise _bounds_error(f"an integer of more than {MAX_INT_DIGITS} digits", node)
        else:
            for child in node.value:
                parts = child if isinstance(child, tuple) else (child,)
                total += sum(size(part) for part in parts)
                if total > MAX_NODES:
                    raise _bounds_error(
                        f"the document expands to more than {MAX_NODES} values (anchors and "
                        "aliases included)",
                        node,
                    )
        sizes[key] = total
        return total

    size(root)


def _bounds_error(problem: str, node: yaml.Node) -> yaml.MarkedYAMLError:
    return yaml.constructor.ConstructorError(None, None, problem, node.start_mark)


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


def load_yaml(path: Path, display: str | None = None, *, eof_at_open_node: bool = False) -> Any:
    """Parse one YAML document safely; a syntax error becomes a DativoError with the line
    (`eof_at_open_node`: see `load_yaml_text`)."""
    shown = display or str(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise DativoError(f"the file is larger than {MAX_FILE_BYTES} bytes", path=shown)
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DativoError(f"cannot read the file: {exc}", path=shown) from exc
    return load_yaml_text(text, shown, eof_at_open_node=eof_at_open_node)


def load_yaml_text(text: str, shown: str, *, eof_at_open_node: bool = False) -> Any:
    """`load_yaml` of text already read (`shown`: the file name for messages). A syntax error is
    reported where it was found; with `eof_at_open_node`, one found at the end of the file is
    reported where the node left open began (dativo.yml's convention)."""
    try:
        return yaml.load(text, Loader=_Loader)
    except RecursionError:
        raise DativoError("invalid YAML: nested too deeply", path=shown) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if eof_at_open_node and mark is not None and mark.line >= len(text.splitlines()):
            mark = exc.context_mark or mark
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


def dotted(path: tuple[Any, ...]) -> str:
    """A path into YAML data as messages show it: `quality_checks.soda.checks[0].name`."""
    out = ""
    for seg in path:
        if isinstance(seg, int):
            out += f"[{seg}]"
        else:
            out += ("." if out else "") + str(seg)
    return out or "(top level)"
