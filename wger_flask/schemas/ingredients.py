"""Schemas of the ingredient catalogue: flat (``ingredient``) and nested (``ingredientinfo``)."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from wger_flask.schemas.base import BaseSchema
from wger_flask.schemas.catalogue import (
    LanguageSchema,
    LicenseFieldsMixin,
    LicenseSchema,
    absolute_url,
)
from wger_flask.schemas.fields import DateTime, DecimalString, UUIDString

MEDIA_PREFIX = "media/"
NUTRISCORE_FIELD = {
    "type": "string",
    "enum": ["a", "b", "c", "d", "e"],
    "nullable": True,
    "description": "Nutri-Score grade from Open Food Facts",
}


def per_100g(nullable: bool = False) -> DecimalString:
    return DecimalString(
        6,
        3,
        allow_none=nullable,
        metadata={"description": "In g per 100g of product"},
    )


class IngredientWeightUnitSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    uuid = UUIDString(dump_only=True)
    ingredient = fields.Integer(attribute="ingredient_id", dump_only=True)
    gram = fields.Integer(metadata={"title": "Amount in grams"})
    name = fields.String(validate=validate.Length(max=200))


class IngredientImageSchema(LicenseFieldsMixin):
    id = fields.Integer(dump_only=True)
    uuid = UUIDString(dump_only=True)
    ingredient_id = fields.Integer(dump_only=True)
    ingredient_uuid = UUIDString(attribute="ingredient.uuid", dump_only=True)
    image = fields.Method("image_url", metadata={"type": "string", "format": "uri"}, dump_only=True)
    created = DateTime(dump_only=True)
    last_update = DateTime(dump_only=True)
    size = fields.Integer()
    width = fields.Integer(dump_only=True)
    height = fields.Integer(dump_only=True)

    def image_url(self, image: Any) -> str:
        return absolute_url(MEDIA_PREFIX + image.image)


class IngredientFieldsMixin(BaseSchema):
    """The columns both ingredient schemas show, in upstream's order."""

    id = fields.Integer(dump_only=True)
    uuid = UUIDString(dump_only=True)
    remote_id = fields.String(allow_none=True, validate=validate.Length(max=200))
    source_name = fields.String(allow_none=True, validate=validate.Length(max=200))
    source_url = fields.String(allow_none=True, validate=validate.Length(max=200))
    code = fields.String(allow_none=True, validate=validate.Length(max=200))
    name = fields.String(validate=validate.Length(min=3, max=200))
    common_name = fields.String(allow_none=True, validate=validate.Length(max=200))
    brand = fields.String(allow_none=True, validate=validate.Length(max=200))
    created = DateTime(dump_only=True)
    last_update = DateTime(dump_only=True)
    last_imported = DateTime(dump_only=True, allow_none=True)
    energy = fields.Integer(metadata={"description": "In kcal per 100g"})
    protein = per_100g()
    carbohydrates = per_100g()
    carbohydrates_sugar = per_100g(nullable=True)
    fat = per_100g()
    fat_saturated = per_100g(nullable=True)
    fiber = per_100g(nullable=True)
    sodium = per_100g(nullable=True)
    is_vegan = fields.Boolean(allow_none=True)
    is_vegetarian = fields.Boolean(allow_none=True)


class IngredientSchema(IngredientFieldsMixin):
    weight_units = fields.Nested(IngredientWeightUnitSchema, many=True, dump_only=True)
    nutriscore = fields.String(allow_none=True, metadata=NUTRISCORE_FIELD)
    license = fields.Integer(attribute="license_id")
    license_title = fields.String(validate=validate.Length(max=300))
    license_object_url = fields.String(validate=validate.Length(max=200))
    license_author = fields.String(validate=validate.Length(max=3500))
    license_author_url = fields.String(validate=validate.Length(max=200))
    license_derivative_source_url = fields.String(validate=validate.Length(max=200))
    language = fields.Integer(attribute="language_id", dump_only=True)


class IngredientInfoSchema(IngredientFieldsMixin):
    nutriscore = fields.String(allow_none=True, metadata=NUTRISCORE_FIELD)
    weight_units = fields.Nested(IngredientWeightUnitSchema, many=True, dump_only=True)
    language = fields.Nested(LanguageSchema, dump_only=True)
    license = fields.Nested(LicenseSchema, dump_only=True)
    license_title = fields.String(validate=validate.Length(max=300))
    license_object_url = fields.String(validate=validate.Length(max=200))
    license_author = fields.String(validate=validate.Length(max=3500))
    license_author_url = fields.String(validate=validate.Length(max=200))
    license_derivative_source_url = fields.String(validate=validate.Length(max=200))
    image = fields.Nested(IngredientImageSchema, dump_only=True, allow_none=True)
    thumbnails = fields.Method(
        "thumbnail_urls",
        dump_only=True,
        metadata={
            "type": "object",
            "nullable": True,
            "properties": {"small": {"type": "string"}, "medium": {"type": "string"}},
        },
    )

    def thumbnail_urls(self, ingredient: Any) -> dict[str, str] | None:
        """No thumbnails are rendered by this server: both sizes are the image itself."""
        image = ingredient.image
        if image is None:
            return None
        url = absolute_url(MEDIA_PREFIX + image.image)
        return {"small": url, "medium": url}


class NutrientValuesSchema(BaseSchema):
    """The nutritional values of an amount of an ingredient (or of a meal, a plan, a day)."""

    energy = fields.Float()
    protein = fields.Float()
    carbohydrates = fields.Float()
    carbohydrates_sugar = fields.Float(allow_none=True)
    fat = fields.Float()
    fat_saturated = fields.Float(allow_none=True)
    fiber = fields.Float(allow_none=True)
    sodium = fields.Float(allow_none=True)


class IngredientValuesSchema(NutrientValuesSchema):
    """What ``get_values`` answers (upstream's ``IngredientValues``)."""

    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        dump_only=True,
        metadata={
            "description": "Never sent by this server: upstream answers a bad amount or unit "
            "with 200, zeros and the messages here; this server answers 400 naming the field"
        },
    )
