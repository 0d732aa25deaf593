"""Nutrition plans, their meals and meal items, and the nutrition diary: user-owned data.

Every resource needs authentication (401 otherwise). Lists hold the caller's rows only; another
user's row is a 404 on every method; a body naming a plan or meal the caller does not own is a
403 before anything is written. ``nutritionplaninfo`` is the read-only nested view of a plan
(``info``); the ``nutritional_values`` routes are in ``actions``. The write rules are the
nutrition domain's (``services/nutrition/rules.py``).
"""

from __future__ import annotations

from typing import Any

from wger_flask.blueprints.nutrition import info
from wger_flask.models.nutrition import LogItem, Meal, MealItem, NutritionPlan
from wger_flask.rest import owner_answers
from wger_flask.rest.filtering import DATE, GT, GTE, LT, LTE, FilterSet, exact
from wger_flask.rest.resources import CRUD, READ_ONLY, Resource
from wger_flask.rest.smorest import Blueprint
from wger_flask.schemas.nutrition import (
    LogItemSchema,
    MealItemSchema,
    MealSchema,
    NutritionPlanInfoSchema,
    NutritionPlanSchema,
)
from wger_flask.services import nutrition

blp = Blueprint(
    "nutrition",
    __name__,
    url_prefix="/api/v2",
    description="Nutrition plans, meals, meal items and the nutrition diary",
)

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
    rules=nutrition.RULES[NutritionPlan],
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


MEAL = Resource(
    name="meal",
    model=Meal,
    schema=MealSchema,
    summary="The meals of your nutrition plans.",
    actions=CRUD,
    public=False,
    filters=FilterSet(
        {
            "order": exact(Meal.order, "int"),
            "plan": exact(Meal.plan_id, "uuid"),
            "time": exact(Meal.time, "time"),
        }
    ),
    default_ordering=(Meal.time.asc().nulls_last(),),
    rules=nutrition.RULES[Meal],
).register(blp)


MEAL_ITEM = Resource(
    name="mealitem",
    model=MealItem,
    schema=MealItemSchema,
    summary="The items of your meals: an amount of an ingredient, in grams or a weight unit.",
    actions=CRUD,
    public=False,
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
    rules=nutrition.RULES[MealItem],
).register(blp)


# ------------------------------------------------------------------------------ diary


LOG_ITEM = Resource(
    name="nutritiondiary",
    model=LogItem,
    schema=LogItemSchema,
    summary="Your nutrition diary: what you ate, when, against which plan (and meal).",
    actions=CRUD,
    public=False,
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
    rules=nutrition.RULES[LogItem],
).register(blp)


# ------------------------------------------------------------------------------ kept answers
# Answers kept per worker under the reader's data stamp (``rest/owner_answers.py``), which
# covers their plans, meals, meal items and diary. ``nutritionplaninfo`` nests each item's
# ingredient as the catalogue renders it (weight units, image, language, license) and every
# nutritional value reads the ingredients' values and units' grams: the ingredient generation,
# which triggers renew on every write to those tables (migrations b6e107786122, 3b9d6f0a2c71),
# is read with the stamp and is in their key. Image URLs are absolute: the key has the URL.


def ingredient_catalogue(user: Any) -> object:
    return user.ingredient_generation


for _resource in ("nutritionplan", "meal", "mealitem", "nutritiondiary"):
    owner_answers.keep_answers_of(f"nutrition.{_resource}-list")
    owner_answers.keep_answers_of(f"nutrition.{_resource}-detail")
owner_answers.keep_answers_of("nutrition.nutritionplaninfo-list", ingredient_catalogue)
owner_answers.keep_answers_of("nutrition.nutritionplaninfo-detail", ingredient_catalogue)
