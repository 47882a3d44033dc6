"""The one piece of Jinja a description may hold: a dbt doc reference, `{{ doc("name") }}`.

dbt renders descriptions; a doc block keeps a long description in a `.md` file. Anything else
between `{{ }}` (or `{% %}`) stays refused (contracts.jinja.jinja_errors): a description is
metadata, not code.
"""

from __future__ import annotations

import re
from typing import Any

_DOC_REF = re.compile(r"""\{\{\s*doc\(\s*(["'])([A-Za-z_][A-Za-z0-9_]*)\1\s*\)\s*\}\}""")
_JINJA = re.compile(r"\{[{%#]")


def only_doc_refs(text: str) -> bool:
    """True when every Jinja delimiter in `text` belongs to a `{{ doc('name') }}` reference."""
    return _JINJA.search(_DOC_REF.sub("", text)) is None


def is_description(path: tuple[Any, ...]) -> bool:
    """A description field of a contract or asset (where doc references are allowed)."""
    if not path or path[-1] != "description":
        return False
    if path[:1] == ("asset",):
        return len(path) == 2 or (len(path) == 4 and path[1] == "schema")
    return path == ("data_contract", "description")
