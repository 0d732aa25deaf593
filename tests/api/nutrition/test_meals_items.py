"""``meal`` and ``mealitem``: defaults, ordering, filters and the rules of amounts and units."""

import pytest


def test_meal_order_is_read_only_and_meals_come_by_time(client, alice, api):
    plan = api.plan()
    late = api.meal(plan, name="Dinner", time="19:00", order=7)
    early = api.meal(plan, name="Breakfast", time="07:30")
    untimed = api.meal(plan, name="Snack")
    assert late["order"] == 1 and untimed["time"] is None
    listed = client.get(f"/api/v2/meal/?plan={plan['id']}", headers=alice).get_json()
    assert [meal["id"] for meal in listed["results"]] == [early["id"], late["id"], untimed["id"]]
    by_time = client.get("/api/v2/meal/?time=07:30", headers=alice).get_json()
    assert [meal["id"] for meal in by_time["results"]] == [early["id"]]


def test_a_meal_time_with_an_offset_is_read_as_drf_reads_it(client, alice, api):
    """Django's parse_time drops the offset: the meal is at 07:30, comparable with the others."""
    plan = api.plan()
    zoned = api.meal(plan, name="Breakfast", time="07:30:00+02:00")
    api.meal(plan, name="Dinner", time="19:00")
    assert zoned["time"] == "07:30:00"
    listed = client.get(f"/api/v2/meal/?plan={plan['id']}", headers=alice).get_json()
    assert [meal["time"] for meal in listed["results"]] == ["07:30:00", "19:00:00"]


def test_meal_needs_a_plan_and_a_short_name(client, alice, api):
    plan = api.plan()
    missing = client.post("/api/v2/meal/", json={"name": "x"}, headers=alice)
    assert missing.status_code == 400 and "plan" in missing.get_json()
    too_long = client.post(
        "/api/v2/meal/", json={"plan": plan["id"], "name": "x" * 26}, headers=alice
    )
    assert too_long.status_code == 400 and "name" in too_long.get_json()
    bad_time = client.post(
        "/api/v2/meal/", json={"plan": plan["id"], "time": "25:00"}, headers=alice
    )
    assert bad_time.status_code == 400 and "time" in bad_time.get_json()


def test_meal_item_defaults_and_shape(api, foods):
    meal = api.meal(api.plan())
    item = api.item(meal, foods.bread, "2", weight_unit=foods.slice, order=9)
    assert list(item) == ["id", "meal", "ingredient", "weight_unit", "order", "amount"]
    assert item["order"] == 1 and item["amount"] == "2.00" and item["weight_unit"] == foods.slice


@pytest.mark.parametrize(
    "amount", ["0.99", "1000.01", "0", "-5", "1.005", "abc", None, "NaN", "1e400"]
)
def test_meal_item_amount_must_be_1_to_1000_with_two_places(client, alice, api, foods, amount):
    meal = api.meal(api.plan())
    body = {"meal": meal["id"], "ingredient": foods.apple, "amount": amount}
    response = client.post("/api/v2/mealitem/", json=body, headers=alice)
    assert response.status_code == 400
    assert "amount" in response.get_json()


@pytest.mark.parametrize("amount", ["1", "1000", "12.25", 999.99])
def test_meal_item_amount_bounds_are_inclusive(api, foods, amount):
    meal = api.meal(api.plan())
    assert api.item(meal, foods.apple, amount)["amount"] in {"1.00", "1000.00", "12.25", "999.99"}


def test_a_weight_unit_of_another_ingredient_is_refused(client, alice, api, foods):
    meal = api.meal(api.plan())
    body = {
        "meal": meal["id"],
        "ingredient": foods.apple,
        "amount": "2",
        "weight_unit": foods.slice,
    }
    response = client.post("/api/v2/mealitem/", json=body, headers=alice)
    assert response.status_code == 400 and "weight_unit" in response.get_json()
    item = api.item(meal, foods.bread, "2", weight_unit=foods.slice)
    # changing only the ingredient would leave the bread's slice on an apple
    changed = client.patch(
        f"/api/v2/mealitem/{item['id']}/", json={"ingredient": foods.apple}, headers=alice
    )
    assert changed.status_code == 400 and "weight_unit" in changed.get_json()
    both = client.patch(
        f"/api/v2/mealitem/{item['id']}/",
        json={"ingredient": foods.apple, "weight_unit": foods.apple_piece},
        headers=alice,
    )
    assert both.status_code == 200 and both.get_json()["weight_unit"] == foods.apple_piece


def test_unknown_ingredient_or_unit_is_a_400(client, alice, api, foods):
    meal = api.meal(api.plan())
    for body in (
        {"ingredient": 999999999, "amount": "1"},
        {"ingredient": foods.apple, "amount": "1", "weight_unit": 999999999},
        {"ingredient": "apple", "amount": "1"},
    ):
        response = client.post(
            "/api/v2/mealitem/", json={"meal": meal["id"], **body}, headers=alice
        )
        assert response.status_code == 400, body
    assert client.get("/api/v2/mealitem/", headers=alice).get_json()["count"] == 0


def test_meal_item_filters(client, alice, api, foods):
    plan = api.plan()
    breakfast, lunch = api.meal(plan, name="B"), api.meal(plan, name="L")
    api.item(breakfast, foods.bread, "2", weight_unit=foods.slice)
    api.item(breakfast, foods.apple, "150")
    api.item(lunch, foods.apple, "150")
    count = lambda query: client.get(f"/api/v2/mealitem/?{query}", headers=alice).get_json()[  # noqa: E731
        "count"
    ]
    assert count(f"meal={breakfast['id']}") == 2
    assert count(f"ingredient={foods.apple}") == 2
    assert count("amount=150") == 2
    assert count(f"weight_unit={foods.slice}") == 1
    assert count("order=1") == 3
    assert client.get("/api/v2/mealitem/?meal=nope", headers=alice).status_code == 400


def test_deleting_a_plan_deletes_its_meals_items_and_diary(client, alice, api, foods):
    plan = api.plan()
    meal = api.meal(plan)
    api.item(meal, foods.apple, "100")
    api.log(plan, foods.apple, "100", meal=meal["id"])
    assert client.delete(f"/api/v2/nutritionplan/{plan['id']}/", headers=alice).status_code == 204
    for resource in ("meal", "mealitem", "nutritiondiary"):
        assert client.get(f"/api/v2/{resource}/", headers=alice).get_json()["count"] == 0
