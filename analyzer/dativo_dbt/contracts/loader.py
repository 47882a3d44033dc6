"""Load and validate contract and asset files; every problem names file, line, field and expectation.

`load_contracts(dir)` reads every `*.yml`/`*.yaml` under the contracts directory, resolves
`${VAR}` placeholders (in `violation_handling` and the paths that link contracts and assets, where
seed 000 uses them), validates against the pydantic models, pairs each contract with its asset and
checks that every referenced column exists (asset schema; dbt's catalog.json, or without it the
manifest's columns of a model with an enforced contract: DATIVO-DQ105). All problems of all files are collected, then raised together.
"""

from __future__ import annotations

import json
import os
import re
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from dativo_dbt.contracts.docref import is_description, only_doc_refs
from dativo_dbt.contracts.models import (
    LOCATION_RE,
    Asset,
    ContractFile,
    CustomCheck,
    DataContract,
    GreatExpectationsCheck,
    InlineNullCheck,
    InlineRangeCheck,
    InlineUniqueCheck,
    SodaFreshnessCheck,
    SodaUniquenessCheck,
)
from dativo_dbt.contracts.types import is_timestamp_type
from dativo_dbt.contracts.yaml_lines import LineDict, LineList, line_of, load_yaml
from dativo_dbt.errors import DativoError, DativoErrors
from dativo_dbt.generate.custom_tests import (
    CustomArgumentError,
    CustomPolicy,
    argument_columns,
    custom_arguments,
    project_policy,
)

COLUMN_CODE = "DATIVO-DQ105"
_ENV_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
# where seed 000 uses ${VAR}: the quarantine/notification settings and the file links
_ENV_PATHS: tuple[tuple[str, ...], ...] = (
    ("data_contract", "violation_handling"),
    ("data_contract", "asset_ref"),
    ("asset", "data_contract", "contract_path"),
)


@dataclass
class LoadedFile:
    path: Path
    display: str
    raw: Any
    model: ContractFile


@dataclass
class Contract:
    """A validated contract with its asset (if any) and where things are in the file."""

    contract: DataContract
    path: Path
    display: str
    raw: Any
    asset: Asset | None = None
    asset_display: str | None = None
    asset_raw: Any = None
    check_ids: dict[tuple[str, int], str] = field(default_factory=dict)
    policy: CustomPolicy = field(default_factory=CustomPolicy)

    def line(self, *path: Any) -> int | None:
        return line_of(self.raw, ("data_contract", *path))

    def asset_line(self, *path: Any) -> int | None:
        return line_of(self.asset_raw, ("asset", *path)) if self.asset_raw is not None else None


def contract_files(directory: Path) -> list[Path]:
    found = [p for p in directory.rglob("*") if p.suffix in (".yml", ".yaml")]
    for p in found:  # a contract behind a looping or dangling link must not vanish silently
        if p.is_symlink() and not p.exists():
            raise DativoError(
                "symbolic link does not resolve (a loop, or a missing target)", path=p
            )
    files = [p for p in found if p.is_file()]
    return sorted(files, key=lambda p: p.relative_to(directory).as_posix())


def load_contracts(
    directory: Path,
    *,
    project_dir: Path | None = None,
    display_root: Path | None = None,
    policy: CustomPolicy | None = None,
) -> list[Contract]:
    """Load, validate and cross-check every contract under `directory` (raises DativoErrors).

    `policy`: which tests custom checks may name (default: the project's, see `project_policy`)."""
    if not directory.is_dir():
        raise DativoError(f"no contracts directory at {directory}", path=directory)
    policy = policy if policy is not None else project_policy(project_dir)
    root = display_root or Path.cwd()
    errors: list[DativoError] = []
    loaded: list[LoadedFile] = []
    for path in contract_files(directory):
        display = _display(path, root)
        try:
            raw = load_yaml(path, display)
        except DativoError as exc:
            errors.append(exc)
            continue
        if raw is None:
            errors.append(
                DativoError(
                    "the file is empty; expected a top-level `data_contract:` or `asset:` key",
                    path=display,
                )
            )
            continue
        env_errors = resolve_env(raw, display) + jinja_errors(raw, display)
        errors.extend(env_errors)
        try:
            model = ContractFile.model_validate(raw)
        except ValidationError as exc:
            # one message per field: a Jinja refusal already explains that field
            fields = {e.message.split(": ", 1)[0] for e in env_errors}
            errors.extend(
                e
                for e in validation_errors(exc, raw, display)
                if e.message.split(": ", 1)[0] not in fields
            )
            continue
        if not env_errors:
            loaded.append(LoadedFile(path, display, raw, model))
    contracts = _pair(loaded, errors)
    for item in contracts:
        item.policy = policy
    names: dict[str, str] = {}
    nodes: dict[str, str] = {}
    for item in contracts:
        c = item.contract
        if c.name in names:
            errors.append(
                DativoError(
                    f"data_contract.name: contract {c.name!r} is also defined in {names[c.name]}",
                    path=item.display,
                    line=item.line("name"),
                )
            )
        names.setdefault(c.name, item.display)
        node = _node_key(c)
        if node in nodes:
            errors.append(
                DativoError(
                    f"{node} is governed by two contracts (also {nodes[node]}); dbt allows one "
                    "properties patch per model: merge them",
                    path=item.display,
                    line=item.line("model") or item.line("source") or item.line("name"),
                )
            )
        nodes.setdefault(node, item.display)
        errors.extend(check_contract(item))
    if project_dir is not None:
        errors.extend(check_against_dbt(contracts, project_dir))
    if errors:
        errors.sort(key=lambda e: (e.path or "", e.line or 0))
        raise DativoErrors(errors)
    return contracts


def _node_key(contract: DataContract) -> str:
    ref = contract.source_ref
    return f"source {ref.name}.{ref.table}" if ref else f"model {contract.node_name}"


def _display(path: Path, root: Path) -> str:
    try:
        return os.path.relpath(path, root)
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------------------------
# ${VAR}


def resolve_env(raw: Any, display: str) -> list[DativoError]:
    """Replace `${VAR}` / `${VAR:-default}` in place where the seed uses them."""
    errors: list[DativoError] = []

    def visit(node: Any, path: tuple[Any, ...]) -> Any:
        if isinstance(node, str):

            def repl(match: re.Match[str]) -> str:
                value = os.environ.get(match.group(1))
                if value is None:
                    if match.group(2) is not None:
                        return match.group(2)
                    errors.append(
                        DativoError(
                            f"{_dotted(path)}: environment variable {match.group(1)} is not set "
                            f"(used as ${{{match.group(1)}}}; set it or write ${{{match.group(1)}:-default}})",
                            path=display,
                            line=line_of(raw, path),
                        )
                    )
                    return match.group(0)
                return value

            return _ENV_RE.sub(repl, node)
        if isinstance(node, dict):
            for key in list(node):
                node[key] = visit(node[key], (*path, key))
        elif isinstance(node, list):
            for i, item in enumerate(node):
                node[i] = visit(item, (*path, i))
        return node

    for env_path in _ENV_PATHS:
        parent: Any = raw
        for seg in env_path[:-1]:
            parent = parent.get(seg) if isinstance(parent, dict) else None
        last = env_path[-1]
        if isinstance(parent, dict) and last in parent:
            parent[last] = visit(parent[last], env_path)
    return errors


# --------------------------------------------------------------------------------------------
# Jinja in metadata

_JINJA_RE = re.compile(r"\{[{%#]")
# keys of a check that land in dbt metadata or names (not escaped values)
_CHECK_META_KEYS = frozenset(
    {"name", "description", "test", "column", "type", "expectation", "dimension", "severity"}
)


def refuses_jinja(text: str) -> bool:
    """Whether a contract string that reaches the generated YAML as written (names, descriptions,
    meta, tags, source names...) must be refused: dbt would evaluate its Jinja. The one place to
    allow a narrow, safe form (e.g. a `{{ doc('name') }}` reference)."""
    return _JINJA_RE.search(text) is not None


def _jinja_allowed(path: tuple[Any, ...], text: str) -> bool:
    """Check values: the generator escapes them (literals.jinja_escape / jinja_string); a source's
    schema/database may start with exactly `{{ target.schema }}` / `{{ target.database }}`."""
    if path[:2] == ("data_contract", "source") and path[2:] in (("schema",), ("database",)):
        return re.fullmatch(LOCATION_RE, text) is not None
    if path[:2] != ("data_contract", "quality_checks") or len(path) < 4:
        return False
    if path[2] == "custom":
        return len(path) > 4 and path[4] == "arguments"
    return len(path) > 5 and path[3] == "checks" and path[5] not in _CHECK_META_KEYS


def jinja_errors(raw: Any, display: str) -> list[DativoError]:
    """`{{`, `{%`, `{#` in names and metadata: dbt would evaluate them as Jinja (check values are
    escaped by the generator instead, so they may hold anything)."""
    errors: list[DativoError] = []

    def visit(node: Any, path: tuple[Any, ...]) -> None:
        if isinstance(node, str):
            if (
                refuses_jinja(node)
                and not _jinja_allowed(path, node)
                and not (is_description(path) and only_doc_refs(node))  # {{ doc("name") }}
            ):
                errors.append(
                    DativoError(
                        f"{_dotted(path)}: `{{{{`, `{{%` and `{{#` are not allowed here (dbt would "
                        "evaluate them as Jinja)",
                        path=display,
                        line=line_of(raw, path),
                    )
                )
        elif isinstance(node, dict):
            for key, value in node.items():
                visit(value, (*path, key))
        elif isinstance(node, list):
            for i, item in enumerate(node):
                visit(item, (*path, i))

    visit(raw, ())
    return errors


# --------------------------------------------------------------------------------------------
# pydantic errors -> messages


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


def validation_errors(exc: ValidationError, raw: Any, display: str) -> list[DativoError]:
    """One DativoError per problem (union branches merged), with line and field path."""
    grouped: dict[tuple[Any, ...], list[tuple[dict[str, Any], tuple[Any, ...]]]] = {}
    for details in exc.errors(include_url=False):
        err: dict[str, Any] = dict(details)
        loc = tuple(err["loc"])
        data_path, model_path = _data_path(raw, loc, err["type"])
        if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            data_path = (*data_path, "type")
        grouped.setdefault(data_path, []).append((err, model_path))
    out: list[DativoError] = []
    paths = list(grouped)
    for data_path, errs in sorted(grouped.items(), key=lambda kv: line_of(raw, kv[0]) or 0):
        deeper = any(p[: len(data_path)] == data_path and len(p) > len(data_path) for p in paths)
        if deeper and all(e["type"] in _TYPE_WORDS or e["type"].endswith("_type") for e, _ in errs):
            continue  # a union branch that went deeper explains it better
        messages: list[str] = []
        for error, model_path in errs:
            msg = _message(error, raw, data_path, model_path)
            if msg not in messages:
                messages.append(msg)
        if len(messages) > 1 and all(m.startswith("expected ") for m in messages):
            kinds = [m.split(",")[0][len("expected ") :] for m in messages]
            if "a number" in kinds and "an integer" in kinds:
                kinds.remove("an integer")
            text = "expected " + " or ".join(kinds) + _got(_value_at(raw, data_path))
        else:
            text = "; ".join(messages)
        out.append(
            DativoError(f"{_dotted(data_path)}: {text}", path=display, line=line_of(raw, data_path))
        )
    return out


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


def _model_at(model_path: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic model class that holds the last key of `model_path`."""
    current: Any = ContractFile
    for seg in model_path[:-1]:
        current = _resolve(current, seg)
        if current is None:
            return None
    current = _unwrap(current, None)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(tp: Any, tag: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0], tag)
    if origin in (typing.Union, types.UnionType):
        members = [m for m in typing.get_args(tp) if m is not type(None)]
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


def _fields_of(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _message(
    err: dict[str, Any], raw: Any, data_path: tuple[Any, ...], model_path: tuple[Any, ...]
) -> str:
    from dativo_dbt.generate.mapping import closest

    kind = err["type"]
    value = _value_at(raw, data_path)
    key = data_path[-1] if data_path else None
    if kind == "extra_forbidden":
        model = _model_at(model_path)
        allowed = _fields_of(model) if model else []
        return f"unknown key `{key}`{closest(str(key), allowed)}" + (
            f"; expected one of: {', '.join(allowed)}" if allowed else ""
        )
    if kind == "missing":
        return f"missing required key `{key}`"
    if kind in ("union_tag_invalid", "literal_error"):
        expected = err.get("ctx", {}).get("expected_tags") or err.get("ctx", {}).get("expected", "")
        choices = re.findall(r"'([^']*)'", str(expected))
        what = "check type" if kind == "union_tag_invalid" else "value"
        shown = err.get("ctx", {}).get("tag", value)
        return f"unknown {what} {shown!r}{closest(str(shown), choices)}; expected one of: {', '.join(choices)}"
    if kind == "union_tag_not_found":
        return "missing required key `type`"
    if kind in _TYPE_WORDS:
        return f"expected {_TYPE_WORDS[kind]}" + _got(value) + _hint(key, value)
    if kind == "string_pattern_mismatch":
        pattern = str(err.get("ctx", {}).get("pattern", ""))
        if "()" in pattern:  # a check name
            return (
                "expected a name of letters, digits, spaces and _ . , : ( ) + - "
                f"(not starting with a space or punctuation){_got(value)}"
            )
        if "$-" in pattern:  # a database or schema name
            return f"expected a plain name (letters, digits, _, $, -; no Jinja){_got(value)}"
        return f"expected a name made of letters, digits and _ (not starting with a digit){_got(value)}"
    if kind == "value_error":
        return str(err["msg"]).removeprefix("Value error, ")
    return str(err["msg"]) + _got(value)


def _hint(key: Any, value: Any) -> str:
    if key == "version" and isinstance(value, int | float):
        return f' (quote it: version: "{value}")'
    return ""


def _got(value: Any) -> str:
    from dativo_dbt.generate.literals import _describe

    return f", got {_describe(value)}"


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


def _dotted(path: tuple[Any, ...]) -> str:
    out = ""
    for seg in path:
        if isinstance(seg, int):
            out += f"[{seg}]"
        else:
            out += ("." if out else "") + str(seg)
    return out or "(top level)"


# --------------------------------------------------------------------------------------------
# contracts <-> assets


def _pair(loaded: list[LoadedFile], errors: list[DativoError]) -> list[Contract]:
    assets: list[LoadedFile] = [f for f in loaded if f.model.asset is not None]
    contracts: list[Contract] = []
    for f in loaded:
        dc = f.model.data_contract
        if dc is None:
            continue
        item = Contract(dc, f.path, f.display, f.raw)
        match = _find_asset(f, assets)
        if isinstance(match, DativoError):
            errors.append(match)
        elif match is not None:
            item.asset = match.model.asset
            item.asset_display = match.display
            item.asset_raw = match.raw
        contracts.append(item)
    return contracts


def _find_asset(
    contract_file: LoadedFile, assets: list[LoadedFile]
) -> LoadedFile | DativoError | None:
    dc = contract_file.model.data_contract
    assert dc is not None
    if contract_file.model.asset is not None:
        return contract_file
    ref = dc.asset_ref
    if ref:
        target = (contract_file.path.parent / ref).resolve()
        for a in assets:
            if a.path.resolve() == target:
                return a
        base = Path(ref).name
        for a in assets:
            if a.path.name == base:
                return a
        return DativoError(
            f"data_contract.asset_ref: no asset file {ref!r} (looked for {target} and for "
            f"{base!r} in the contracts directory)",
            path=contract_file.display,
            line=line_of(contract_file.raw, ("data_contract", "asset_ref")),
        )
    for a in assets:
        link = a.model.asset.data_contract if a.model.asset else None
        if (
            link
            and link.contract_path
            and (a.path.parent / link.contract_path).resolve() == contract_file.path.resolve()
        ):
            return a
    for a in assets:
        if a.model.asset is not None and a.model.asset.name == dc.name:
            return a
    return None


# --------------------------------------------------------------------------------------------
# per-contract semantic checks


def check_ids(item: Contract) -> list[tuple[str, str, Any, tuple[Any, ...]]]:
    """(check id, origin, check, path in the file) for every contract check, ids made unique.

    GE checks are named after their expectation, so two of the same kind get `__<column>`.
    """
    c = item.contract
    out: list[tuple[str, str, Any, tuple[Any, ...]]] = []
    qc = c.quality_checks
    if qc.soda:
        for i, s in enumerate(qc.soda.checks):
            out.append((s.name, "soda", s, ("quality_checks", "soda", "checks", i)))
    if qc.great_expectations:
        ge = qc.great_expectations.checks
        counts: dict[str, int] = {}
        for g in ge:
            counts[g.name] = counts.get(g.name, 0) + 1
        for i, g in enumerate(ge):
            cid = g.name
            if counts[g.name] > 1 and g.expectation is None:
                suffix = (
                    g.column
                    or "_".join(str(v) for v in (g.kwargs.get("column_list") or []))
                    or str(i)
                )
                cid = f"{g.name}__{suffix}"
            out.append(
                (
                    cid,
                    "great_expectations",
                    g,
                    ("quality_checks", "great_expectations", "checks", i),
                )
            )
    for i, cu in enumerate(qc.custom):
        out.append((cu.name, "custom", cu, ("quality_checks", "custom", i)))
    return out


def check_contract(item: Contract) -> list[DativoError]:
    from dativo_dbt.generate.mapping import MappingError, map_expectation

    errors: list[DativoError] = []
    seen: dict[str, tuple[Any, ...]] = {}
    for cid, origin, check, path in check_ids(item):
        if cid in seen:
            errors.append(
                DativoError(
                    f"data_contract.{_dotted(path)}.name: check name {cid!r} is used twice "
                    f"(also {_dotted(seen[cid])}); check names are unique per contract",
                    path=item.display,
                    line=item.line(*path, "name"),
                )
            )
        seen.setdefault(cid, path)
        if origin == "great_expectations":
            assert isinstance(check, GreatExpectationsCheck)
            try:
                map_expectation(check.expectation_type, check.column, check.kwargs)
            except MappingError as exc:
                key = (
                    exc.key
                    if exc.key in (check.kwargs or {}) or exc.key in ("name", "column")
                    else "name"
                )
                text = str(exc).removeprefix(f"`{key}`: ")
                errors.append(
                    DativoError(
                        f"data_contract.{_dotted((*path, key))}: {text}",
                        path=item.display,
                        line=item.line(*path, key),
                    )
                )
        if origin == "custom":
            errors.extend(_check_custom(item, check, path))
    errors.extend(_check_columns(item))
    errors.extend(_check_sla(item))
    if not errors:  # whatever generate would refuse, validate reports too
        from dativo_dbt.generate.contract_tests import build_tests

        try:
            build_tests(item)
        except DativoError as exc:
            errors.append(exc)
    return errors


def _check_custom(item: Contract, check: CustomCheck, path: tuple[Any, ...]) -> list[DativoError]:
    """The test a custom check names and its arguments (README "Security model")."""
    try:
        custom_arguments(check.test, check.arguments, item.policy)
    except CustomArgumentError as exc:
        where = (*path, "arguments", exc.key) if exc.key else (*path, "test")
        text = str(exc).removeprefix(f"`{exc.key}`: ")
        return [
            DativoError(
                f"data_contract.{_dotted(where)}: {text}",
                path=item.display,
                line=item.line(*where),
            )
        ]
    return []


def referenced_columns(item: Contract) -> list[tuple[str, str, int | None, str | None]]:
    """(column, field path, line, file) for every column a contract or its asset names."""
    out: list[tuple[str, str, int | None, str | None]] = []

    def add(col: str | None, path: tuple[Any, ...]) -> None:
        if col:
            out.append((col, "data_contract." + _dotted(path), item.line(*path), item.display))

    for _cid, origin, check, path in check_ids(item):
        add(getattr(check, "column", None), (*path, "column"))
        if origin == "custom":
            for col, below in argument_columns(check.arguments):
                add(col, (*path, "arguments", *below))
        if isinstance(check, SodaUniquenessCheck) and check.columns:
            for j, col in enumerate(check.columns):
                add(col, (*path, "columns", j))
        if origin == "great_expectations":
            for key, value in check.kwargs.items():
                if key in (
                    "column_A",
                    "column_B",
                    "sort_column",
                    "timestamp_column",
                    "date_column_name",
                    "date_col",
                    "sum_total",  # a number, or a column of the model
                ) and isinstance(value, str):
                    add(value, (*path, key))
                if key in ("column_list", "group_by") and isinstance(value, list):
                    for j, col in enumerate(value):
                        if isinstance(col, str):
                            add(col, (*path, key, j))
    sla = item.contract.sla
    if sla:
        if sla.freshness and sla.freshness.column:
            add(sla.freshness.column, ("sla", "freshness", "column"))
        if sla.completeness and sla.completeness.column:
            add(sla.completeness.column, ("sla", "completeness", "column"))
    if item.asset and item.asset.data_contract:
        for i, ic in enumerate(item.asset.data_contract.inline_checks):
            cols = [ic.column] if isinstance(ic, InlineRangeCheck) else list(ic.columns)
            for j, col in enumerate(cols):
                p: tuple[Any, ...] = ("data_contract", "inline_checks", i)
                p = (*p, "column") if isinstance(ic, InlineRangeCheck) else (*p, "columns", j)
                out.append((col, "asset." + _dotted(p), item.asset_line(*p), item.asset_display))
    return out


def _check_columns(item: Contract) -> list[DativoError]:
    from dativo_dbt.generate.mapping import closest

    asset = item.asset
    if asset is None or not asset.schema_:
        return []
    names = [c.name for c in asset.schema_]
    errors = []
    for col, field_path, line, display in referenced_columns(item):
        if asset.column(col) is None:
            errors.append(
                DativoError(
                    f"{field_path}: column {col!r} is not in the asset schema of {asset.name!r}"
                    f"{closest(col, names)}; expected one of: {', '.join(names)}",
                    path=display,
                    line=line,
                    code=COLUMN_CODE,
                )
            )
    return errors


def timestamp_column(item: Contract, which: str) -> str | None:
    """The column an SLA block measures: its `column`, the freshness check's, or the asset's."""
    sla = item.contract.sla
    block = getattr(sla, which, None) if sla else None
    if block is not None and block.column:
        return str(block.column)
    if which == "completeness" and sla and sla.freshness and sla.freshness.column:
        return str(sla.freshness.column)
    if item.contract.quality_checks.soda:
        for s in item.contract.quality_checks.soda.checks:
            if isinstance(s, SodaFreshnessCheck):
                return s.column
    if (
        item.contract.source is not None
        and item.contract.source_ref
        and item.contract.source_ref.loaded_at_field
    ):
        return item.contract.source_ref.loaded_at_field
    if item.asset:
        stamps = [
            c.name
            for c in item.asset.schema_
            if is_timestamp_type(c.type) and c.type.lower() != "date"
        ]
        if len(stamps) == 1:
            return stamps[0]
    return None


def _check_sla(item: Contract) -> list[DativoError]:
    errors = []
    sla = item.contract.sla
    for which in ("freshness", "completeness"):
        block = getattr(sla, which, None) if sla else None
        if block is not None and block.enabled and timestamp_column(item, which) is None:
            errors.append(
                DativoError(
                    f"data_contract.sla.{which}: cannot tell which timestamp column to measure; "
                    f"expected `column:` under sla.{which} (or a soda `freshness` check, or one "
                    "timestamp column in the asset schema)",
                    path=item.display,
                    line=item.line("sla", which),
                )
            )
    sc = item.contract.schema_contract
    if sc and sc.strict_mode and (item.asset is None or not item.asset.schema_):
        errors.append(
            DativoError(
                "data_contract.schema_contract.strict_mode: needs the asset definition's `schema` "
                "(the column types of the enforced dbt contract); expected `asset_ref:` to an asset file",
                path=item.display,
                line=item.line("schema_contract", "strict_mode"),
            )
        )
    return errors


# --------------------------------------------------------------------------------------------
# against dbt artifacts (DATIVO-DQ105)


def check_against_dbt(contracts: list[Contract], project_dir: Path) -> list[DativoError]:
    """Columns named by contracts must exist in the dbt node: its real columns in catalog.json, or
    without it the manifest's declared columns of a model with an enforced contract (complete)."""
    target = project_dir / "target"
    columns = _catalog_columns(target / "catalog.json")
    source_of = "catalog.json"
    if columns is None:
        columns = _manifest_columns(target / "manifest.json")
        source_of = "manifest.json"
    if not columns:
        return []
    from dativo_dbt.generate.mapping import closest

    errors = []
    for item in contracts:
        c = item.contract
        ref = c.source_ref
        key = ("source", f"{ref.name}.{ref.table}") if ref else ("model", c.node_name)
        known = columns.get(key)
        if not known:
            continue
        lowered = {k.lower() for k in known}
        for col, field_path, line, display in referenced_columns(item):
            if col.lower() not in lowered:
                errors.append(
                    DativoError(
                        f"{field_path}: column {col!r} does not exist in dbt {key[0]} {key[1]!r} "
                        f"(target/{source_of}){closest(col.lower(), sorted(lowered))}",
                        path=display,
                        line=line,
                        code=COLUMN_CODE,
                    )
                )
    return errors


def _read_json(path: Path) -> Any:
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DativoError(f"cannot read dbt artifact: {exc}", path=path) from exc


def _catalog_columns(path: Path) -> dict[tuple[str, str], list[str]] | None:
    data = _read_json(path)
    if not isinstance(data, dict):
        return None
    out: dict[tuple[str, str], list[str]] = {}
    for section, kind in (("nodes", "model"), ("sources", "source")):
        for uid, node in (data.get(section) or {}).items():
            parts = uid.split(".")
            if kind == "model" and parts[0] == "model":
                out[("model", parts[-1])] = list((node.get("columns") or {}).keys())
            elif kind == "source" and parts[0] == "source" and len(parts) >= 4:
                out[("source", f"{parts[-2]}.{parts[-1]}")] = list(
                    (node.get("columns") or {}).keys()
                )
    return out


def _manifest_columns(path: Path) -> dict[tuple[str, str], list[str]] | None:
    """Declared columns from the manifest, only for models whose list is complete: those with an
    enforced dbt contract (dbt then requires every column to be declared). Elsewhere the manifest
    holds just the columns a YAML file documents, so an undocumented real column is no error."""
    data = _read_json(path)
    if not isinstance(data, dict):
        return None
    out: dict[tuple[str, str], list[str]] = {}
    for uid, node in (data.get("nodes") or {}).items():
        patch = str(node.get("patch_path") or node.get("original_file_path") or "")
        if "_dativo__" in patch or not node.get("columns") or not _enforced(node):
            continue
        parts = uid.split(".")
        if parts[0] == "model":
            out[("model", parts[-1])] = list(node["columns"].keys())
    return out


def _enforced(node: dict[str, Any]) -> bool:
    """The manifest node has an enforced dbt model contract (top level or in its config)."""
    for holder in (node, node.get("config") or {}):
        contract = holder.get("contract") if isinstance(holder, dict) else None
        if isinstance(contract, dict) and contract.get("enforced") is True:
            return True
    return False


# re-exported for the generator
__all__ = [
    "COLUMN_CODE",
    "Contract",
    "CustomCheck",
    "InlineNullCheck",
    "InlineUniqueCheck",
    "LineDict",
    "LineList",
    "check_ids",
    "load_contracts",
    "timestamp_column",
]
