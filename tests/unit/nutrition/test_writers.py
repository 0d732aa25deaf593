"""The nutrition domain's rules, broken through every writer (``tests/writers.py``): the REST
routes and a direct service call through ``rest.writes`` (the PowerSync upload as the app 2.x sends a change; the importer joins the list) refuse the same way, with the same status and the same field named."""

from __future__ import annotations

from wger_flask.models.nutrition import LogItem, Meal, MealItem, NutritionPlan


def test_a_plan_ends_after_it_starts(writer, user):
    refused = writer.create(NutritionPlan, {"start": "2024-02-01", "end": "2024-01-01"}, user)
    assert refused.status == 400
    assert refused.body == {"end": ["The end date cannot be before the start date."]}
    made = writer.create(NutritionPlan, {"description": "Cut"}, user)
    assert made.status == 201 and made.body["start"] == made.body["creation_date"]


def test_new_meals_and_items_are_number_one(writer, user, foods):
    plan = writer.create(NutritionPlan, {"description": "Cut"}, user)
    meal = writer.create(Meal, {"plan": plan.id, "order": 7}, user)
    item = writer.create(
        MealItem, {"meal": meal.id, "ingredient": foods.bread, "amount": "2", "order": 9}, user
    )
    # The app 2.x orders its meals and items itself, and upstream's upload keeps its order.
    expected = (7, 9) if writer.name == "powersync" else (1, 1)
    assert (meal.body["order"], item.body["order"]) == expected


def test_a_weight_unit_must_be_the_ingredients(writer, user, foods):
    plan = writer.create(NutritionPlan, {}, user)
    meal = writer.create(Meal, {"plan": plan.id}, user)
    body = {"meal": meal.id, "ingredient": foods.apple, "amount": "2", "weight_unit": foods.slice}
    refused = writer.create(MealItem, body, user)
    assert refused.status == 400
    assert refused.body == {"weight_unit": ["This weight unit does not belong to the ingredient."]}


def test_a_diary_entrys_meal_is_one_of_its_plans(writer, user, foods):
    plan = writer.create(NutritionPlan, {}, user)
    other_plan = writer.create(NutritionPlan, {}, user)
    meal = writer.create(Meal, {"plan": other_plan.id}, user)
    body = {"plan": plan.id, "meal": meal.id, "ingredient": foods.apple, "amount": "100"}
    refused = writer.create(LogItem, body, user)
    assert refused.status == 400
    assert refused.body == {"meal": ["The meal must belong to the same nutrition plan."]}


def test_another_users_plan_is_refused_as_a_parent(writer, user, other_user):
    theirs = writer.create(NutritionPlan, {}, other_user)
    refused = writer.create(Meal, {"plan": theirs.id}, user)
    assert refused.status == 403
