"""What the nutritional values of items, meals, plans and diary entries read: one statement each.

Each function takes the SELECT of the one row asked for, already limited to what the caller may
see (a plan, a meal, a meal item or a diary entry), and reads in the same statement the amount,
the weight unit's grams and the ingredient's values per 100 g of every item under it (outer
joins: a plan or meal without items is still found); then ``values`` computes. None means the
row is not there (for the caller: a 404).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select

from wger_flask.database import db
from wger_flask.models.ingredients import Ingredient, IngredientWeightUnit
from wger_flask.models.nutrition import LogItem, Meal, MealItem, NutritionPlan
from wger_flask.services.nutrition import values

PER_100G = tuple(getattr(Ingredient, name) for name in values.ORDER)
ItemModel = type[MealItem] | type[LogItem]


def _values_of(
    visible: Select[*tuple[Any, ...]], key: Any, item: ItemModel, joins: list[tuple[Any, Any]]
) -> Select[*tuple[Any, ...]]:
    """``visible`` reading its row's ``key`` and, for each item reached by ``joins``, what the
    item's values need (NULLs when it has no items)."""
    stmt = visible.with_only_columns(key, item.amount, IngredientWeightUnit.gram, *PER_100G)
    for target, onclause in joins:
        stmt = stmt.outerjoin(target, onclause)
    return stmt.outerjoin(Ingredient, Ingredient.id == item.ingredient_id).outerjoin(
        IngredientWeightUnit, IngredientWeightUnit.id == item.weight_unit_id
    )


def _total(stmt: Select[*tuple[Any, ...]]) -> values.NutritionalValues | None:
    rows = db.session.execute(stmt).all()
    if not rows:
        return None
    return values.total(
        values.item_values(row._mapping, row.amount, row.gram)
        for row in rows
        if row.amount is not None
    )


def plan_total(visible_plan: Select[*tuple[Any, ...]]) -> values.NutritionalValues | None:
    """A plan's daily values: the sum of its meals' items."""
    joins = [(Meal, Meal.plan_id == NutritionPlan.id), (MealItem, MealItem.meal_id == Meal.id)]
    return _total(_values_of(visible_plan, NutritionPlan.id, MealItem, joins))


def meal_total(visible_meal: Select[*tuple[Any, ...]]) -> values.NutritionalValues | None:
    """A meal's values: the sum of its items."""
    joins = [(MealItem, MealItem.meal_id == Meal.id)]
    return _total(_values_of(visible_meal, Meal.id, MealItem, joins))


def item_total(
    visible_item: Select[*tuple[Any, ...]], model: ItemModel
) -> values.NutritionalValues | None:
    """A meal item's or diary entry's own values."""
    return _total(_values_of(visible_item, model.id, model, []))
