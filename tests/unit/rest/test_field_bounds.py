"""Every field a client writes has bounds the database can hold: each decimal field of each
schema refuses numbers past its digits with a 400 naming it (never the ``decimal`` overflow the
database driver or ``quantize`` would raise), and each free-form JSON field is a ``FreeJSON``
with a depth and size bound."""

from __future__ import annotations

import decimal
import sys

import pytest
from marshmallow import Schema, ValidationError, fields

from wger_flask.schemas.fields import (
    JSON_MAX_BYTES,
    JSON_MAX_DEPTH,
    DecimalString,
    FreeJSON,
    json_depth,
)


def all_schemas(app) -> list[type[Schema]]:
    """Every schema class the app defines (the app is created: every module is imported)."""
    found, pending = [], list(Schema.__subclasses__())
    while pending:
        schema = pending.pop()
        pending.extend(schema.__subclasses__())
        if schema.__module__.startswith("wger_flask."):
            found.append(schema)
    return sorted(set(found), key=lambda schema: (schema.__module__, schema.__qualname__))


def loaded_fields(app, kind: type[fields.Field]) -> list[tuple[type[Schema], str, fields.Field]]:
    rows = []
    for schema in all_schemas(app):
        for name, field in schema().load_fields.items():
            if isinstance(field, kind):
                rows.append((schema, field.data_key or name, field))
    return rows


def nested(depth: int) -> list:
    """``depth`` levels of arrays, built without recursion."""
    value: list = []
    for _ in range(depth - 1):
        value = [value]
    return value


def load_one(app, schema: type[Schema], key: str, value) -> dict:
    """The errors of loading ``{key: value}`` alone (``partial``), in a request context."""
    with app.test_request_context():
        try:
            schema().load({key: value}, partial=True)
        except ValidationError as error:
            return error.normalized_messages()  # type: ignore[return-value]
    return {}


OVERFLOWING = [
    1e27,
    "1e27",
    -1e27,
    "1000000000000000000000000000.001",
    "-99999999999999999999999999999.999",
    "1e999999999",
    1e308,
    "123456789012345678901234567890.123456789",
]


def test_the_app_writes_decimals_in_many_schemas(app):
    # the generic tests below cover what exists; they must find something to cover
    assert len(loaded_fields(app, DecimalString)) >= 20


def test_every_decimal_field_refuses_overflowing_numbers_naming_the_field(app):
    unexpected = []
    for schema, key, _field in loaded_fields(app, DecimalString):
        for value in OVERFLOWING:
            try:
                errors = load_one(app, schema, key, value)
            except (decimal.DecimalException, ArithmeticError) as error:
                unexpected.append((schema.__name__, key, value, repr(error)))
                continue
            if key not in errors:
                unexpected.append((schema.__name__, key, value, errors))
    assert unexpected == []


def test_every_decimal_field_takes_its_largest_number(app):
    """The bound is the column's: its largest value with all places still loads."""
    refused = []
    for schema, key, field in loaded_fields(app, DecimalString):
        whole = field.max_digits - field.decimal_places
        largest = decimal.Decimal("9" * whole + "." + "9" * field.decimal_places)
        errors = load_one(app, schema, key, str(largest)).get(key, [])
        # a validator of the field may set a smaller range; the digits must not be the reason
        if any("digits" in message or "places" in message for message in errors):
            refused.append((schema.__name__, key, errors))
    assert refused == []


def test_trailing_zeros_past_the_places_are_the_same_number():
    field = DecimalString(5, 2)
    assert field.deserialize("80." + "0" * 60) == decimal.Decimal("80.00")
    with pytest.raises(ValidationError, match="decimal places"):
        field.deserialize("80.001")
    with pytest.raises(ValidationError, match="3 digits before"):
        field.deserialize("1000000000000000000000000000.001")


# schemas of answers only (no route loads them), whose fields are therefore never read
ANSWERS_ONLY = {("DynamicTypeSchema", "params_schema")}


def test_every_free_form_json_field_is_bounded(app):
    loose = [
        (schema.__name__, key)
        for schema, key, field in loaded_fields(app, fields.Raw)
        if not isinstance(field, FreeJSON) and (schema.__name__, key) not in ANSWERS_ONLY
    ]
    assert loose == []
    assert len(loaded_fields(app, FreeJSON)) >= 5


@pytest.mark.parametrize("depth", [JSON_MAX_DEPTH + 1, 1000, sys.getrecursionlimit() + 10])
def test_every_free_form_json_field_refuses_deep_nesting_naming_it(app, depth):
    unexpected = []
    value = {"a": nested(depth - 1)}
    for schema, key, field in loaded_fields(app, FreeJSON):
        errors = load_one(app, schema, key, value if field.object_only else nested(depth))
        if not any("nested" in message for message in errors.get(key, [])):
            unexpected.append((schema.__name__, key, errors))
    assert unexpected == []


def test_every_free_form_json_field_refuses_a_large_value_naming_it(app):
    unexpected = []
    big = {"rules": ["weight"], "padding": "x" * JSON_MAX_BYTES}
    for schema, key, _field in loaded_fields(app, FreeJSON):
        errors = load_one(app, schema, key, big)
        if not any("bytes" in message for message in errors.get(key, [])):
            unexpected.append((schema.__name__, key, errors))
    assert unexpected == []


def test_a_value_within_the_bounds_is_kept_as_sent():
    field = FreeJSON(allow_none=True)
    value = {"colors": ["#fff", {"min": 1.5, "max": None}], "label": "é"}
    assert field.deserialize(value) == value
    assert field.deserialize(nested(JSON_MAX_DEPTH)) == nested(JSON_MAX_DEPTH)
    assert field.deserialize("plain") == "plain"
    assert field.deserialize(None) is None
    with pytest.raises(ValidationError, match="JSON object"):
        FreeJSON(object_only=True).deserialize([1])


def test_json_depth_counts_levels_of_objects_and_arrays():
    values = (1, "x", None, {}, [], [[]], {"a": [1, {"b": {}}]})
    assert [json_depth(value) for value in values] == [0, 0, 0, 1, 1, 2, 4]
    assert json_depth(nested(50_000)) == 50_000
