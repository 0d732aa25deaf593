"""Compiled dumpers give exactly what marshmallow gives, for every resource's schema."""

import datetime as dt
import decimal
import uuid
from types import SimpleNamespace

import pytest
from marshmallow import fields
from sqlalchemy import select

from wger_flask.extensions import db
from wger_flask.rest.serialization import compile_dumper
from wger_flask.schemas.base import BaseSchema
from wger_flask.schemas.fields import DateTime, DecimalString, UUIDString


def all_resources(app):
    return app.extensions["wger_resources"]


def test_every_resource_dumps_like_marshmallow(app):
    with app.test_request_context("/api/v2/"):
        for resource in all_resources(app):
            rows = db.session.execute(select(resource.model).limit(25)).scalars().all()
            schema = resource.schema()
            compiled = compile_dumper(resource.schema)
            for row in rows:
                assert compiled(row) == schema.dump(row), resource.name


def test_read_records_dump_like_orm_rows(app):
    """The light records of the read path carry everything the ORM rows do."""
    with app.test_request_context("/api/v2/"):
        for resource in all_resources(app):
            stmt = select(resource.model).order_by(resource.primary_key).limit(25)
            orm_rows = db.session.execute(stmt).scalars().all()
            records = resource.read_plan.page(stmt)
            schema = resource.schema()
            assert [resource.dump(r) for r in records] == [schema.dump(r) for r in orm_rows], (
                resource.name
            )


class Sample(BaseSchema):
    number = fields.Integer()
    text = fields.String(allow_none=True)
    amount = DecimalString(6, 3)
    when = DateTime()
    day = fields.Date()
    ident = UUIDString()
    flag = fields.Boolean()
    email = fields.Email()  # not compiled: served by marshmallow itself
    nested = fields.Nested("Child", many=False)


class Child(BaseSchema):
    name = fields.String()


@pytest.mark.parametrize("amount", [decimal.Decimal("1.5"), decimal.Decimal("0.0001"), 2, None])
def test_value_types(amount):
    obj = SimpleNamespace(
        number=3,
        text=None,
        amount=amount,
        when=dt.datetime(2024, 1, 2, 3, 4, 5),
        day=dt.date(2024, 1, 2),
        ident=uuid.UUID(int=5),
        flag=False,
        email="a@b.example",
        nested=SimpleNamespace(name="x"),
    )
    fields_ok = compile_dumper(Sample)(obj)
    expected = Sample().dump(obj)
    assert fields_ok == expected
    assert fields_ok["when"] == "2024-01-02T03:04:05Z"


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (decimal.Decimal("2.675"), 2, "2.68"),  # half to even: 7 is odd, goes up
        (decimal.Decimal("2.665"), 2, "2.66"),  # 6 is even, stays
        (2.675, 2, "2.68"),  # a float through its text, as DRF (Decimal(2.675) is 2.6749...)
        (decimal.Decimal("80"), 2, "80.00"),
        (decimal.Decimal("80.000"), 2, "80.00"),  # same key as 80 for the cache: same text
        (decimal.Decimal("-0.004"), 2, "-0.00"),
        (None, 2, None),
    ],
)
def test_decimal_string_is_drfs_rendering(value, places, expected):
    from wger_flask.schemas.fields import decimal_string

    assert decimal_string(value, places) == expected
    assert DecimalString(8, places)._serialize(value, "x", None) == expected
