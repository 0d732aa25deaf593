"""One rule, two paths: a rule broken through the REST route and through the PowerSync upload
is refused by the same function with the same words (the upload's 200 ``details`` are the
REST route's 400 body), so neither path can drift from the other."""

from __future__ import annotations

import pytest
import time_machine

from tests.api.powersync.app_device import Device
from tests.api.powersync.conftest import DAY, MOMENT
from wger_flask.models.types import uuid7


@pytest.fixture(autouse=True)
def on_a_fixed_day():
    with time_machine.travel(f"{DAY}T12:00:00Z", tick=False):
        yield


def unit_of(client, ingredient: int) -> int:
    return client.get(f"/api/v2/ingredientweightunit/?ingredient={ingredient}").get_json()[
        "results"
    ][0]["id"]


CASES = {
    # name: (REST resource, REST body, upload table, the app's columns) from the world
    "weight out of range": lambda w: (
        "weightentry",
        {"date": MOMENT, "weight": "20"},
        "weight_weightentry",
        {"date": MOMENT, "weight": 20},
    ),
    "a log of nothing": lambda w: (
        "workoutlog",
        {"exercise": w["exercise"], "date": MOMENT},
        "manager_workoutlog",
        {"exercise_id": w["exercise"], "date": MOMENT},
    ),
    "repetitions without a unit": lambda w: (
        "workoutlog",
        {"exercise": w["exercise"], "repetitions": "5", "repetitions_unit": None},
        "manager_workoutlog",
        {"exercise_id": w["exercise"], "repetitions": 5, "repetitions_unit_id": None},
    ),
    "a session ending before it starts": lambda w: (
        "workoutsession",
        {"datetime_start": "2026-02-03T10:00:00Z", "datetime_end": "2026-02-03T09:00:00Z"},
        "manager_workoutsession",
        {"datetime_start": "2026-02-03T10:00:00Z", "datetime_end": "2026-02-03T09:00:00Z"},
    ),
    "a plan ending before it starts": lambda w: (
        "nutritionplan",
        {"start": DAY, "end": "2026-01-01"},
        "nutrition_nutritionplan",
        {"start": f"{DAY}T00:00:00.000", "end": "2026-01-01T00:00:00.000"},
    ),
    "another ingredient's unit": lambda w: (
        "mealitem",
        {
            "meal": w["meal"],
            "ingredient": w["ingredient"],
            "weight_unit": w["foreign_unit"],
            "amount": "1",
        },
        "nutrition_mealitem",
        {
            "meal_id": w["meal"],
            "ingredient_id": w["ingredient"],
            "weight_unit_id": w["foreign_unit"],
            "amount": 1,
        },
    ),
    "a diary meal of another plan": lambda w: (
        "nutritiondiary",
        {"plan": w["other_plan"], "meal": w["meal"], "ingredient": w["ingredient"], "amount": "5"},
        "nutrition_logitem",
        {
            "plan_id": w["other_plan"],
            "meal_id": w["meal"],
            "ingredient_id": w["ingredient"],
            "amount": 5,
        },
    ),
    "a category with a made-up metric": lambda w: (
        "measurement-category",
        {"name": "X", "metric_type": "soul_weight"},
        "measurements_category",
        {"name": "X", "metric_type": "soul_weight"},
    ),
}


@pytest.fixture
def world(world, client, alice, make_ingredient):
    other = make_ingredient("Milk", units=[("glass", 200)])
    plan = client.post("/api/v2/nutritionplan/", json={}, headers=alice).get_json()
    return {**world, "foreign_unit": unit_of(client, other), "other_plan": plan["id"]}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_same_rule_refuses_both_paths_alike(name, client, alice, world):
    resource, body, table, columns = CASES[name](world)
    rest = client.post(f"/api/v2/{resource}/", json=body, headers=alice)
    assert rest.status_code == 400, rest.get_json()
    uploaded = Device(client, alice).refused("put", table, str(uuid7()), columns)
    assert uploaded == {"error": "Validation failed", "details": rest.get_json()}


def test_a_refused_delete_is_refused_alike(client, alice):
    official = client.get(
        "/api/v2/measurement-category/?is_official=True", headers=alice
    ).get_json()["results"][0]["id"]
    rest = client.delete(f"/api/v2/measurement-category/{official}/", headers=alice)
    assert rest.status_code == 403
    uploaded = Device(client, alice).refused("delete", "measurements_category", official)
    assert uploaded == {"error": "Forbidden", "details": rest.get_json()["detail"]}
