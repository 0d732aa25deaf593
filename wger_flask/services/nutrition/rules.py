"""The nutrition domain's write rules, per table (``docs/architecture.md``, "Where a rule
goes"): plans, meals, meal items and diary entries, whoever writes them (REST, the PowerSync
upload, the importer, a command), through ``rest.writes``."""

from __future__ import annotations

from typing import Any

from wger_flask.database import AnySession
from wger_flask.models.ingredients import IngredientWeightUnit
from wger_flask.models.nutrition import LogItem, Meal, MealItem, NutritionPlan
from wger_flask.models.types import utc_today
from wger_flask.rest.errors import ValidationFailed, refuse_end_before_start
from wger_flask.rest.writes import Rules

WRONG_UNIT = "This weight unit does not belong to the ingredient."
WRONG_MEAL = "The meal must belong to the same nutrition plan."


def check_weight_unit(session: AnySession, row: MealItem | LogItem) -> None:
    """A weight unit must be one of the item's ingredient's (else every value is wrong)."""
    if row.weight_unit_id is None:
        return
    unit = session.get(IngredientWeightUnit, row.weight_unit_id)  # loaded by the schema
    if unit is None or unit.ingredient_id != row.ingredient_id:
        raise ValidationFailed({"weight_unit": [WRONG_UNIT]})


def check_nutrition_plan(
    session: AnySession, plan: NutritionPlan, data: dict[str, Any], user: Any, creating: bool
) -> None:
    """Start today unless told; created today; the end (if any) not before the start."""
    if creating:
        plan.creation_date = utc_today()
        if plan.start is None:
            plan.start = utc_today()
    refuse_end_before_start(plan.start, plan.end)


def check_meal(
    session: AnySession, meal: Meal, data: dict[str, Any], user: Any, creating: bool
) -> None:
    """A new meal is number 1 (upstream); meals are ordered by their time."""
    if creating:
        meal.order = 1


def check_meal_item(
    session: AnySession, item: MealItem, data: dict[str, Any], user: Any, creating: bool
) -> None:
    """A new item is number 1 (upstream); its weight unit must be its ingredient's."""
    if creating:
        item.order = 1
    check_weight_unit(session, item)


def check_log_item(
    session: AnySession, entry: LogItem, data: dict[str, Any], user: Any, creating: bool
) -> None:
    """Its weight unit must be its ingredient's; its meal (if any) one of its plan's."""
    check_weight_unit(session, entry)
    if entry.meal_id is not None:
        meal = session.get(Meal, entry.meal_id)  # loaded by the schema
        if meal is None or meal.plan_id != entry.plan_id:
            raise ValidationFailed({"meal": [WRONG_MEAL]})


RULES: dict[type[Any], Rules] = {
    NutritionPlan: Rules(save=check_nutrition_plan),
    Meal: Rules(save=check_meal, parents={"plan_id": NutritionPlan}),
    MealItem: Rules(save=check_meal_item, parents={"meal_id": Meal}),
    LogItem: Rules(save=check_log_item, parents={"plan_id": NutritionPlan, "meal_id": Meal}),
}
