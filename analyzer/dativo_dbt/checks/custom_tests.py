"""Custom checks: which generic tests a contract may name, its arguments as typed data, and which
tests can run inside a batch.

Naming and arguments (README "Security model"): `CustomPolicy` admits the project's own generic
tests, dbt's built-ins and `dativo.yml` `security.allowed_tests`; `custom_arguments` turns every
argument into data (numbers, identifiers, literals we quote, `ref`/`source` we re-emit) and refuses
SQL arguments unless `security.trusted_sql_arguments` trusts the test and the argument.

Batching:

A contract's `custom:` check names a generic test of the project (`test: balance_within_training_range`
or `test: my_package.my_test`). In batched execution such a test can be counted as its own
subquery of the batch query (`select count(*) from (<its SQL>)`: dbt's default `fail_calc`), but
only when its SQL is all there is to it. So a test is batched only when its definition is found
and its body calls none of:

* `config(...)`: it may set `fail_calc`, `where`, `warn_if`... (what dbt counts), or severity;
* `ref(...)` / `source(...)`: dbt learns a test's dependencies while parsing it, which a batch
  does not do for the tests inside it.

Everything else keeps its own test node, as in per-check execution.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dativo_dbt.checks import literals
from dativo_dbt.checks.literals import LiteralError
from dativo_dbt.config.loader import load_config
from dativo_dbt.contracts.policy import CustomArgumentError, CustomPolicy
from dativo_dbt.core.dbt_project import read_dbt_project

_TEST_BLOCK = re.compile(
    r"\{%-?\s*test\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(.*?%\}(.*?)\{%-?\s*endtest\s*-?%\}", re.DOTALL
)
_DISQUALIFYING = re.compile(r"\b(config|ref|source)\s*\(")


def _macro_paths(project_dir: Path) -> list[Path]:
    data = read_dbt_project(project_dir)
    paths = (data or {}).get("macro-paths")
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        paths = ["macros"]
    # generic tests may also live under test-paths/generic (dbt's convention)
    tests = (data or {}).get("test-paths")
    generic = [f"{p}/generic" for p in (tests if isinstance(tests, list) else ["tests"])]
    return [project_dir / p for p in [*paths, *generic] if isinstance(p, str)]


def _scan(paths: list[Path], prefix: str) -> dict[str, bool]:
    found: dict[str, bool] = {}
    for root in paths:
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*.sql")):
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            for match in _TEST_BLOCK.finditer(text):
                name = prefix + match.group(1)
                ok = _DISQUALIFYING.search(match.group(2)) is None
                # defined twice: batch it only if every definition qualifies
                found[name] = found.get(name, True) and ok
    return found


def foldable(project_dir: Path) -> frozenset[str]:
    """Test names (`name` of the project, `package.name` of an installed package) whose SQL a
    batch can run as its own subquery."""
    found = _scan(_macro_paths(project_dir), "")
    packages = project_dir / "dbt_packages"
    if packages.is_dir():
        for package in sorted(p for p in packages.iterdir() if p.is_dir()):
            found.update(_scan(_macro_paths(package), package.name + "."))
    return frozenset(name for name, ok in found.items() if ok)


# --------------------------------------------------------------------------------------------
# Which tests a contract may name, and how its arguments reach the test (README "Security model")

#: Argument names generic tests commonly paste into SQL as written: refused from contracts unless
#: `security.trusted_sql_arguments` trusts the test and the argument.
SQL_ARGUMENTS = frozenset(
    {
        "expression",
        "row_condition",
        "where",
        "condition",
        "sql",
        "filter",
        "predicate",
        "query",
        "expr",
        "select",
        "having",
        "group_by_expression",
        "condition_parser",
        "compare_row_condition",
        "sql_where",
        "ignore_row_if_expression",
    }
)
#: Keys dbt itself gives a test (never from a contract's `arguments:`).
RESERVED_ARGUMENTS = frozenset({"model", "config", "name", "tags", "meta", "severity", "enabled"})
_COLUMN_KEY = re.compile(
    r"^(column_name|field|column(s|_list|_[A-Za-z0-9_]+)?|[A-Za-z0-9_]+_columns?)$"
)
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_NAME = r"\s*'([A-Za-z_][A-Za-z0-9_]*)'\s*"
_REF = re.compile(rf"^\s*ref\({_NAME}\)\s*$")
_SOURCE = re.compile(rf"^\s*source\({_NAME},{_NAME}\)\s*$")
MAX_ARGUMENT_LENGTH = 10_000


def project_policy(project_dir: Path | None) -> CustomPolicy:
    """The policy of a dbt project: its generic tests plus the `security:` block of its
    dativo.yml layers (raises DativoError for a bad dativo.yml)."""
    if project_dir is None:
        return CustomPolicy()
    security = load_config(project_dir=project_dir).config.security
    known = (project_dir / "dbt_project.yml").is_file()
    return CustomPolicy(
        project_tests=frozenset(_scan(_macro_paths(project_dir), "")) if known else None,
        allowed=frozenset(security.allowed_tests),
        trusted={k: frozenset(v) for k, v in security.trusted_sql_arguments.items()},
    )


def custom_arguments(
    test: str, arguments: Mapping[str, Any], policy: CustomPolicy
) -> dict[str, Any]:
    """A custom check's `arguments:` as typed data for dbt (raises CustomArgumentError).

    numbers/booleans/null as they are; a `ref('m')` / `source('s', 't')` string re-emitted by
    us; a string under a column key (`column_name`, `field`, `*_column`, `columns`...) or
    `{column: name}` an identifier; `{keyword: word}` an identifier that is not a column;
    every other string a SQL string literal we quote. SQL arguments only when trusted."""
    policy.check_test(test)
    out: dict[str, Any] = {}
    for key, value in arguments.items():
        if key in RESERVED_ARGUMENTS:
            raise CustomArgumentError(f"`{key}` is set by dbt, not by a contract", key=key)
        if key in SQL_ARGUMENTS or key in policy.trusted.get(test, frozenset()):
            out[key] = _trusted_sql(test, key, value, policy)
            continue
        try:
            out[key] = _typed(value, column=bool(_COLUMN_KEY.match(key)))
        except LiteralError as exc:
            raise CustomArgumentError(f"`{key}`: {exc}", key=key) from exc
    if test == "accepted_values" and "values" in out:
        # dbt's accepted_values quotes its values itself; ours are quoted literals already
        if out.get("quote") is True:
            raise CustomArgumentError(
                "`quote`: the values are quoted by dativo-dbt; remove `quote: true`", key="quote"
            )
        out["quote"] = False
    return out


def argument_columns(arguments: Mapping[str, Any]) -> list[tuple[str, tuple[Any, ...]]]:
    """(column, path below `arguments`) for every column of the checked model that a custom
    check's arguments name (`field` beside `to`, as in `relationships`, is the other model's
    column: still an identifier, but not one of this model)."""
    out: list[tuple[str, tuple[Any, ...]]] = []
    for key, value in arguments.items():
        if key == "field" and "to" in arguments:
            continue
        column_key = bool(_COLUMN_KEY.match(key)) and key not in SQL_ARGUMENTS
        items: list[tuple[tuple[Any, ...], Any]] = (
            [((key, i), v) for i, v in enumerate(value)]
            if isinstance(value, list)
            else [((key,), value)]
        )
        for path, item in items:
            if column_key and isinstance(item, str) and _IDENT.match(item):
                out.append((item, path))
            elif isinstance(item, Mapping) and isinstance(item.get("column"), str):
                out.append((item["column"], (*path, "column")))
    return out


def _trusted_sql(test: str, key: str, value: Any, policy: CustomPolicy) -> str:
    if key not in policy.trusted.get(test, frozenset()):
        raise CustomArgumentError(
            f"`{key}` is SQL, which contracts do not carry; refused unless dativo.yml "
            f"`security.trusted_sql_arguments` trusts {test!r} with {key!r}",
            key=key,
        )
    if not isinstance(value, str) or len(value) > MAX_ARGUMENT_LENGTH:
        raise CustomArgumentError(
            f"`{key}`: expected a string (SQL) of at most {MAX_ARGUMENT_LENGTH} characters", key=key
        )
    try:
        return literals.jinja_escape(value)
    except LiteralError as exc:
        raise CustomArgumentError(f"`{key}`: {exc}", key=key) from exc


def _typed(value: Any, *, column: bool) -> Any:
    """One argument value as data (see `custom_arguments`)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return literals.number(value)
    if isinstance(value, list):
        return [_typed(v, column=column) for v in value]
    if isinstance(value, Mapping):
        if len(value) == 1 and ("column" in value or "keyword" in value):
            ((kind, word),) = value.items()
            return _identifier(word, kind)
        raise LiteralError(
            "expected a number, a string, a list, ref('model'), source('name', 'table'), "
            "{column: name} or {keyword: word}"
        )
    if not isinstance(value, str):
        raise LiteralError(f"unsupported value {value!r}")
    if column:
        return _identifier(value, "column")
    relation = _REF.match(value) or _SOURCE.match(value)
    if relation:
        names = ", ".join(f"'{g}'" for g in relation.groups())
        return f"{'ref' if value.strip().startswith('ref') else 'source'}({names})"
    if len(value) > MAX_ARGUMENT_LENGTH:
        raise LiteralError(f"a string of at most {MAX_ARGUMENT_LENGTH} characters is accepted")
    return literals.sql_literal(value)


def _identifier(word: Any, kind: str) -> str:
    if not isinstance(word, str) or not _IDENT.match(word) or len(word) > 128:
        raise LiteralError(
            f"expected a {kind} name (letters, digits, _; at most 128), got {word!r}"
        )
    return word
