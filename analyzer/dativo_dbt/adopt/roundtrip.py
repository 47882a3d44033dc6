"""Round-trip YAML (ruamel.yaml) for the user's own properties files.

`load` picks the indentation that reproduces the file exactly, so a file we leave untouched in
substance dumps back byte for byte; `to_rt` turns generated plain values into ruamel nodes
written like the `_dativo__` files (SQL as literal blocks, SQL literals double-quoted).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

# (mapping, sequence, offset) indentations tried in order; the first that round-trips wins
_STYLES: tuple[tuple[int, int, int], ...] = (
    (2, 4, 2),
    (2, 2, 0),
    (4, 4, 2),
    (4, 6, 4),
    (4, 4, 0),
    (2, 4, 4),
    (3, 5, 3),
)


@dataclass
class Document:
    """A parsed properties file and the dumper that writes it back in its own style."""

    data: Any
    yaml: YAML
    exact: bool  # the unmodified data dumps back to the original text


def _yaml(style: tuple[int, int, int]) -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 10_000
    y.indent(mapping=style[0], sequence=style[1], offset=style[2])
    return y


def dump(doc: Document) -> str:
    out = io.StringIO()
    doc.yaml.dump(doc.data, out)
    return out.getvalue()


def load(text: str) -> Document:
    """Parse `text`; raises ruamel's YAMLError on bad YAML."""
    first: Document | None = None
    for style in _STYLES:
        y = _yaml(style)
        doc = Document(y.load(text), y, False)
        if dump(doc) == text:
            doc.exact = True
            return doc
        first = first or doc
    assert first is not None
    return first


def to_rt(value: Any) -> Any:
    """A generated plain value as ruamel nodes in block style (ruamel nodes pass as they are)."""
    if isinstance(value, (CommentedMap, CommentedSeq)):
        return value
    if isinstance(value, dict):
        m = CommentedMap()
        for k, v in value.items():
            m[k] = to_rt(v)
        return m
    if isinstance(value, (list, tuple)):
        return CommentedSeq(to_rt(v) for v in value)
    if isinstance(value, str) and not isinstance(value, (LiteralScalarString,)):
        if "\n" in value:
            return LiteralScalarString(value)
        if "'" in value:
            return DoubleQuotedScalarString(value)
    return value


__all__ = ["Document", "YAMLError", "dump", "load", "to_rt"]
