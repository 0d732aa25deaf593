"""Nutrition answers kept per worker under the reader's data stamp (``rest/owner_answers.py``):
a repeated read runs no view and is the fresh answer byte for byte, and every write the answer
depends on is in the next read: a meal item (REST, SQL outside a request, another worker), a
cascade delete, the ingredient catalogue (values, weight units, images, languages) for
``nutritionplaninfo`` and every ``nutritional_values``. A user never gets another's answer."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from tests.api.powersync.app_device import Device
from tests.kept_answers import assert_hits_are_fresh, read
from wger_flask import create_app
from wger_flask.config import TestConfig
from wger_flask.extensions import db
from wger_flask.rest.owner_answers import ROUTES, owner_answers


@pytest.fixture
def meals(api, foods) -> dict[str, Any]:
    """Alice's plan: breakfast (2 slices of bread, 150 g of apple), a diary entry."""
    plan = api.plan(description="Day", goal_energy=2000)
    breakfast = api.meal(plan, name="Breakfast", time="07:30")
    bread = api.item(breakfast, foods.bread, "2", weight_unit=foods.slice)
    apple = api.item(breakfast, foods.apple, "150")
    entry = api.log(plan, foods.apple, "100")
    return {"plan": plan, "breakfast": breakfast, "bread": bread, "apple": apple, "entry": entry}


def urls(made: dict[str, Any]) -> list[str]:
    plan = made["plan"]["id"]
    return [
        "/api/v2/nutritionplan/",
        f"/api/v2/nutritionplan/{plan}/",
        "/api/v2/nutritionplaninfo/",
        f"/api/v2/nutritionplaninfo/{plan}/",
        f"/api/v2/nutritionplan/{plan}/nutritional_values/",
        f"/api/v2/nutritionplaninfo/{plan}/nutritional_values/",
        f"/api/v2/meal/{made['breakfast']['id']}/nutritional_values/",
        f"/api/v2/mealitem/{made['bread']['id']}/nutritional_values/",
        f"/api/v2/nutritiondiary/{made['entry']['id']}/nutritional_values/",
        "/api/v2/meal/",
        "/api/v2/mealitem/",
        f"/api/v2/mealitem/{made['apple']['id']}/",
        "/api/v2/nutritiondiary/",
    ]


def test_the_nutrition_routes_are_kept(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    kept = {endpoint for endpoint in ROUTES if endpoint.startswith("nutrition.")}
    assert kept <= endpoints
    assert {
        "nutrition.nutritionplan-list",
        "nutrition.nutritionplan-detail",
        "nutrition.nutritionplaninfo-list",
        "nutrition.nutritionplaninfo-detail",
        "nutrition.nutritionplan-nutritional-values",
        "nutrition.nutritionplaninfo-nutritional-values",
        "nutrition.mealitem-nutritional-values",
    } <= kept


def test_a_hit_is_the_fresh_answer_in_one_statement(app, client, alice, meals, count_queries):
    assert_hits_are_fresh(app, client, alice, urls(meals), count_queries)


def energy(client, headers: dict, made: dict[str, Any]) -> tuple[Any, ...]:
    """The plan's energy from nutritional_values and from the info's breakfast, the bread
    item's energy, and the info's bread amount."""
    plan = made["plan"]["id"]
    total = read(client, headers, f"/api/v2/nutritionplan/{plan}/nutritional_values/")
    info = read(client, headers, f"/api/v2/nutritionplaninfo/{plan}/").get_json()
    listed = read(client, headers, "/api/v2/nutritionplaninfo/").get_json()["results"][0]
    assert listed == info
    bread = read(client, headers, f"/api/v2/mealitem/{made['bread']['id']}/nutritional_values/")
    breakfast = info["meals"][0]
    return (
        total.get_json()["energy"],
        breakfast["nutritional_values"]["energy"],
        bread.get_json()["energy"],
        breakfast["meal_items"][0]["amount"],
    )


def test_a_meal_item_is_in_the_next_read(client, alice, meals):
    # bread: 2 × 35 g at 250 kcal/100 g = 175; apple: 150 g at 80 = 120
    assert energy(client, alice, meals) == (295.0, 295.0, 175.0, "2.00")
    response = client.patch(
        f"/api/v2/mealitem/{meals['bread']['id']}/", json={"amount": "4"}, headers=alice
    )
    assert response.status_code == 200, response.get_json()
    assert energy(client, alice, meals) == (470.0, 470.0, 350.0, "4.00")
    item = read(client, alice, f"/api/v2/mealitem/{meals['bread']['id']}/").get_json()
    assert item["amount"] == "4.00"


def test_sql_outside_a_request_and_another_worker_are_in_the_next_read(
    app, client, alice, meals, database_url
):
    assert energy(client, alice, meals)[0] == 295.0
    with app.app_context():
        db.session.execute(
            text("UPDATE nutrition_mealitem SET amount = 1 WHERE weight_unit_id IS NOT NULL")
        )
        db.session.commit()
    assert energy(client, alice, meals)[:3] == (207.5, 207.5, 87.5)
    other = create_app(TestConfig(database_url))
    response = other.test_client().patch(
        f"/api/v2/mealitem/{meals['apple']['id']}/", json={"amount": "50"}, headers=alice
    )
    assert response.status_code == 200
    assert owner_answers(other) is not owner_answers(app)
    assert energy(client, alice, meals)[:3] == (127.5, 127.5, 87.5)


def test_a_cascade_delete_is_in_the_next_read(client, alice, meals):
    plan = meals["plan"]["id"]
    assert len(read(client, alice, "/api/v2/mealitem/").get_json()["results"]) == 2
    assert energy(client, alice, meals)[0] == 295.0
    response = client.delete(f"/api/v2/meal/{meals['breakfast']['id']}/", headers=alice)
    assert response.status_code == 204
    assert read(client, alice, f"/api/v2/nutritionplaninfo/{plan}/").get_json()["meals"] == []
    total = read(client, alice, f"/api/v2/nutritionplan/{plan}/nutritional_values/").get_json()
    assert total["energy"] == 0
    assert read(client, alice, "/api/v2/mealitem/").get_json()["results"] == []
    assert client.delete(f"/api/v2/nutritionplan/{plan}/", headers=alice).status_code == 204
    assert read(client, alice, "/api/v2/nutritionplan/").get_json()["results"] == []
    assert read(client, alice, "/api/v2/nutritiondiary/").get_json()["results"] == []
    url = f"/api/v2/nutritionplaninfo/{plan}/nutritional_values/"
    assert client.get(url, headers=alice).status_code == 404


def test_the_ingredient_catalogue_is_in_the_next_read(app, client, alice, meals, foods):
    """Nobody's data stamp moves on a catalogue write: the ingredient generation is in the
    key of the info and of every nutritional_values."""
    plan = meals["plan"]["id"]
    info_url = f"/api/v2/nutritionplaninfo/{plan}/"

    def bread() -> dict:
        return read(client, alice, info_url).get_json()["meals"][0]["meal_items"][0]

    assert energy(client, alice, meals)[:3] == (295.0, 295.0, 175.0)
    assert bread()["weight_unit_obj"]["name"] == "slice"
    language = bread()["ingredient_obj"]["language"]
    with app.app_context():
        db.session.execute(
            text("UPDATE nutrition_ingredient SET energy = 300 WHERE id = :id"), {"id": foods.bread}
        )
        db.session.commit()
    assert energy(client, alice, meals)[:3] == (330.0, 330.0, 210.0)  # 70 g at 300
    with app.app_context():
        db.session.execute(
            text("UPDATE nutrition_ingredientweightunit SET gram = 50, name = 'thick slice' "
                 "WHERE id = :id"),
            {"id": foods.slice},
        )  # fmt: skip
        db.session.commit()
    assert energy(client, alice, meals)[:3] == (420.0, 420.0, 300.0)  # 100 g at 300
    assert bread()["weight_unit_obj"]["name"] == "thick slice"
    with app.app_context():
        db.session.execute(
            text("UPDATE core_language SET full_name = 'Renamed' WHERE id = :id"),
            {"id": language["id"]},
        )
        db.session.commit()
    assert bread()["ingredient_obj"]["language"]["full_name"] == "Renamed"


def test_a_user_never_gets_another_users_answer(client, alice, mallory, mallory_api, meals):
    theirs = mallory_api.plan(description="Theirs")
    for url in urls(meals):
        read(client, alice, url)
    for listed in ("nutritionplan", "nutritionplaninfo"):
        rows = read(client, mallory, f"/api/v2/{listed}/").get_json()["results"]
        assert [row["description"] for row in rows] == ["Theirs"]
    assert read(client, mallory, "/api/v2/mealitem/").get_json()["results"] == []
    for url in urls(meals):
        if url.endswith("/") and url.count("/") > 4:  # a detail or values of Alice's rows
            assert client.get(url, headers=mallory).status_code == 404, url
    own = f"/api/v2/nutritionplan/{theirs['id']}/nutritional_values/"
    assert read(client, mallory, own).get_json()["energy"] == 0


def test_an_upload_is_in_the_next_read(client, alice, meals):
    """The mobile app's PowerSync upload writes without a REST view: the stamp still moves."""
    assert energy(client, alice, meals)[:3] == (295.0, 295.0, 175.0)
    device = Device(client, alice)
    device.patch("nutrition_mealitem", meals["bread"]["id"], {"amount": 4})
    assert energy(client, alice, meals)[:3] == (470.0, 470.0, 350.0)
    device.delete("nutrition_mealitem", meals["apple"]["id"])
    assert energy(client, alice, meals)[:3] == (350.0, 350.0, 350.0)
