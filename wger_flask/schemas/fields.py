"""Marshmallow fields that speak DRF's wire format.

Decimals are strings with the column's places (``"0.850"``), datetimes ISO 8601 with their
offset, related rows by primary key (validated to exist, with DRF's message).
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import uuid
from collections.abc import Callable
from typing import Any, TypeVar, cast

import orjson
from marshmallow import ValidationError, fields, validate

from wger_flask.database import db
from wger_flask.rest import caches, dateparse
from wger_flask.rest.filtering import (
    CALENDAR_OVERFLOW,
    NUL_MESSAGE,
    Ignore,
    as_utc,
    beyond_any_key,
    parse_bool,
)

# DRF's wording for the messages every client has seen; set once, for every field.
fields.Field.default_error_messages.update(
    {"required": "This field is required.", "null": "This field may not be null."}
)
fields.Integer.default_error_messages.update({"invalid": "A valid integer is required."})
fields.Decimal.default_error_messages.update({"invalid": "A valid number is required."})
fields.Boolean.default_error_messages.update({"invalid": "Must be a valid boolean."})
fields.String.default_error_messages.update(
    {"invalid": "Not a valid string.", "null_characters": NUL_MESSAGE}
)


def _refuse_nul(deserialize: Any) -> Any:
    """Every text field of every schema refuses a NUL character, as DRF's CharField does:
    PostgreSQL cannot store one and SQLite would keep a value no search can match."""

    @functools.wraps(deserialize)
    def checked(self: fields.String, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        result = deserialize(self, value, attr, data, **kwargs)
        if isinstance(result, str) and "\x00" in result:
            raise self.make_error("null_characters")
        return result

    checked.refuses_nul = True  # type: ignore[attr-defined]  # a marker on the function: patched once
    return checked


if not getattr(fields.String._deserialize, "refuses_nul", False):
    # marshmallow's own String, patched for every schema (its types say methods are not assigned)
    fields.String._deserialize = _refuse_nul(fields.String._deserialize)  # type: ignore[method-assign]  # see above


@caches.bounded_lru_cache("decimal_strings", max_bytes=2 * 1024 * 1024, entry_bytes=256)
def decimal_string(value: Any, places: int) -> str | None:
    """DRF's DecimalField output: ``places`` fixed decimals, rounded half to even; a float goes
    through its shortest text first, as DRF does. Cached: equal keys give equal strings
    whatever their exponent (``1.5`` and ``1.50``), so a cached answer is exact."""
    if value is None:
        return None
    if not isinstance(value, decimal.Decimal):
        value = decimal.Decimal(str(value))
    quantum = decimal.Decimal(1).scaleb(-places)
    return format(value.quantize(quantum, rounding=decimal.ROUND_HALF_EVEN), "f")


def messages_of(error: ValidationError) -> dict[str, Any]:
    """A validation error's messages by field (marshmallow leaves ``normalized_messages``
    unannotated; it returns a dict)."""
    messages: dict[str, Any] = error.normalized_messages()  # type: ignore[no-untyped-call]  # unannotated in marshmallow 4.4
    return messages


def _metadata(field: fields.Field[Any]) -> dict[str, Any]:
    """The field's metadata, to complete (marshmallow types it as a read-only Mapping; it is
    the dict the field was given, or a new one)."""
    return cast("dict[str, Any]", field.metadata)


class DecimalString(fields.Decimal):
    """A decimal rendered as a JSON string with fixed places, as DRF does by default."""

    def __init__(self, max_digits: int, places: int, **kwargs: Any) -> None:
        kwargs.setdefault("as_string", True)
        super().__init__(places=places, **kwargs)
        self.max_digits = max_digits
        self.decimal_places = places
        _metadata(self).setdefault("format", "decimal")
        _metadata(self).setdefault(
            "pattern", rf"^-?\d{{0,{max_digits - places}}}(?:\.\d{{0,{places}}})?$"
        )

    def _validated(self, value: Any) -> decimal.Decimal:
        if isinstance(value, bool):
            raise self.make_error("invalid")
        try:
            number = decimal.Decimal(str(value).strip())
        except (decimal.InvalidOperation, ValueError):
            raise self.make_error("invalid") from None
        if not number.is_finite():
            raise self.make_error("special")
        _, digits, exponent = number.as_tuple()
        places = max(-int(exponent), 0)
        whole_digits = max(len(digits) + int(exponent), 0)
        # the size first: quantizing 10**27 to hundredths needs more than the context's 28
        # digits, so an overlong number must be refused before it is quantized
        if whole_digits > self.max_digits - self.decimal_places:
            raise ValidationError(
                f"Ensure that there are no more than {self.max_digits - self.decimal_places} "
                "digits before the decimal point."
            )
        quantized = self._quantized(number)
        if places > self.decimal_places and number != quantized:
            raise ValidationError(
                f"Ensure that there are no more than {self.decimal_places} decimal places."
            )
        return quantized

    def _quantum(self) -> decimal.Decimal:
        return decimal.Decimal(1).scaleb(-self.decimal_places)

    def _quantized(self, number: decimal.Decimal) -> decimal.Decimal:
        """``number`` to the field's places, exact for any number of digits the text had
        (``0.1000…0`` with 60 zeros is 0.10, not an overflow)."""
        context = decimal.Context(prec=max(self.max_digits, len(number.as_tuple().digits)) + 2)
        return number.quantize(self._quantum(), context=context)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return decimal_string(value, self.decimal_places)


class DecimalNumber(DecimalString):
    """A decimal sent and read as a JSON number (DRF's ``coerce_to_string=False``), checked as
    ``DecimalString`` checks one."""

    def __init__(self, max_digits: int, places: int, **kwargs: Any) -> None:
        kwargs["as_string"] = False
        super().__init__(max_digits, places, **kwargs)
        _metadata(self).pop("pattern", None)
        _metadata(self)["type"], _metadata(self)["format"] = "number", "double"

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return None if value is None else float(value)


JSON_MAX_DEPTH = 8
JSON_MAX_BYTES = 16_384


def json_depth(value: Any) -> int:
    """How many levels of objects and arrays ``value`` nests (a scalar: 0, ``{}``: 1), counted
    without recursion, so a body nested past Python's stack is measured, not crashed on."""
    deepest = 0
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        pending.extend((child, depth + 1) for child in children)
    return deepest


class FreeJSON(fields.Raw):
    """A free-form JSON value kept as sent (chart settings, parameters, a log's extra data),
    bounded: at most ``max_depth`` levels of objects and arrays and ``max_bytes`` bytes as
    compact JSON, so no client can store a value the database driver, the exports or another
    client cannot read back. ``object_only``: an object (or null), nothing else."""

    default_error_messages = {
        "too_deep": "Ensure this value is nested no more than {max_depth} levels deep.",
        "too_large": "Ensure this value has no more than {max_bytes} bytes as JSON.",
        "not_object": "Expected a JSON object.",
    }

    def __init__(
        self,
        *,
        max_depth: int = JSON_MAX_DEPTH,
        max_bytes: int = JSON_MAX_BYTES,
        object_only: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.max_depth = max_depth
        self.max_bytes = max_bytes
        self.object_only = object_only

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if self.object_only and not isinstance(value, dict):
            raise self.make_error("not_object")
        if json_depth(value) > self.max_depth:
            raise self.make_error("too_deep", max_depth=self.max_depth)
        try:
            size = len(orjson.dumps(value))
        except (orjson.JSONEncodeError, TypeError):  # not JSON (a writer that is not HTTP)
            raise self.make_error("too_large", max_bytes=self.max_bytes) from None
        if size > self.max_bytes:
            raise self.make_error("too_large", max_bytes=self.max_bytes)
        return value


class QueryFlag(fields.Boolean):
    """A boolean query argument by the one rule of the API (``rest.filtering.parse_bool``):
    ``True`` or ``False`` (case-sensitive); any other value is the default."""

    def __init__(self, default: bool = False, **kwargs: Any) -> None:
        super().__init__(load_default=default, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        try:
            return parse_bool(str(value))
        except Ignore:
            return self.load_default


# ------------------------------------------------------------------------------ validators
# DRF's messages, one copy for every schema.


def at_least(minimum: Any) -> validate.Range:
    return validate.Range(min=minimum, error="Ensure this value is greater than or equal to {min}.")


def at_most(maximum: Any) -> validate.Range:
    return validate.Range(max=maximum, error="Ensure this value is less than or equal to {max}.")


def between(minimum: Any, maximum: Any) -> list[validate.Range]:
    return [at_least(minimum), at_most(maximum)]


def longest(characters: int) -> validate.Length:
    return validate.Length(
        max=characters, error="Ensure this field has no more than {max} characters."
    )


def one_of(choices: Any) -> validate.OneOf:
    return validate.OneOf(choices, error='"{input}" is not a valid choice.')


# ------------------------------------------------------------------------------ dates and times
# Every date, time and datetime of every schema reads its text as upstream does
# (``rest.dateparse``: Django's parsers, which DRF's fields call) and answers DRF's messages.

DATE_FORMAT = "YYYY-MM-DD"
TIME_FORMAT = "hh:mm[:ss[.uuuuuu]]"
DATETIME_FORMAT = "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]"


_Parsed = TypeVar("_Parsed")


def _parsed(parse: Callable[[Any], _Parsed | None], value: Any) -> _Parsed | None:
    try:
        return parse(value)
    except (ValueError, TypeError, OverflowError):  # well formed, but no such date or time
        return None


class _ReadAsUpstream(fields.Field[Any]):
    """``_deserialize`` through one of ``rest.dateparse``'s parsers (``parse``), or the field's
    "invalid" message: what Date and Time share."""

    parse: Callable[[Any], Any]

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        parsed = _parsed(type(self).parse, value)
        if parsed is None:
            raise self.make_error("invalid")
        return parsed


class Date(_ReadAsUpstream, fields.Date):
    """A date: ``2026-12-06``, also ``2026-12-6`` and ``20261206`` (upstream accepts them);
    stored and answered as ``YYYY-MM-DD``."""

    parse = staticmethod(dateparse.parse_date)
    default_error_messages = {
        "invalid": f"Date has wrong format. Use one of these formats instead: {DATE_FORMAT}."
    }


class Time(_ReadAsUpstream, fields.Time):
    """A time of day: ``17:00:00``, also ``17:0:00``, ``17:00`` and ``170000``; an offset is
    dropped (upstream drops it); answered as ``hh:mm:ss``."""

    parse = staticmethod(dateparse.parse_time)
    default_error_messages = {
        "invalid": f"Time has wrong format. Use one of these formats instead: {TIME_FORMAT}."
    }


class DateTime(fields.DateTime):
    """ISO 8601 in UTC on the way out, as DRF writes it (``2026-12-06T06:00:00Z``); on the way in whatever upstream accepts
    (``2026-12-06T06:0:00Z``, ``2026-12-06 06:00``, a date alone meaning its midnight),
    naive input taken as UTC, stored in UTC."""

    default_error_messages = {
        "invalid": (
            f"Datetime has wrong format. Use one of these formats instead: {DATETIME_FORMAT}."
        )
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="iso", **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return dateparse.iso_datetime(value)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dt.datetime:
        parsed = _parsed(dateparse.parse_datetime, value)
        if parsed is None:
            raise self.make_error("invalid")
        try:  # stored in UTC: 9999-12-31T23:59:59-14:00 has no such moment
            return as_utc(parsed)
        except ValueError:
            raise ValidationError(CALENDAR_OVERFLOW) from None


class UUIDString(fields.UUID):
    """A UUID rendered as its hyphenated string."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return None if value is None else str(value)


class Related(fields.Field[Any]):
    """A foreign key given by primary key; loads to the id after checking the row exists.

    Bound to the column ``<name>_id`` by default: ``routine = Related(Routine)`` dumps the
    object's ``routine_id`` and loads into ``routine_id``.
    """

    default_error_messages = {
        "does_not_exist": 'Invalid pk "{pk}" - object does not exist.',
        "incorrect_type": "Incorrect type. Expected pk value, received {type}.",
    }

    def __init__(self, model: type[Any], pk_type: str = "int", **kwargs: Any) -> None:
        self.model = model
        self.pk_type = pk_type
        super().__init__(**kwargs)
        _metadata(self).setdefault("type", "string" if pk_type == "uuid" else "integer")
        if pk_type == "uuid":
            _metadata(self).setdefault("format", "uuid")

    def _bind_to_schema(self, field_name: str, parent: Any) -> None:
        super()._bind_to_schema(field_name, parent)
        # dump reads, and load writes, the foreign-key column: ``routine`` ↔ ``routine_id``
        self.attribute = self.attribute or f"{field_name}_id"

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if value is None:
            return None
        return str(value) if isinstance(value, uuid.UUID) else value

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        pk = self.coerce(value)
        if beyond_any_key(self.model, pk) or db.session.get(self.model, pk) is None:
            raise self.make_error("does_not_exist", pk=value)
        return pk

    def coerce(self, value: Any) -> Any:
        if isinstance(value, (bool, dict, list)):
            raise self.make_error("incorrect_type", type=type(value).__name__)
        try:
            if self.pk_type == "uuid":
                return uuid.UUID(str(value))
            if isinstance(value, float) and not value.is_integer():
                raise ValueError
            return int(value)
        except (TypeError, ValueError, OverflowError):
            raise self.make_error("incorrect_type", type=type(value).__name__) from None


def existing(model: type) -> Any:
    """A validator of an integer field holding a primary key (where the field stays a plain
    integer on the wire): the row must exist, with ``Related``'s message naming the field, so a
    key beyond any column (``2**63``, ``10**30``) is the field's 400, not the database's."""

    def check(pk: Any) -> None:
        if pk is None:
            return
        if beyond_any_key(model, pk) or db.session.get(model, pk) is None:
            raise ValidationError(f'Invalid pk "{pk}" - object does not exist.')

    return check


class RelatedIds(fields.Field[Any]):
    """A to-many relationship written and read as a list of primary keys."""

    def __init__(self, model: type[Any], **kwargs: Any) -> None:
        self.model = model
        super().__init__(**kwargs)
        _metadata(self).setdefault("type", "array")
        _metadata(self).setdefault("items", {"type": "integer"})

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return [item.id for item in value or ()]

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, list):
            raise ValidationError(
                f'Expected a list of items but got type "{type(value).__name__}".'
            )
        ids = []
        for item in value:
            if isinstance(item, bool) or not isinstance(item, (int, str)):
                raise ValidationError("Incorrect type. Expected pk value.")
            try:
                ids.append(int(item))
            except ValueError:
                raise ValidationError("Incorrect type. Expected pk value.") from None
        rows = db.session.query(self.model).filter(self.model.id.in_(ids)).all() if ids else []
        found = {row.id for row in rows}
        missing = [pk for pk in ids if pk not in found]
        if missing:
            raise ValidationError(f'Invalid pk "{missing[0]}" - object does not exist.')
        return rows
