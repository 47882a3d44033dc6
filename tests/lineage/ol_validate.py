"""Validate emitted OpenLineage JSON against the spec, as encoded in openlineage-python's generated
models (the client's `openlineage.client.generated.*` attrs classes are generated from the spec's
JSON Schemas; the wheels ship no schema files). Every object is checked field by field against the
class for its position: required fields present, no unknown fields on closed objects, JSON types,
enum values, and the spec's formats (date-time with time, uuid, uri). Known facets are checked
against their own class and `_schemaURL`; our custom facet against the JSON Schema we ship.
"""

from __future__ import annotations

import enum
import json
import types
import typing
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import attr
import jsonschema
from dativo_dbt.lineage import events as ev
from openlineage.client.generated import (
    base,
    data_quality_assertions_dataset,
    datasource_dataset,
    error_message_run,
    job_type_job,
    ownership_dataset,
    parent_run,
)

REPO = Path(__file__).resolve().parents[2]
CUSTOM_SCHEMA = json.loads(
    (REPO / "analyzer/dativo_dbt/lineage/schemas/DativoQualityScoreDatasetFacet.json").read_text()
)

KNOWN_FACETS: dict[str, type] = {
    "dataQualityAssertions": data_quality_assertions_dataset.DataQualityAssertionsDatasetFacet,
    "dataSource": datasource_dataset.DatasourceDatasetFacet,
    "parent": parent_run.ParentRunFacet,
    "errorMessage": error_message_run.ErrorMessageRunFacet,
    "jobType": job_type_job.JobTypeJobFacet,
    "ownership": ownership_dataset.OwnershipDatasetFacet,
}
# The spec requires these even though the Python classes give them defaults.
SPEC_REQUIRED = {
    base.RunEvent: {"eventTime", "producer", "schemaURL", "run", "job"},
    base.BaseFacet: {"_producer", "_schemaURL"},
}


class SpecError(AssertionError):
    pass


def _uri(value: Any, where: str) -> None:
    parsed = urlparse(value) if isinstance(value, str) else None
    if not parsed or not parsed.scheme or not parsed.netloc:
        raise SpecError(f"{where}: not a URI: {value!r}")


def _check_format(name: str, value: Any, where: str) -> None:
    if name in ("producer", "_producer", "schemaURL", "_schemaURL"):
        _uri(value, where)
    elif name == "eventTime":
        if not isinstance(value, str) or "t" not in value.lower():
            raise SpecError(f"{where}: date-time without time: {value!r}")
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            raise SpecError(f"{where}: date-time without offset: {value!r}")
    elif name == "runId":
        uuid.UUID(value)


def _json_key(field: attr.Attribute) -> str:  # type: ignore[type-arg]
    return field.name


def _check_union(tp: Any, value: Any, where: str) -> None:
    errors = []
    for option in typing.get_args(tp):
        try:
            _check_type(option, value, where)
            return
        except SpecError as exc:
            errors.append(str(exc))
    raise SpecError(f"{where}: {value!r} matches none of {tp}: {errors}")


def _check_list(tp: Any, value: Any, where: str) -> None:
    if not isinstance(value, list):
        raise SpecError(f"{where}: expected array, got {type(value).__name__}")
    (item,) = typing.get_args(tp)
    for i, v in enumerate(value):
        _check_type(item, v, f"{where}[{i}]")


def _check_dict(tp: Any, value: Any, where: str) -> None:
    if not isinstance(value, dict):
        raise SpecError(f"{where}: expected object")
    _, val_tp = typing.get_args(tp)
    for k, v in value.items():
        if isinstance(val_tp, type) and issubclass(val_tp, base.BaseFacet):
            check_facet(k, v, val_tp, f"{where}.{k}")
        else:
            _check_type(val_tp, v, f"{where}.{k}")


def _check_none(tp: Any, value: Any, where: str) -> None:
    if value is not None:
        raise SpecError(f"{where}: expected null")


def _check_enum(tp: Any, value: Any, where: str) -> None:
    if value not in {m.value for m in tp}:
        raise SpecError(f"{where}: {value!r} not in enum {tp.__name__}")


def _check_json_scalar(tp: Any, value: Any, where: str) -> None:
    json_types = {str: str, bool: bool, int: int, float: (int, float)}
    if tp not in json_types:
        raise SpecError(f"{where}: unhandled type {tp}")
    if isinstance(value, bool) and tp is not bool:
        raise SpecError(f"{where}: boolean where {tp.__name__} expected")
    if not isinstance(value, json_types[tp]):  # type: ignore[arg-type]
        raise SpecError(f"{where}: expected {tp.__name__}, got {value!r}")


def _checker(tp: Any) -> Callable[[Any, Any, str], None] | None:
    """The check for a type annotation (None: anything goes)."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return _check_union
    if tp is type(None):
        return _check_none
    if tp is Any:
        return None
    if origin is list:
        return _check_list
    if origin is dict:
        return _check_dict
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return _check_enum
    if isinstance(tp, type) and attr.has(tp):
        return check_object
    return _check_json_scalar


def _check_type(tp: Any, value: Any, where: str) -> None:
    check = _checker(tp)
    if check is not None:
        check(tp, value, where)


def check_object(cls: type, value: Any, where: str, *, open_object: bool = False) -> None:
    if not isinstance(value, dict):
        raise SpecError(f"{where}: expected object for {cls.__name__}")
    hints = typing.get_type_hints(cls)
    fields = {_json_key(f): f for f in attr.fields(cls)}
    required = {k for k, f in fields.items() if f.default is attr.NOTHING}
    for klass, extra in SPEC_REQUIRED.items():
        if issubclass(cls, klass):
            required |= extra
    missing = required - value.keys()
    if missing:
        raise SpecError(f"{where}: {cls.__name__} misses required {sorted(missing)}")
    unknown = value.keys() - fields.keys()
    if unknown and not open_object:
        raise SpecError(f"{where}: {cls.__name__} has unknown fields {sorted(unknown)}")
    for key, v in value.items():
        if key not in fields:
            continue
        _check_format(key, v, f"{where}.{key}")
        _check_type(hints[fields[key].name], v, f"{where}.{key}")


def check_facet(key: str, value: Any, slot: type, where: str) -> None:
    """A facet in a facets map: a known facet by its class, ours by its JSON Schema, any other by
    the slot's base class (facets are open objects in the spec)."""
    if key == ev.FACET_KEY:
        if value.get("_schemaURL") != ev.FACET_SCHEMA_URL:
            raise SpecError(f"{where}: wrong _schemaURL {value.get('_schemaURL')}")
        validator = jsonschema.Draft202012Validator(
            CUSTOM_SCHEMA["$defs"]["DativoQualityScoreDatasetFacet"],
            format_checker=jsonschema.FormatChecker(),
        )
        errors = sorted(validator.iter_errors(value), key=str)
        if errors:
            raise SpecError(f"{where}: {errors[0].message}")
        check_object(base.BaseFacet, value, where, open_object=True)
        return
    cls = KNOWN_FACETS.get(key, slot)
    # The spec's facet maps accept any BaseFacet-shaped object (`_producer`, `_schemaURL`); dbt-ol
    # also puts the input facet `dataQualityAssertions` into the dataset's `facets`, as we do.
    if not issubclass(cls, base.BaseFacet):
        raise SpecError(f"{where}: facet {key} ({cls.__name__}) is not a facet")
    if key in KNOWN_FACETS and value.get("_schemaURL") != cls._get_schema():  # type: ignore[attr-defined]
        raise SpecError(f"{where}: _schemaURL {value.get('_schemaURL')} != {cls._get_schema()}")  # type: ignore[attr-defined]
    check_object(cls, value, where, open_object=key not in KNOWN_FACETS)


def validate_run_event(event: dict[str, Any]) -> None:
    """Raise SpecError unless `event` is a spec-valid RunEvent."""
    check_object(base.RunEvent, event, "event")
    if event["schemaURL"] != base.RunEvent._get_schema():
        raise SpecError(f"event.schemaURL {event['schemaURL']}")
