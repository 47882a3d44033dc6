"""Identifiers and literals in warehouse SQL: quoted per adapter, validated where they are names."""

from __future__ import annotations

import re

from dativo_dbt.core.errors import DativoError

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*$")


def quote(ident: str, kind: str = "duckdb") -> str:
    """A quoted identifier: backticks on Spark, double quotes elsewhere."""
    if kind == "spark":
        return "`" + ident.replace("`", "``") + "`"
    return '"' + ident.replace('"', '""') + '"'


def check_ident(ident: str, what: str) -> str:
    """`ident` when it is a plain identifier (letters, digits, _), else DativoError naming `what`."""
    if not _IDENT.match(ident):
        raise DativoError(f"invalid {what} name {ident!r} (letters, digits, _ only)")
    return ident


def sql_string(value: str) -> str:
    """A single-quoted SQL string literal (quotes doubled)."""
    return "'" + value.replace("'", "''") + "'"
