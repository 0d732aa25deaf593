"""``nutritionplaninfo``: a plan with its meals, their items and each item's ingredient.

A page reads the plans, their meals and their items with one statement each (the resource's
read plan), then the ingredients of every item on the page with one more, rendered by the
ingredient catalogue itself (``services.ingredients.info_documents``: the same objects as
``ingredientinfo``). Each meal's nutritional values are computed from those objects, so the
number of statements does not depend on the number of plans, meals or items.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Response, request

from wger_flask.rest import negotiation, pagination
from wger_flask.rest.loading import Record
from wger_flask.rest.serialization import compile_dumper
from wger_flask.schemas.fields import decimal_string
from wger_flask.schemas.nutrition import MealSchema, NutritionPlanSchema
from wger_flask.services import ingredients
from wger_flask.services.nutrition import values

dump_plan = compile_dumper(NutritionPlanSchema)
dump_meal = compile_dumper(MealSchema)


def render_plans(plans: list[Record]) -> list[dict[str, Any]]:
    """The info objects of ``plans`` (records with their meals and items loaded)."""
    documents = ingredients.info_documents(
        (item.ingredient_id for plan in plans for meal in plan.meals for item in meal.meal_items),
        request.host_url,
    )
    return [{**dump_plan(plan), "meals": _meals(plan.meals, documents)} for plan in plans]


def _meals(meals: Iterable[Record], documents: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    rendered = []
    for meal in meals:
        items = [_item(item, documents.get(item.ingredient_id)) for item in meal.meal_items]
        total = values.total(part for _, part in items)
        rendered.append(
            {
                **dump_meal(meal),
                "meal_items": [document for document, _ in items],
                "nutritional_values": total.as_dict(),
            }
        )
    return rendered


def _item(
    item: Record, ingredient: dict[str, Any] | None
) -> tuple[dict[str, Any], values.NutritionalValues]:
    """A meal item's info object and its nutritional values."""
    unit = None
    if ingredient is not None and item.weight_unit_id is not None:
        unit = next((u for u in ingredient["weight_units"] if u["id"] == item.weight_unit_id), None)
    document = {
        "id": str(item.id),
        "meal": str(item.meal_id),
        "ingredient": item.ingredient_id,
        "ingredient_obj": ingredient,
        "weight_unit": item.weight_unit_id,
        "weight_unit_obj": unit,
        "image": None if ingredient is None else ingredient["image"],
        "order": item.order,
        "amount": decimal_string(item.amount, 2),
    }
    part = values.ZERO_VALUES
    if ingredient is not None:
        part = values.item_values(ingredient, item.amount, unit["gram"] if unit else None)
    return document, part


def render_page(resource: Any, stmt: Any, page: pagination.PageRequest, filtered: bool) -> Response:
    """The resource's ``page_renderer``: the page's plans, nested."""
    total = resource.count_rows(stmt)
    rows = resource.page_rows(stmt, page) if page.offset < total else []
    body = pagination.envelope(page, total, render_plans(rows))
    negotiation.page_context().pagination = {"next": body["next"], "previous": body["previous"]}
    return negotiation.render(body)


def render_detail(resource: Any, pk: str, user: Any) -> Response:
    """The resource's ``detail_renderer``: one plan, nested (another user's: 404)."""
    record = resource.read_object(pk, user)
    return negotiation.render(render_plans([record])[0])
