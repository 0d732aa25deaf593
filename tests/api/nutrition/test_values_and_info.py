"""``nutritionplaninfo`` and the ``nutritional_values`` routes, against values computed by hand.

Bread: 250 kcal, protein 12.5, carbohydrates 30 (sugar 5), fat 8 (saturated 2.5), fiber
unknown, sodium 0.4 per 100 g; a slice is 35 g. Apple: 80 kcal, protein 1.2, carbohydrates 18
(sugar unknown), fat 0.3 (saturated unknown), fiber 2.4, sodium unknown per 100 g.

- 2 slices of bread = 70 g: 175 kcal, 8.75 protein, 21 carbohydrates (3.5 sugar), 5.6 fat
  (1.75 saturated), fiber unknown, 0.28 sodium.
- 150 g apple: 120 kcal, 1.8 protein, 27 carbohydrates, 0.45 fat, 3.6 fiber.
- Breakfast (both): 295 kcal, 10.55 protein, 48 carbohydrates (3.5 sugar), 6.05 fat (1.75
  saturated), 3.6 fiber, 0.28 sodium.
- Snack, 50 g apple: 40 kcal, 0.6 protein, 9 carbohydrates, 0.15 fat, 1.2 fiber; sugar,
  saturated fat and sodium stay null (no part knows them).
- The plan (daily total): 335 kcal, 11.15 protein, 57 carbohydrates (3.5 sugar), 6.2 fat (1.75
  saturated), 4.8 fiber, 0.28 sodium.
"""

import pytest

BREAD_SLICES = {
    "energy": 175.0,
    "protein": 8.75,
    "carbohydrates": 21.0,
    "carbohydrates_sugar": 3.5,
    "fat": 5.6,
    "fat_saturated": 1.75,
    "fiber": None,
    "sodium": 0.28,
}
APPLE_150 = {
    "energy": 120.0,
    "protein": 1.8,
    "carbohydrates": 27.0,
    "carbohydrates_sugar": None,
    "fat": 0.45,
    "fat_saturated": None,
    "fiber": 3.6,
    "sodium": None,
}
BREAKFAST = {
    "energy": 295.0,
    "protein": 10.55,
    "carbohydrates": 48.0,
    "carbohydrates_sugar": 3.5,
    "fat": 6.05,
    "fat_saturated": 1.75,
    "fiber": 3.6,
    "sodium": 0.28,
}
SNACK = {
    "energy": 40.0,
    "protein": 0.6,
    "carbohydrates": 9.0,
    "carbohydrates_sugar": None,
    "fat": 0.15,
    "fat_saturated": None,
    "fiber": 1.2,
    "sodium": None,
}
DAY = {
    "energy": 335.0,
    "protein": 11.15,
    "carbohydrates": 57.0,
    "carbohydrates_sugar": 3.5,
    "fat": 6.2,
    "fat_saturated": 1.75,
    "fiber": 4.8,
    "sodium": 0.28,
}
EMPTY = {
    "energy": 0.0,
    "protein": 0.0,
    "carbohydrates": 0.0,
    "carbohydrates_sugar": None,
    "fat": 0.0,
    "fat_saturated": None,
    "fiber": None,
    "sodium": None,
}


@pytest.fixture
def day(api, foods):
    plan = api.plan(description="Day", goal_energy=2000)
    breakfast = api.meal(plan, name="Breakfast", time="07:30")
    snack = api.meal(plan, name="Snack", time="16:00")
    bread = api.item(breakfast, foods.bread, "2", weight_unit=foods.slice)
    apple = api.item(breakfast, foods.apple, "150")
    api.item(snack, foods.apple, "50")
    return {"plan": plan, "breakfast": breakfast, "snack": snack, "bread": bread, "apple": apple}


def values(client, headers, path):
    response = client.get(f"/api/v2/{path}/nutritional_values/", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_item_meal_and_plan_values(client, alice, day):
    assert values(client, alice, f"mealitem/{day['bread']['id']}") == BREAD_SLICES
    assert values(client, alice, f"mealitem/{day['apple']['id']}") == APPLE_150
    assert values(client, alice, f"meal/{day['breakfast']['id']}") == BREAKFAST
    assert values(client, alice, f"meal/{day['snack']['id']}") == SNACK
    assert values(client, alice, f"nutritionplan/{day['plan']['id']}") == DAY
    assert values(client, alice, f"nutritionplaninfo/{day['plan']['id']}") == DAY


def test_empty_meal_and_plan(client, alice, api):
    plan = api.plan()
    meal = api.meal(plan)
    assert values(client, alice, f"meal/{meal['id']}") == EMPTY
    assert values(client, alice, f"nutritionplan/{plan['id']}") == EMPTY


def test_diary_entry_values(client, alice, api, foods, day):
    by_unit = api.log(day["plan"], foods.bread, "2", weight_unit=foods.slice)
    by_grams = api.log(day["plan"], foods.apple, "150", meal=day["breakfast"]["id"])
    assert values(client, alice, f"nutritiondiary/{by_unit['id']}") == BREAD_SLICES
    assert values(client, alice, f"nutritiondiary/{by_grams['id']}") == APPLE_150


def test_values_follow_changes(client, alice, day, foods):
    client.patch(f"/api/v2/mealitem/{day['apple']['id']}/", json={"amount": "50"}, headers=alice)
    assert values(client, alice, f"mealitem/{day['apple']['id']}") == SNACK


def test_plan_info_nests_meals_items_and_the_catalogues_ingredient(client, alice, day, foods):
    info = client.get(f"/api/v2/nutritionplaninfo/{day['plan']['id']}/", headers=alice).get_json()
    plan = client.get(f"/api/v2/nutritionplan/{day['plan']['id']}/", headers=alice).get_json()
    assert {key: info[key] for key in plan} == plan
    assert [meal["name"] for meal in info["meals"]] == ["Breakfast", "Snack"]
    breakfast = info["meals"][0]
    assert list(breakfast) == [
        "id",
        "plan",
        "order",
        "time",
        "name",
        "meal_items",
        "nutritional_values",
    ]
    assert breakfast["nutritional_values"] == BREAKFAST
    assert info["meals"][1]["nutritional_values"] == SNACK
    bread = breakfast["meal_items"][0]
    assert list(bread) == [
        "id",
        "meal",
        "ingredient",
        "ingredient_obj",
        "weight_unit",
        "weight_unit_obj",
        "image",
        "order",
        "amount",
    ]
    # the ingredient is exactly the catalogue's ingredientinfo object
    catalogue = client.get(f"/api/v2/ingredientinfo/{foods.bread}/").get_json()
    assert bread["ingredient_obj"] == catalogue
    assert bread["weight_unit_obj"] == catalogue["weight_units"][0]
    assert bread["weight_unit_obj"]["gram"] == 35
    assert bread["image"] is None and bread["amount"] == "2.00"
    apple = breakfast["meal_items"][1]
    assert apple["weight_unit"] is None and apple["weight_unit_obj"] is None


def test_plan_info_list_and_filters(client, alice, api, day):
    api.plan(description="Other")
    listed = client.get("/api/v2/nutritionplaninfo/?description=Day", headers=alice).get_json()
    assert listed["count"] == 1
    assert listed["results"][0]["meals"][0]["nutritional_values"] == BREAKFAST
    page = client.get("/api/v2/nutritionplaninfo/?limit=1", headers=alice).get_json()
    assert page["count"] == 2 and len(page["results"]) == 1 and page["next"]


def test_plan_info_is_read_only(client, alice, day):
    plan_id = day["plan"]["id"]
    assert client.post("/api/v2/nutritionplaninfo/", json={}, headers=alice).status_code == 405
    for method in ("put", "patch", "delete"):
        response = getattr(client, method)(
            f"/api/v2/nutritionplaninfo/{plan_id}/", json={"description": "x"}, headers=alice
        )
        assert response.status_code == 405
    assert (
        client.post(
            f"/api/v2/nutritionplan/{plan_id}/nutritional_values/", json={}, headers=alice
        ).status_code
        == 405
    )


def test_plan_info_browsable_view(client, alice, day):
    page = client.get(f"/api/v2/nutritionplaninfo/{day['plan']['id']}/?format=api", headers=alice)
    assert page.status_code == 200 and b"Breakfast" in page.data


# ------------------------------------------------------------------------------ statements


def build_plan(api, foods, meals: int, items: int) -> str:
    plan = api.plan()
    for number in range(meals):
        meal = api.meal(plan, name=f"Meal {number}")
        for position in range(items):
            if position % 2:
                api.item(meal, foods.bread, "1.5", weight_unit=foods.slice)
            else:
                api.item(meal, foods.apple, str(10 + position))
    return plan["id"]


@pytest.mark.parametrize(
    ("route", "statements"),
    [
        # the user; the plan; its meals; their items; every item's ingredient, rendered
        ("nutritionplaninfo/{}/", 5),
        # the user; the plan outer-joined to its items, their units and ingredients
        ("nutritionplan/{}/nutritional_values/", 2),
    ],
)
def test_constant_statements_whatever_the_plans_size(
    client, alice, api, foods, count_queries, route, statements
):
    small, large = build_plan(api, foods, 1, 1), build_plan(api, foods, 6, 8)
    for plan_id in (small, large):
        with count_queries() as counter:
            response = client.get("/api/v2/" + route.format(plan_id), headers=alice)
        assert response.status_code == 200
        assert counter.count == statements, counter.statements


@pytest.mark.parametrize("resource", ["meal", "mealitem", "nutritiondiary"])
def test_other_values_are_one_statement_after_the_user(
    client, alice, api, foods, day, count_queries, resource
):
    entry = api.log(day["plan"], foods.bread, "2", weight_unit=foods.slice)
    pk = {"meal": day["breakfast"], "mealitem": day["bread"], "nutritiondiary": entry}[resource]
    with count_queries() as counter:
        response = client.get(f"/api/v2/{resource}/{pk['id']}/nutritional_values/", headers=alice)
    assert response.status_code == 200
    assert counter.count == 2, counter.statements


def test_plan_info_list_is_constant_too(client, alice, api, foods, count_queries):
    build_plan(api, foods, 1, 1)
    with count_queries() as one:
        client.get("/api/v2/nutritionplaninfo/", headers=alice)
    for _ in range(3):
        build_plan(api, foods, 3, 4)
    with count_queries() as four:
        response = client.get("/api/v2/nutritionplaninfo/", headers=alice)
    assert response.get_json()["count"] == 4
    assert one.count == four.count


def test_diary_day_list_is_constant(client, alice, api, foods, count_queries):
    plan = api.plan()
    for day in range(1, 11):
        for hour in (8, 13, 19):
            api.log(plan, foods.apple, "100", datetime=f"2026-03-{day:02d}T{hour:02d}:00:00Z")
    with count_queries() as one_day:
        small = client.get("/api/v2/nutritiondiary/?datetime__date=2026-03-04", headers=alice)
    with count_queries() as ten_days:
        large = client.get("/api/v2/nutritiondiary/?datetime__gte=2026-03-01", headers=alice)
    assert small.get_json()["count"] == 3 and large.get_json()["count"] == 30
    assert one_day.count == ten_days.count <= 3
