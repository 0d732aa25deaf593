"""What the nutritional values of items, meals, plans and diary entries read: one statement each.

Each function takes a SELECT of the rows in question (already limited to what the caller may
see) and reads the amount, the weight unit's grams and the ingredient's values per 100 g in the
same statement, then computes with ``values``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from wger_flask.database import db
from wger_flask.models.ingredients import Ingredient, IngredientWeightUnit
from wger_flask.models.nutrition import LogItem, Meal, MealItem
from wger_flask.services.nutrition import values

PER_100G = tuple(getattr(Ingredient, name) for name in values.ORDER)


def _with_values(items: Select, model: type[MealItem] | type[LogItem]) -> Select:
    """``items`` (a SELECT of meal items or diary entries) reading what their values need."""
    return (
        items.with_only_columns(model.amount, IngredientWeightUnit.gram, *PER_100G)
        .join(Ingredient, Ingredient.id == model.ingredient_id)
        .outerjoin(IngredientWeightUnit, IngredientWeightUnit.id == model.weight_unit_id)
        .order_by(None)
    )


def _row_values(row: Any) -> values.NutritionalValues:
    return values.item_values(row._mapping, row.amount, row.gram)


def one_item(
    items: Select, model: type[MealItem] | type[LogItem]
) -> values.NutritionalValues | None:
    """The values of the one item ``items`` selects, or None when it selects none."""
    row = db.session.execute(_with_values(items, model).limit(1)).first()
    return None if row is None else _row_values(row)


def items_total(items: Select, model: type[MealItem] | type[LogItem]) -> values.NutritionalValues:
    """The summed values of every item ``items`` selects."""
    rows = db.session.execute(_with_values(items, model))
    return values.total(_row_values(row) for row in rows)


def meal_total(meal_id: Any) -> values.NutritionalValues:
    """A meal's values: the sum of its items."""
    return items_total(select(MealItem).where(MealItem.meal_id == meal_id), MealItem)


def plan_total(plan_id: Any) -> values.NutritionalValues:
    """A plan's daily values: the sum of its meals' items."""
    items = select(MealItem).join(Meal, Meal.id == MealItem.meal_id).where(Meal.plan_id == plan_id)
    return items_total(items, MealItem)
