"""Schemas of nutrition plans, meals, meal items and the diary, in the released 2.7 shapes.

Every id is a UUID a client may choose on create. The ``*Info`` schemas describe the read-only
``nutritionplaninfo`` payload for the OpenAPI document; its ingredients are the catalogue's own
``IngredientInfo`` objects, rendered by the ingredient domain (see ``blueprints/ingredients``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import fields

from wger_flask.models.ingredients import Ingredient, IngredientWeightUnit
from wger_flask.models.nutrition import Meal, NutritionPlan
from wger_flask.schemas.base import BaseSchema
from wger_flask.schemas.fields import (
    Date,
    DateTime,
    DecimalString,
    Related,
    Time,
    UUIDString,
    at_least,
    at_most,
    longest,
)
from wger_flask.schemas.ingredients import (
    IngredientImageSchema,
    IngredientInfoSchema,
    IngredientWeightUnitSchema,
    NutrientValuesSchema,
)

INTEGER_MAX = 2**31 - 1  # what an integer column holds
AMOUNT_MIN, AMOUNT_MAX = Decimal(1), Decimal(1000)


def client_uuid() -> UUIDString:
    return UUIDString(
        allow_none=True,
        metadata={"description": "Optional on create: a client-made UUID (null: made here)"},
    )


class WholeNumber(fields.Integer):
    """An integer that refuses a fractional number instead of truncating it (as DRF)."""

    def _validated(self, value: Any) -> int:
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid")
        return super()._validated(value)


def goal(what: str) -> fields.Integer:
    return WholeNumber(
        allow_none=True,
        validate=[at_least(0), at_most(INTEGER_MAX)],
        metadata={"description": f"Daily goal: {what} (null: none)"},
    )


def amount() -> DecimalString:
    return DecimalString(
        6,
        2,
        required=True,
        validate=[at_least(AMOUNT_MIN), at_most(AMOUNT_MAX)],
        metadata={"description": "Grams, or a count of the weight unit when one is given"},
    )


def weight_unit() -> Related:
    return Related(
        IngredientWeightUnit,
        allow_none=True,
        metadata={"description": "One of the ingredient's weight units (null: grams)"},
    )


class NutritionPlanSchema(BaseSchema):
    id = client_uuid()
    creation_date = Date(dump_only=True)
    start = Date(metadata={"title": "Start date", "description": "Default: today"})
    end = Date(allow_none=True, metadata={"title": "End date"})
    description = fields.String(
        validate=longest(80),
        metadata={
            "description": 'A description of the goal of the plan, e.g. "Gain mass" or '
            '"Prepare for summer"'
        },
    )
    only_logging = fields.Boolean()
    goal_energy = goal("energy in kcal")
    goal_protein = goal("protein in g")
    goal_carbohydrates = goal("carbohydrates in g")
    goal_fat = goal("fat in g")
    goal_fiber = goal("fiber in g")


class MealSchema(BaseSchema):
    id = client_uuid()
    plan = Related(
        NutritionPlan, pk_type="uuid", required=True, metadata={"title": "Nutrition plan"}
    )
    order = fields.Integer(dump_only=True)
    time = Time(allow_none=True, metadata={"title": "Time (approx)"})
    name = fields.String(
        validate=longest(25),
        metadata={
            "description": 'Give meals a textual description / name such as "Breakfast" or '
            '"after workout"'
        },
    )


class MealItemSchema(BaseSchema):
    id = client_uuid()
    meal = Related(Meal, pk_type="uuid", required=True, metadata={"title": "Meal"})
    ingredient = Related(Ingredient, required=True)
    weight_unit = weight_unit()
    order = fields.Integer(dump_only=True)
    amount = amount()


class LogItemSchema(BaseSchema):
    id = client_uuid()
    plan = Related(
        NutritionPlan, pk_type="uuid", required=True, metadata={"title": "Nutrition plan"}
    )
    meal = Related(
        Meal,
        pk_type="uuid",
        allow_none=True,
        metadata={"description": "A meal of the same plan (optional)"},
    )
    ingredient = Related(Ingredient, required=True)
    weight_unit = weight_unit()
    datetime = DateTime(
        metadata={"title": "Date and Time (Approx.)", "description": "Default: now"}
    )
    amount = amount()


class NutritionalValuesSchema(NutrientValuesSchema):
    """Nutritional values: energy in kcal, the rest in grams; the optional ones are null when
    no ingredient gives them."""


class MealItemInfoSchema(BaseSchema):
    id = UUIDString(dump_only=True)
    meal = UUIDString(attribute="meal_id", dump_only=True)
    ingredient = fields.Integer(attribute="ingredient_id", dump_only=True)
    ingredient_obj = fields.Nested(IngredientInfoSchema, dump_only=True)
    weight_unit = fields.Integer(attribute="weight_unit_id", dump_only=True, allow_none=True)
    weight_unit_obj = fields.Nested(IngredientWeightUnitSchema, dump_only=True, allow_none=True)
    image = fields.Nested(IngredientImageSchema, dump_only=True, allow_none=True)
    order = fields.Integer(dump_only=True)
    amount = DecimalString(6, 2, dump_only=True)


class MealInfoSchema(BaseSchema):
    id = UUIDString(dump_only=True)
    plan = UUIDString(attribute="plan_id", dump_only=True)
    order = fields.Integer(dump_only=True)
    time = Time(allow_none=True, dump_only=True)
    name = fields.String(dump_only=True)
    meal_items = fields.Nested(MealItemInfoSchema, many=True, dump_only=True)
    nutritional_values = fields.Nested(NutritionalValuesSchema, dump_only=True)


class NutritionPlanInfoSchema(NutritionPlanSchema):
    meals = fields.Nested(MealInfoSchema, many=True, dump_only=True)
