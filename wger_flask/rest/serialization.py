"""Compiled dumpers: a marshmallow schema turned into one plain function ``obj -> dict``.

Marshmallow stays the contract (validation on the way in, the OpenAPI components); on the way
out its per-field machinery costs more than the database on a typical page. ``compile_dumper``
reads a schema's declared fields once and builds a closure per field that does only what that
field's ``_serialize`` would do for the values our models hold. Any field it does not know is
served by marshmallow itself (``field.serialize``), so the output is the same by construction;
``tests/unit/test_serialization.py`` checks it against ``schema.dump`` for every schema.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from marshmallow import Schema, fields

from wger_flask.rest.dateparse import iso_datetime
from wger_flask.schemas.fields import (
    Date,
    DateTime,
    DecimalNumber,
    DecimalString,
    Related,
    RelatedIds,
    Time,
    UUIDString,
    decimal_string,
)

Dumper = Callable[[Any], dict[str, Any]]
_CACHE: dict[tuple[type[Schema], frozenset[str] | None], Dumper] = {}


def _getter(attribute: str) -> Callable[[Any], Any]:
    """``getattr`` for a plain or dotted attribute; a missing link in a dotted path is None."""
    if "." not in attribute:
        return lambda obj: getattr(obj, attribute, None)
    first, rest = attribute.split(".", 1)
    tail = _getter(rest)

    def dotted(obj: Any) -> Any:
        value = getattr(obj, first, None)
        return None if value is None else tail(value)

    return dotted


_iso_datetime = iso_datetime


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def _plain_string(value: Any) -> Any:
    return None if value is None else str(value)


def _uuid_string(value: Any) -> str | None:
    return None if value is None else str(value)


def _decimal_formatter(field: DecimalString) -> Callable[[Any], str | None]:
    places = field.decimal_places
    return lambda value: decimal_string(value, places)


def _id_list(value: Any) -> list[Any]:
    return [item.id for item in value or ()]


def _value_converter(field: fields.Field[Any]) -> Callable[[Any], Any] | None:
    """How a known field turns the attribute into JSON; None means "as is"."""
    if isinstance(field, DecimalNumber):
        return lambda value: None if value is None else float(value)
    if isinstance(field, DecimalString):
        return _decimal_formatter(field)
    if isinstance(field, DateTime):
        return _iso_datetime
    if isinstance(field, UUIDString):
        return _uuid_string
    if isinstance(field, RelatedIds):
        return _id_list
    if isinstance(field, Related):
        return lambda value: str(value) if isinstance(value, uuid.UUID) else value
    if type(field) in (fields.Date, fields.Time, Date, Time):
        return _iso
    if type(field) is fields.String:
        return _plain_string
    return None


_AS_IS = (fields.Integer, fields.Boolean, fields.Float, fields.Raw, fields.Dict)


def _reader(field: fields.Field[Any], attribute: str) -> Callable[[Any], Any]:
    """How a field reads its value: its own ``get_value`` if it has one (a value computed from
    several attributes), else the attribute."""
    if type(field).get_value is fields.Field.get_value:
        return _getter(attribute)
    get_value = field.get_value
    return lambda obj: get_value(obj, attribute)


def _field_function(name: str, field: fields.Field[Any], schema: Schema) -> Callable[[Any], Any]:
    attribute = field.attribute or name
    get = _reader(field, attribute)
    if isinstance(field, fields.Method):
        method: Callable[[Any], Any] = getattr(schema, field.serialize_method_name or "")
        return method
    if isinstance(field, fields.Function):
        return field.serialize_func  # type: ignore[return-value]  # None only for a load-only field, never dumped
    if isinstance(field, fields.Nested) and isinstance(field.nested, type):
        child = compile_dumper(field.nested, field.only)
        if field.many:
            return lambda obj: [child(item) for item in (get(obj) or ())]
        return lambda obj: None if (value := get(obj)) is None else child(value)
    if type(field) in _AS_IS:
        return get
    convert = _value_converter(field)
    if convert is not None:
        return lambda obj: convert(get(obj))
    # Unknown to the compiler: let marshmallow do exactly what it always does.
    return lambda obj: field.serialize(name, obj)


def compile_dumper(schema_class: type[Schema], only: Any = None) -> Dumper:
    """The (cached) dump function of a schema class: same output as ``schema_class().dump``."""
    key = (schema_class, frozenset(only) if only else None)
    dumper = _CACHE.get(key)
    if dumper is not None:
        return dumper
    schema = schema_class(only=only) if only else schema_class()
    plan = []
    for name, field in schema.dump_fields.items():
        plan.append((field.data_key or name, _field_function(name, field, schema)))
    plan_tuple = tuple(plan)

    def dump(obj: Any) -> dict[str, Any]:
        return {key: function(obj) for key, function in plan_tuple}

    _CACHE[key] = dump
    return dump
