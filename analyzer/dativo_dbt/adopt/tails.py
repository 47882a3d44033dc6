"""Edit ruamel containers without moving comments and blank lines.

ruamel attaches what follows a block (a comment, the blank line before the next model) to the
last scalar inside it. Adding or removing at the end of a mapping or sequence must carry that
"tail" to the new last scalar, or blank lines and comments drift to another place.
"""

from __future__ import annotations

import copy
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

_Container = CommentedMap | CommentedSeq


def _block(value: Any) -> bool:
    """A non-empty block-style container (its tail lives inside it)."""
    return (
        isinstance(value, (CommentedMap, CommentedSeq))
        and bool(value)
        and not (value.fa.flow_style())
    )


def _last_slot(node: _Container) -> tuple[_Container, Any, int]:
    """(container, ca key, slot index) where the tail of `node` is stored."""
    if isinstance(node, CommentedMap):
        key = list(node.keys())[-1]
        if _block(node[key]):
            return _last_slot(node[key])
        return node, key, 2
    index = len(node) - 1
    if _block(node[index]):
        return _last_slot(node[index])
    return node, index, 0


def pop_tail(node: Any) -> Any:
    """Detach and return the tail comment of a block container (None when it has none)."""
    if not _block(node):
        return None
    end = _pop_end(node)
    if end is not None:
        return end
    owner, key, slot = _last_slot(node)
    entry = owner.ca.items.get(key)
    if not entry or entry[slot] is None:
        return None
    token = entry[slot]
    text = str(token.value)
    if text.lstrip(" ").startswith("#"):
        # an end-of-line comment stays on its line; only what follows it is the tail
        keep, _, rest = text.partition("\n")
        if not rest:
            return None
        moved = copy.copy(token)
        # a trailing token starts with the line end of the value it follows
        token.value, moved.value = keep + "\n", "\n" + rest
        return moved
    entry[slot] = None
    if not any(entry):
        del owner.ca.items[key]
    return token


def _pop_end(node: Any) -> Any:
    """A tail ruamel keeps in `ca.end` of a container on the last path (after a flow sequence)."""
    while _block(node):
        end = node.ca.end
        if end:
            token = copy.copy(end[0])
            # in `ca.end` a blank line is "\n"; as a value's trailing comment it follows the
            # value's own line end
            token.value = "\n" + "".join(str(t.value) for t in end)
            node.ca.end = []
            return token
        node = node[list(node.keys())[-1]] if isinstance(node, CommentedMap) else node[-1]
    return None


def put_tail(node: Any, token: Any) -> None:
    """Attach `token` as the tail of a block container (no-op for None)."""
    if token is None or not _block(node):
        return
    owner, key, slot = _last_slot(node)
    entry = owner.ca.items.setdefault(key, [None, None, None, None])
    if entry[slot] is None:
        entry[slot] = token
    elif str(entry[slot].value).lstrip(" ").startswith("#") and str(entry[slot].value).endswith(
        "\n"
    ):
        entry[slot].value = str(entry[slot].value) + str(token.value)[1:]


def set_key(mapping: CommentedMap, key: str, value: Any, position: int | None = None) -> None:
    """mapping[key] = value (new key, at `position` or the end) keeping the mapping's tail."""
    at_end = position is None or position >= len(mapping)
    token = pop_tail(mapping) if at_end else None
    if at_end:
        mapping[key] = value
    else:
        mapping.insert(position, key, value)
    put_tail(mapping, token)


def del_key(mapping: CommentedMap, key: str, token: Any = None) -> None:
    """del mapping[key] keeping the mapping's tail (or giving it `token`, a stashed tail)."""
    if list(mapping.keys())[-1] == key:
        token = pop_tail(mapping) or token
    mapping.ca.items.pop(key, None)
    del mapping[key]
    put_tail(mapping, token)


def seq_insert(seq: CommentedSeq, index: int, value: Any) -> None:
    at_end = index >= len(seq)
    token = pop_tail(seq) if at_end else None
    if at_end:
        seq.append(value)
    else:
        seq.insert(index, value)
    put_tail(seq, token)


def seq_delete(seq: CommentedSeq, index: int) -> Any:
    """del seq[index] keeping the tail; returns the tail when the sequence is left empty."""
    token = pop_tail(seq) if index == len(seq) - 1 else None
    del seq[index]
    if not seq:
        return token
    put_tail(seq, token)
    return None


def comment_tokens(node: Any) -> list[Any]:
    """The comment tokens inside a node, in document order (to keep their columns)."""
    out: list[Any] = []
    if isinstance(node, (CommentedMap, CommentedSeq)):
        keys = list(node.keys()) if isinstance(node, CommentedMap) else range(len(node))
        for key in keys:
            out.extend(
                t for t in node.ca.items.get(key) or [] if t is not None and hasattr(t, "column")
            )
            out.extend(comment_tokens(node[key]))
    return out
