"""Schemas of the core lookup tables."""

from marshmallow import fields, validate

from wger_flask.schemas.base import BaseSchema


class LanguageSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    short_name = fields.String(
        validate=validate.Length(max=2), metadata={"description": "ISO 639-1"}
    )
    full_name = fields.String(validate=validate.Length(max=30))
    full_name_en = fields.String(validate=validate.Length(max=30))


class LicenseSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    full_name = fields.String(validate=validate.Length(max=60))
    short_name = fields.String(validate=validate.Length(max=15))
    url = fields.String(allow_none=True, validate=validate.Length(max=200))


class RepetitionUnitSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(validate=validate.Length(max=100))
    unit_type = fields.String(validate=validate.OneOf(["REPETITIONS", "TIME", "DISTANCE"]))
    multiplier = fields.Integer(allow_none=True)


class RoutineWeightUnitSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(validate=validate.Length(max=100))
