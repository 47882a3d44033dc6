"""The exceptions the CLI turns into exit codes (2: input/usage error, 1: gate/violation failure)."""

from __future__ import annotations

import re
from pathlib import Path

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class DativoError(Exception):
    """Bad input: a contract, config, artifact or argument the user must fix. Exit code 2.

    The message names the file (and line / field path when known) and the problem; the CLI prints
    it as one line per problem, never with a traceback.
    """

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        code: str | None = None,
    ) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.code = code
        super().__init__(self.render())

    def render(self) -> str:
        where = ""
        if self.path:
            shown = _CONTROL.sub(lambda m: repr(m.group())[1:-1], self.path)  # a path with CR/LF
            where = shown + (f":{self.line}" if self.line else "") + ": "
        code = f"[{self.code}] " if self.code else ""
        message = re.sub(r"\s*[\r\n]+\s*", " ", self.message)  # one line per problem, always
        return f"{where}{code}{message}"


class DativoErrors(DativoError):
    """Several input problems found in one pass (all are reported, then exit 2)."""

    def __init__(self, errors: list[DativoError]) -> None:
        self.errors = errors
        super().__init__("\n".join(e.render() for e in errors))

    def render(self) -> str:
        return "\n".join(e.render() for e in self.errors)


class GateFailure(Exception):
    """A quality gate or a blocking violation failed. Exit code 1 (output was already printed)."""

    exit_code = 1
