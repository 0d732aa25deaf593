"""Each of the twelve tables the app uploads: a PUT, a PATCH and a DELETE shaped exactly as the
app 2.0.5 sends them, each re-sent as after a lost answer, ending in exactly the rows expected
(read back through the REST API)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
import time_machine

from tests.api.powersync.app_device import Device
from tests.api.powersync.conftest import DAY, MOMENT
from wger_flask.models.types import uuid7


@pytest.fixture(autouse=True)
def on_a_fixed_day():
    with time_machine.travel(f"{DAY}T12:00:00Z", tick=False):
        yield


@pytest.fixture
def device(client, alice) -> Device:
    return Device(client, alice)


@dataclass
class Case:
    """One table: what the app puts and patches, and what the REST API then shows."""

    table: str
    rest: str
    put: Callable[[dict], dict]
    after_put: dict
    patch: dict
    after_patch: dict


CASES = [
    Case(
        "weight_weightentry",
        "weightentry",
        lambda w: {"date": MOMENT, "weight": 80.5},
        {"weight": "80.50", "date": "2026-02-03T10:15:00Z"},
        {"weight": 79.9},
        {"weight": "79.90"},
    ),
    Case(
        "measurements_category",
        "measurement-category",
        lambda w: {"name": "Waist", "unit": "cm"},
        {"name": "Waist", "unit": "cm", "metric_type": "custom"},
        {"unit": "in"},
        {"unit": "in", "name": "Waist"},
    ),
    Case(
        "measurements_measurement",
        "measurement",
        lambda w: {"category_id": w["category"], "date": MOMENT, "value": 31.5, "notes": ""},
        {"value": 31.5, "notes": ""},
        {"value": 32, "notes": "flexed"},
        {"value": 32.0, "notes": "flexed"},
    ),
    Case(
        "nutrition_nutritionplan",
        "nutritionplan",
        lambda w: {
            "description": "Cut",
            "creation_date": DAY,
            "start": f"{DAY}T00:00:00.000",
            "end": None,
            "only_logging": 0,
            "goal_energy": 2000,
            "goal_protein": None,
            "goal_carbohydrates": None,
            "goal_fiber": None,
            "goal_fat": None,
            "has_goal_calories": 0,
        },
        {
            "description": "Cut",
            "start": DAY,
            "end": None,
            "only_logging": False,
            "goal_energy": 2000,
        },
        {"only_logging": 1, "end": "2026-04-01T00:00:00.000"},
        {"only_logging": True, "end": "2026-04-01"},
    ),
    Case(
        "nutrition_meal",
        "meal",
        lambda w: {"plan_id": w["plan"], "order": 3, "time": "08:30:00", "name": "Second"},
        {"order": 3, "time": "08:30:00", "name": "Second"},
        {"name": "Lunch", "time": "12:00:00"},
        {"name": "Lunch", "time": "12:00:00", "order": 3},
    ),
    Case(
        "nutrition_mealitem",
        "mealitem",
        lambda w: {
            "meal_id": w["meal"],
            "ingredient_id": w["ingredient"],
            "weight_unit_id": None,
            "order": 2,
            "amount": 150.0,
        },
        {"amount": "150.00", "order": 2, "weight_unit": None},
        {"amount": 2, "weight_unit_id": "unit"},
        {"amount": "2.00", "weight_unit": "unit"},
    ),
    Case(
        "nutrition_logitem",
        "nutritiondiary",
        lambda w: {
            "plan_id": w["plan"],
            "meal_id": w["meal"],
            "ingredient_id": w["ingredient"],
            "weight_unit_id": None,
            "datetime": MOMENT,
            "amount": 40,
            "comment": None,
        },
        {"amount": "40.00", "datetime": "2026-02-03T10:15:00Z"},
        {"meal_id": None, "amount": 55.5},
        {"meal": None, "amount": "55.50"},
    ),
    Case(
        "manager_workoutsession",
        "workoutsession",
        lambda w: {
            "routine_id": w["routine"],
            "day_id": None,
            "date": f"{DAY}T00:00:00.000",
            "notes": "Felt good",
            "impression": "3",
            "time_start": "17:00:00",
            "time_end": "18:10:00",
        },
        {"date": DAY, "notes": "Felt good", "impression": "3", "time_start": "17:00:00"},
        {"notes": "Knee hurt", "impression": "1"},
        {"notes": "Knee hurt", "impression": "1", "time_end": "18:10:00"},
    ),
    Case(
        "manager_workoutlog",
        "workoutlog",
        lambda w: {
            "exercise_id": w["exercise"],
            "routine_id": w["routine"],
            "session_id": w["session"],
            "iteration": 1,
            "slot_entry_id": None,
            "rir": 2.0,
            "rir_target": None,
            "repetitions": 8,
            "repetitions_target": 8,
            "repetitions_unit_id": 1,
            "weight": 52.5,
            "weight_target": None,
            "weight_unit_id": 1,
            "date": MOMENT,
        },
        {"repetitions": "8.00", "weight": "52.50", "rir": "2.0", "iteration": 1},
        {"repetitions": 10, "rir": 1.5},
        {"repetitions": "10.00", "rir": "1.5", "weight": "52.50"},
    ),
]


def resolved(values: dict, world: dict) -> dict:
    """Placeholders of a case ("unit") as the world's ids."""
    return {key: world[value] if value in ("unit",) else value for key, value in values.items()}


def shows(client, headers, rest: str, row_id: str, expected: dict) -> None:
    response = client.get(f"/api/v2/{rest}/{row_id}/", headers=headers)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert {key: body[key] for key in expected} == expected


def count(client, headers, rest: str) -> int:
    return client.get(f"/api/v2/{rest}/?limit=1", headers=headers).get_json()["count"]


@pytest.mark.parametrize("case", CASES, ids=[case.table for case in CASES])
def test_put_patch_delete_each_re_sent(case, client, alice, device, world):
    row_id = str(uuid7())
    before = count(client, alice, case.rest)
    put = case.put(world)
    device.put(case.table, row_id, put)
    device.put(case.table, row_id, put)  # the answer was lost: re-sent
    assert count(client, alice, case.rest) == before + 1
    shows(client, alice, case.rest, row_id, case.after_put)

    patch = resolved(case.patch, world)
    device.patch(case.table, row_id, patch)
    device.patch(case.table, row_id, patch)
    shows(client, alice, case.rest, row_id, resolved(case.after_patch, world))

    device.delete(case.table, row_id)
    device.delete(case.table, row_id)
    assert client.get(f"/api/v2/{case.rest}/{row_id}/", headers=alice).status_code == 404
    assert count(client, alice, case.rest) == before


@pytest.mark.parametrize("case", CASES, ids=[case.table for case in CASES])
def test_a_whole_transaction_re_sent_lands_once(case, client, alice, device, world):
    """The server wrote the first entry, then the app lost the answer (a 5xx, a dropped
    connection): it re-sends the whole transaction."""
    first, second = str(uuid7()), str(uuid7())
    before = count(client, alice, case.rest)
    entries = [
        ("put", case.table, first, case.put(world)),
        ("put", case.table, second, case.put(world)),
    ]
    if case.table in ("weight_weightentry",):  # one entry per moment
        entries[1][3]["date"] = "2026-02-03T11:15:00.000Z"
    if case.table == "manager_workoutsession":  # one session per day and routine
        entries[1][3]["routine_id"] = None
    device.ok(*entries[0])
    device.transaction(*entries)
    assert count(client, alice, case.rest) == before + 2


# ------------------------------------------------------------------------------ no create here


def test_the_profile_changes_and_is_never_made_or_deleted(app, client, alice, device, user):
    profile_id = client.get("/api/v2/userprofile/", headers=alice).get_json()
    from wger_flask.extensions import db
    from wger_flask.models.accounts import UserProfile

    with app.app_context():
        row_id = db.session.query(UserProfile.id).filter_by(user_id=user.id).scalar()
    assert profile_id["username"] == "alice"
    device.patch("core_userprofile", row_id, {"weight_unit": "lb"})
    device.patch("core_userprofile", row_id, {"weight_unit": "lb"})
    assert client.get("/api/v2/userprofile/", headers=alice).get_json()["weight_unit"] == "lb"
    for op in ("put", "delete"):
        refused = device.refused(op, "core_userprofile", row_id, {"weight_unit": "kg"})
        assert refused["error"] == "Method not allowed"
    assert client.get("/api/v2/userprofile/", headers=alice).get_json()["weight_unit"] == "lb"
    bad = device.refused("patch", "core_userprofile", row_id, {"weight_unit": "stone"})
    assert bad["error"] == "Validation failed" and "weight_unit" in bad["details"]


def test_a_routine_changes_and_goes_but_is_made_through_rest(client, alice, device, world):
    routine = world["routine"]
    device.patch(
        "manager_routine",
        routine,
        {"name": "Power", "is_public": 1, "end": "2026-03-10T00:00:00.000"},
    )
    shown = client.get(f"/api/v2/routine/{routine}/", headers=alice).get_json()
    # the REST rule: only a template can be public
    assert (shown["name"], shown["end"], shown["is_public"]) == ("Power", "2026-03-10", False)
    refused = device.refused("patch", "manager_routine", routine, {"end": "2025-01-01"})
    assert refused == {
        "error": "Validation failed",
        "details": {"end": ["The end date cannot be before the start date."]},
    }
    made = device.refused(
        "put", "manager_routine", 999_999, {"name": "X", "start": DAY, "end": DAY}
    )
    assert made == {
        "error": "Method not allowed",
        "details": "Routine creation must go through the REST API",
    }
    device.delete("manager_routine", routine)
    device.delete("manager_routine", routine)
    assert client.get(f"/api/v2/routine/{routine}/", headers=alice).status_code == 404
