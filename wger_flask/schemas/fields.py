"""Marshmallow fields that speak DRF's wire format.

Decimals are strings with the column's places (``"0.850"``), datetimes ISO 8601 with their
offset, related rows by primary key (validated to exist, with DRF's message).
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import uuid
from typing import Any

from marshmallow import ValidationError, fields, validate

from wger_flask.database import db
from wger_flask.rest.filtering import (
    CALENDAR_OVERFLOW,
    INT64_MAX,
    NUL_MESSAGE,
    Ignore,
    as_utc,
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

    checked.refuses_nul = True  # type: ignore[attr-defined]
    return checked


if not getattr(fields.String._deserialize, "refuses_nul", False):
    fields.String._deserialize = _refuse_nul(fields.String._deserialize)  # type: ignore[method-assign]


@functools.lru_cache(maxsize=8192)
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


class DecimalString(fields.Decimal):
    """A decimal rendered as a JSON string with fixed places, as DRF does by default."""

    def __init__(self, max_digits: int, places: int, **kwargs: Any) -> None:
        kwargs.setdefault("as_string", True)
        super().__init__(places=places, **kwargs)
        self.max_digits = max_digits
        self.decimal_places = places
        self.metadata.setdefault("format", "decimal")
        self.metadata.setdefault(
            "pattern", rf"^-?\d{{0,{max_digits - places}}}(?:\.\d{{0,{places}}})?$"
        )

    def _validated(self, value: Any) -> decimal.Decimal | None:
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
        if places > self.decimal_places and number != number.quantize(self._quantum()):
            raise ValidationError(
                f"Ensure that there are no more than {self.decimal_places} decimal places."
            )
        if whole_digits > self.max_digits - self.decimal_places:
            raise ValidationError(
                f"Ensure that there are no more than {self.max_digits - self.decimal_places} "
                "digits before the decimal point."
            )
        return number.quantize(self._quantum())

    def _quantum(self) -> decimal.Decimal:
        return decimal.Decimal(1).scaleb(-self.decimal_places)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return decimal_string(value, self.decimal_places)


class DecimalNumber(DecimalString):
    """A decimal sent and read as a JSON number (DRF's ``coerce_to_string=False``), checked as
    ``DecimalString`` checks one."""

    def __init__(self, max_digits: int, places: int, **kwargs: Any) -> None:
        kwargs["as_string"] = False
        super().__init__(max_digits, places, **kwargs)
        self.metadata.pop("pattern", None)
        self.metadata["type"], self.metadata["format"] = "number", "double"

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return None if value is None else float(value)


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


class DateTime(fields.DateTime):
    """ISO 8601 with offset on the way out; naive input is taken as UTC."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="iso", **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.isoformat()

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dt.datetime:
        result = super()._deserialize(value, attr, data, **kwargs)
        try:  # stored in UTC: 9999-12-31T23:59:59-14:00 has no such moment
            return as_utc(result)
        except ValueError:
            raise ValidationError(CALENDAR_OVERFLOW) from None


class TimeOfDay(fields.Time):
    """A time of day, stored without an offset: one given (``"07:30:00Z"``) is dropped, as
    Django's ``parse_time`` drops it for DRF, so a stored time never meets a naive one it
    cannot be compared with."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dt.time:
        return super()._deserialize(value, attr, data, **kwargs).replace(tzinfo=None)


class UUIDString(fields.UUID):
    """A UUID rendered as its hyphenated string."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return None if value is None else str(value)


class Related(fields.Field):
    """A foreign key given by primary key; loads to the id after checking the row exists.

    Bound to the column ``<name>_id`` by default: ``routine = Related(Routine)`` dumps the
    object's ``routine_id`` and loads into ``routine_id``.
    """

    default_error_messages = {
        "does_not_exist": 'Invalid pk "{pk}" - object does not exist.',
        "incorrect_type": "Incorrect type. Expected pk value, received {type}.",
    }

    def __init__(self, model: type, pk_type: str = "int", **kwargs: Any) -> None:
        self.model = model
        self.pk_type = pk_type
        super().__init__(**kwargs)
        self.metadata.setdefault("type", "string" if pk_type == "uuid" else "integer")
        if pk_type == "uuid":
            self.metadata.setdefault("format", "uuid")

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
        # no row has a key beyond 64 bits (and SQLite cannot even be asked about one)
        if (isinstance(pk, int) and abs(pk) > INT64_MAX) or db.session.get(self.model, pk) is None:
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


class RelatedIds(fields.Field):
    """A to-many relationship written and read as a list of primary keys."""

    def __init__(self, model: type, **kwargs: Any) -> None:
        self.model = model
        super().__init__(**kwargs)
        self.metadata.setdefault("type", "array")
        self.metadata.setdefault("items", {"type": "integer"})

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
