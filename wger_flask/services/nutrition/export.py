"""A user's nutrition data as JSON-ready rows, for the account export."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from wger_flask.database import db
from wger_flask.models.nutrition import LogItem, Meal, MealItem, NutritionPlan
from wger_flask.schemas.nutrition import (
    LogItemSchema,
    MealItemSchema,
    MealSchema,
    NutritionPlanSchema,
)


def export_user(user_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every plan, meal, meal item and diary entry of ``user_id``, each as the API shows it
    (keyed by resource name: ``nutritionplan``, ``meal``, ``mealitem``, ``nutritiondiary``)."""
    plans = select(NutritionPlan).where(NutritionPlan.user_id == user_id)
    meals = select(Meal).join(NutritionPlan).where(NutritionPlan.user_id == user_id)
    items = (
        select(MealItem)
        .join(Meal, Meal.id == MealItem.meal_id)
        .join(NutritionPlan, NutritionPlan.id == Meal.plan_id)
        .where(NutritionPlan.user_id == user_id)
    )
    diary = select(LogItem).join(NutritionPlan).where(NutritionPlan.user_id == user_id)
    return {
        "nutritionplan": _dump(NutritionPlanSchema, plans.order_by(NutritionPlan.start.desc())),
        "meal": _dump(MealSchema, meals.order_by(Meal.plan_id, Meal.time, Meal.id)),
        "mealitem": _dump(MealItemSchema, items.order_by(MealItem.meal_id, MealItem.order)),
        "nutritiondiary": _dump(LogItemSchema, diary.order_by(LogItem.datetime.desc())),
    }


def _dump(schema: type[Any], stmt: Any) -> list[dict[str, Any]]:
    dumped: list[dict[str, Any]] = schema(many=True).dump(db.session.execute(stmt).scalars().all())
    return dumped
