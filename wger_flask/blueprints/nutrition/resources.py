"""Nutrition plans, their meals and meal items, and the nutrition diary: user-owned data.

Every resource needs authentication (401 otherwise). Lists hold the caller's rows only; another
user's row is a 404 on every method; a body naming a plan or meal the caller does not own is a
403 before anything is written. ``nutritionplaninfo`` is the read-only nested view of a plan
(``info``); the ``nutritional_values`` routes are in ``actions``.
"""

from __future__ import annotations

from typing import Any

from wger_flask.blueprints.nutrition import info
from wger_flask.extensions import db
from wger_flask.models.ingredients import IngredientWeightUnit
from wger_flask.models.nutrition import LogItem, Meal, MealItem, NutritionPlan, utc_today
from wger_flask.rest.errors import ValidationFailed
from wger_flask.rest.filtering import DATE, GT, GTE, LT, LTE, FilterSet, exact
from wger_flask.rest.resources import CRUD, READ_ONLY, Resource, keep_client_id
from wger_flask.rest.smorest import Blueprint
from wger_flask.schemas.nutrition import (
    LogItemSchema,
    MealItemSchema,
    MealSchema,
    NutritionPlanInfoSchema,
    NutritionPlanSchema,
)

blp = Blueprint(
    "nutrition_plans",
    __name__,
    url_prefix="/api/v2",
    description="Nutrition plans, meals, meal items and the nutrition diary",
)

WRONG_UNIT = "This weight unit does not belong to the ingredient."
WRONG_MEAL = "The meal must belong to the same nutrition plan."
END_BEFORE_START = "The end date cannot be before the start date."


def check_weight_unit(row: MealItem | LogItem) -> None:
    """A weight unit must be one of the item's ingredient's (else every value is wrong)."""
    if row.weight_unit_id is None:
        return
    unit = db.session.get(IngredientWeightUnit, row.weight_unit_id)  # loaded by the schema
    if unit is None or unit.ingredient_id != row.ingredient_id:
        raise ValidationFailed({"weight_unit": [WRONG_UNIT]})


# ------------------------------------------------------------------------------ plans


def prepare_plan(plan: NutritionPlan, data: dict, user: Any, creating: bool) -> None:
    """Start today unless told; created today; the end (if any) not before the start."""
    keep_client_id(plan, data, creating)
    if creating:
        plan.creation_date = utc_today()
        if plan.start is None:
            plan.start = utc_today()
    if plan.end is not None and plan.end < plan.start:
        raise ValidationFailed({"end": [END_BEFORE_START]})


PLAN_FILTERS = {
    "creation_date": exact(NutritionPlan.creation_date, "date"),
    "description": exact(NutritionPlan.description, "str"),
    "has_goal_calories": exact(NutritionPlan.has_goal_calories, "bool"),
}
PLAN_ORDER = (NutritionPlan.start.desc(),)

NUTRITION_PLAN = Resource(
    name="nutritionplan",
    model=NutritionPlan,
    schema=NutritionPlanSchema,
    summary="Your nutrition plans: dates, description and daily goals. For everything in a "
    "plan at once, see nutritionplaninfo.",
    actions=CRUD,
    public=False,
    filters=FilterSet(dict(PLAN_FILTERS)),
    default_ordering=PLAN_ORDER,
    before_save=prepare_plan,
).register(blp)

NUTRITION_PLAN_INFO = Resource(
    name="nutritionplaninfo",
    model=NutritionPlan,
    schema=NutritionPlanInfoSchema,
    summary="Your nutrition plans with their meals, meal items, each item's ingredient and "
    "each meal's nutritional values (read only).",
    actions=READ_ONLY,
    public=False,
    filters=FilterSet(dict(PLAN_FILTERS)),
    default_ordering=PLAN_ORDER,
    page_renderer=info.render_page,
    detail_renderer=info.render_detail,
).register(blp)


# ------------------------------------------------------------------------------ meals


def prepare_meal(meal: Meal, data: dict, user: Any, creating: bool) -> None:
    """A new meal is number 1 (upstream); meals are ordered by their time."""
    keep_client_id(meal, data, creating)
    if creating:
        meal.order = 1


MEAL = Resource(
    name="meal",
    model=Meal,
    schema=MealSchema,
    summary="The meals of your nutrition plans.",
    actions=CRUD,
    public=False,
    parents={"plan": NutritionPlan},
    filters=FilterSet(
        {
            "order": exact(Meal.order, "int"),
            "plan": exact(Meal.plan_id, "uuid"),
            "time": exact(Meal.time, "time"),
        }
    ),
    default_ordering=(Meal.time.asc().nulls_last(),),
    before_save=prepare_meal,
).register(blp)


def prepare_meal_item(item: MealItem, data: dict, user: Any, creating: bool) -> None:
    """A new item is number 1 (upstream); its weight unit must be its ingredient's."""
    keep_client_id(item, data, creating)
    if creating:
        item.order = 1
    check_weight_unit(item)


MEAL_ITEM = Resource(
    name="mealitem",
    model=MealItem,
    schema=MealItemSchema,
    summary="The items of your meals: an amount of an ingredient, in grams or a weight unit.",
    actions=CRUD,
    public=False,
    parents={"meal": Meal},
    filters=FilterSet(
        {
            "amount": exact(MealItem.amount, "decimal"),
            "ingredient": exact(MealItem.ingredient_id, "int"),
            "meal": exact(MealItem.meal_id, "uuid"),
            "order": exact(MealItem.order, "int"),
            "weight_unit": exact(MealItem.weight_unit_id, "int"),
        }
    ),
    default_ordering=(MealItem.order,),
    before_save=prepare_meal_item,
).register(blp)


# ------------------------------------------------------------------------------ diary


def prepare_log_item(entry: LogItem, data: dict, user: Any, creating: bool) -> None:
    """Its weight unit must be its ingredient's; its meal (if any) one of its plan's."""
    keep_client_id(entry, data, creating)
    check_weight_unit(entry)
    if entry.meal_id is not None:
        meal = db.session.get(Meal, entry.meal_id)  # loaded by the schema
        if meal is None or meal.plan_id != entry.plan_id:
            raise ValidationFailed({"meal": [WRONG_MEAL]})


LOG_ITEM = Resource(
    name="nutritiondiary",
    model=LogItem,
    schema=LogItemSchema,
    summary="Your nutrition diary: what you ate, when, against which plan (and meal).",
    actions=CRUD,
    public=False,
    parents={"plan": NutritionPlan, "meal": Meal},
    filters=FilterSet(
        {
            "datetime": exact(LogItem.datetime, "datetime", DATE, GT, GTE, LT, LTE),
            "amount": exact(LogItem.amount, "decimal"),
            "ingredient": exact(LogItem.ingredient_id, "int"),
            "plan": exact(LogItem.plan_id, "uuid"),
            "weight_unit": exact(LogItem.weight_unit_id, "int"),
        }
    ),
    default_ordering=(LogItem.datetime.desc(),),
    before_save=prepare_log_item,
).register(blp)
