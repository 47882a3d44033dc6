"""Contract versions: `MAJOR[.MINOR[.PATCH]]` (optionally `v`-prefixed); a breaking change needs
the major number to go up (`1.4` -> `2.0`)."""

from __future__ import annotations

import re

from dativo_dbt.core.errors import DativoError

_VERSION_RE = re.compile(r"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$")


def major_of(version: str, *, path: str | None, line: int | None) -> int:
    """The major number of `version`; exit 2 (naming the file and line) when it is not semver."""
    match = _VERSION_RE.match(version.strip())
    if match is None:
        raise DativoError(
            f"data_contract.version: {version!r} is not a version; use MAJOR.MINOR "
            '(e.g. "1.4") so `diff` can tell a major bump',
            path=path,
            line=line,
        )
    return int(match.group(1))
