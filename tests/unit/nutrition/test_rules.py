"""The nutrition domain's write rules as plain functions (``services/nutrition/rules.py``)."""

from __future__ import annotations

import datetime as dt

import pytest

from wger_flask.models.nutrition import Meal, NutritionPlan
from wger_flask.models.types import utc_today
from wger_flask.rest.errors import ValidationFailed
from wger_flask.services.nutrition import rules


def test_a_new_plan_starts_and_is_created_today():
    plan = NutritionPlan()
    rules.check_nutrition_plan(None, plan, {}, None, True)
    assert plan.start == plan.creation_date == utc_today()


def test_a_plan_may_end_the_day_it_starts_not_before():
    day = dt.date(2024, 3, 1)
    rules.check_nutrition_plan(None, NutritionPlan(start=day, end=day), {}, None, False)
    with pytest.raises(ValidationFailed) as refused:
        plan = NutritionPlan(start=day, end=day - dt.timedelta(days=1))
        rules.check_nutrition_plan(None, plan, {}, None, False)
    assert refused.value.body == {"end": ["The end date cannot be before the start date."]}


def test_a_new_meal_is_number_one_an_update_keeps_its_order():
    meal = Meal(order=5)
    rules.check_meal(None, meal, {}, None, False)
    assert meal.order == 5
    rules.check_meal(None, meal, {}, None, True)
    assert meal.order == 1
