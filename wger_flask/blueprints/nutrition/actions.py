"""``{id}/nutritional_values/`` of plans, plan infos, meals, meal items and diary entries.

Each is the owner's only (another user's object: 404) and reads with one statement whatever the
size of the plan or meal: the object (in the caller's scope) outer-joined to its items.
"""

from __future__ import annotations

from typing import Any

from flask import Response

from wger_flask.blueprints.nutrition.resources import (
    LOG_ITEM,
    MEAL,
    MEAL_ITEM,
    NUTRITION_PLAN,
    NUTRITION_PLAN_INFO,
    blp,
    ingredient_catalogue,
)
from wger_flask.rest import negotiation, owner_answers
from wger_flask.rest.actions import action
from wger_flask.rest.errors import not_found
from wger_flask.rest.resources import Resource
from wger_flask.schemas.nutrition import NutritionalValuesSchema
from wger_flask.services.nutrition import reads
from wger_flask.services.nutrition.values import NutritionalValues


def plan_values(resource: Resource, pk: str) -> NutritionalValues | None:
    return reads.plan_total(resource.detail_statement(pk, resource.authorize_read()))


def meal_values(resource: Resource, pk: str) -> NutritionalValues | None:
    return reads.meal_total(resource.detail_statement(pk, resource.authorize_read()))


def item_values(resource: Resource, pk: str) -> NutritionalValues | None:
    return reads.item_total(
        resource.detail_statement(pk, resource.authorize_read()), resource.model
    )


SUMMARIES = {
    "nutritionplan": "The plan's daily nutritional values: the sum of its meals' items.",
    "nutritionplaninfo": "The plan's daily nutritional values: the sum of its meals' items.",
    "meal": "The meal's nutritional values: the sum of its items.",
    "mealitem": "The item's nutritional values: its ingredient's per 100 g, for its weight.",
    "nutritiondiary": "The entry's nutritional values: its ingredient's per 100 g, for its weight.",
}


def add_nutritional_values(resource: Resource, compute: Any) -> None:
    """``<resource>/{id}/nutritional_values/`` (GET only)."""

    def view(id: str) -> Response:
        result = compute(resource, id)
        if result is None:
            raise not_found()
        return negotiation.render(result.as_dict())

    view.__doc__ = SUMMARIES[resource.name]
    view.__name__ = view.__qualname__ = f"{resource.name}_nutritional_values"
    action(
        blp,
        resource,
        "nutritional_values",
        detail=True,
        operation_id=f"{resource.name}_nutritional_values_retrieve",
        endpoint=f"{resource.name}-nutritional-values",
        response=NutritionalValuesSchema,
        description="Energy in kcal, the rest in grams",
        errors={404: "Not found"},
    )(view)
    # the items' ingredients and weight units: the ingredient generation is in the key
    owner_answers.keep_answers_of(
        f"nutrition.{resource.name}-nutritional-values", ingredient_catalogue
    )


add_nutritional_values(NUTRITION_PLAN, plan_values)
add_nutritional_values(NUTRITION_PLAN_INFO, plan_values)
add_nutritional_values(MEAL, meal_values)
add_nutritional_values(MEAL_ITEM, item_values)
add_nutritional_values(LOG_ITEM, item_values)
