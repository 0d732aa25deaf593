"""Schemas of body tracking: weight entries, measurement categories, measurements, gallery
photos (the released 2.7 shapes: UUID ids a client may choose, measurement ``value`` a JSON
number)."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, missing, validate

from wger_flask.models.body import CHART_TYPES, SOURCES, MeasurementCategory
from wger_flask.schemas.base import BaseSchema
from wger_flask.schemas.fields import (
    Date,
    DateTime,
    DecimalNumber,
    DecimalString,
    FreeJSON,
    Related,
    UUIDString,
    between,
    longest,
    one_of,
)
from wger_flask.services.body.categories import weight_shown
from wger_flask.services.body.metrics import DYNAMIC_TYPE_VALUES, METRIC_TYPES
from wger_flask.services.media import media_url

CLIENT_ID = {"description": "Optional on create: a client-made UUID (null: made here)"}


class MediaURL(fields.String):
    """A stored media name shown as its absolute URL."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return media_url(value)


class WeightInProfileUnit(DecimalString):
    """A weight entry's ``weight``: written as it comes (the rules store it), shown as its
    reading's value in its owner's profile unit, converted in Python from the row's own columns
    and its ``scale`` (read once for a page: ``WeightEntry.scale``), not per row in SQL."""

    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = missing) -> Any:
        scale = obj.scale
        return weight_shown(obj.value, obj.extra_data, scale.category_unit, scale.entry_unit)


class WeightEntrySchema(BaseSchema):
    id = UUIDString(allow_none=True, metadata=CLIENT_ID)
    date = DateTime(metadata={"description": "When you weighed yourself (default: now)"})
    weight = WeightInProfileUnit(5, 2, required=True, validate=between(30, 600))
    # through the scale (which the read plan then loads, for ``weight`` too)
    user = fields.Integer(attribute="scale.user_id", dump_only=True)


class MeasurementCategorySchema(BaseSchema):
    id = UUIDString(allow_none=True, metadata=CLIENT_ID)
    name = fields.String(
        required=True,
        validate=[validate.Length(min=1, error="This field may not be blank."), longest(100)],
    )
    unit = fields.String(validate=longest(30), metadata={"description": "e.g. cm, kg, %"})
    metric_type = fields.String(validate=one_of(METRIC_TYPES))
    is_official = fields.Boolean(dump_only=True)
    order = fields.Integer(validate=between(0, 32767))
    parent = Related(MeasurementCategory, pk_type="uuid", allow_none=True)
    chart_type = fields.String(allow_none=True, validate=one_of(("", *CHART_TYPES)))
    chart_config = FreeJSON(allow_none=True)
    dynamic_type = fields.String(validate=one_of(DYNAMIC_TYPE_VALUES))
    dynamic_params = FreeJSON(allow_none=True)


class MeasurementSchema(BaseSchema):
    id = UUIDString(allow_none=True, metadata=CLIENT_ID)
    category = Related(MeasurementCategory, pk_type="uuid", required=True)
    date = DateTime(metadata={"description": "When it was measured (default: now)"})
    value = DecimalNumber(8, 2, required=True)
    notes = fields.String(validate=longest(100))
    source = fields.String(validate=one_of(SOURCES))
    external_id = UUIDString(
        allow_none=True,
        metadata={"description": "The reading's id in the app it was imported from"},
    )
    extra_data = FreeJSON(allow_none=True, object_only=True)


class GalleryImageSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    date = Date(required=True)
    image = MediaURL(dump_only=True, metadata={"format": "uri"})
    description = fields.String(validate=longest(1000))
    height = fields.Integer(dump_only=True)
    width = fields.Integer(dump_only=True)


class DynamicTypeSchema(BaseSchema):
    value = fields.String()
    label = fields.String()
    params_schema = fields.Raw()


class BucketSchema(BaseSchema):
    count = fields.Integer()
    sum = fields.String()
    min = fields.String()
    max = fields.String()
    category = fields.UUID()
    start = DateTime()
    unit = fields.String(allow_none=True)


class ValueCountSchema(BaseSchema):
    category = fields.UUID()
    value = fields.String()
    unit = fields.String(allow_none=True)
    count = fields.Integer()
    newest = DateTime()
