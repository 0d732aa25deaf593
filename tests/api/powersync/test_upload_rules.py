"""The upload against attackers and broken input, and its side effects: every write goes
through the same rules as the REST route of its table (ownership, the session of the day,
trophies and statistics, the photo's file), and every outcome has the status the app expects."""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
import time_machine
from PIL import Image
from sqlalchemy.exc import OperationalError
from wger_api_client.api.upload_powersync_data import (
    upload_powersync_data_destroy,
    upload_powersync_data_partial_update,
    upload_powersync_data_update,
)
from wger_api_client.client import AuthenticatedClient
from wger_api_client.models import PatchedPowersyncUploadRequest, PowersyncUploadRequest

from tests.api.powersync.app_device import URL, Device
from tests.api.powersync.conftest import DAY, MOMENT, post
from wger_flask.models.types import uuid7
from wger_flask.services.powersync import upload


@pytest.fixture(autouse=True)
def on_a_fixed_day():
    with time_machine.travel(f"{DAY}T12:00:00Z", tick=False):
        yield


@pytest.fixture
def device(client, alice) -> Device:
    return Device(client, alice)


@pytest.fixture
def attacker(client, mallory) -> Device:
    return Device(client, mallory)


def weight(client, headers, row_id: str) -> Any:
    response = client.get(f"/api/v2/weightentry/{row_id}/", headers=headers)
    return response.get_json() if response.status_code == 200 else None


# ------------------------------------------------------------------------------ other users


def test_another_users_row_is_never_changed_or_deleted(client, alice, device, attacker):
    row_id = str(uuid7())
    device.put("weight_weightentry", row_id, {"date": MOMENT, "weight": 80})
    attacker.patch("weight_weightentry", row_id, {"weight": 200})  # ok, and nothing happens
    attacker.delete("weight_weightentry", row_id)
    assert weight(client, alice, row_id)["weight"] == "80.00"
    # taking the id for a row of one's own is refused, the owner's row untouched
    taken = attacker.refused("put", "weight_weightentry", row_id, {"date": MOMENT, "weight": 99})
    assert taken == {
        "error": "Validation failed",
        "details": {"id": ["An object with this id already exists."]},
    }
    assert weight(client, alice, row_id)["weight"] == "80.00"


@pytest.mark.parametrize(
    ("table", "data"),
    [
        ("nutrition_meal", lambda w: {"plan_id": w["plan"], "name": "Theft"}),
        (
            "nutrition_logitem",
            lambda w: {"plan_id": w["plan"], "ingredient_id": w["ingredient"], "amount": 5},
        ),
        (
            "nutrition_mealitem",
            lambda w: {"meal_id": w["meal"], "ingredient_id": w["ingredient"], "amount": 5},
        ),
        ("measurements_measurement", lambda w: {"category_id": w["category"], "value": 1}),
        ("manager_workoutsession", lambda w: {"routine_id": w["routine"], "date": DAY}),
        (
            "manager_workoutlog",
            lambda w: {
                "exercise_id": w["exercise"],
                "session_id": w["session"],
                "repetitions": 5,
                "repetitions_unit_id": 1,
            },
        ),
    ],
)
def test_a_foreign_key_to_another_users_row_is_forbidden(
    table, data, client, mallory, attacker, world
):
    before = {rest: count(client, mallory, rest) for rest in REST.values()}
    body = attacker.refused("put", table, str(uuid7()), data(world))
    assert body["error"] == "Forbidden"
    assert body["details"].endswith("references an object you do not own")
    assert {rest: count(client, mallory, rest) for rest in REST.values()} == before


REST = {"meal": "meal", "diary": "nutritiondiary", "item": "mealitem", "measurement": "measurement"}


def count(client, headers, rest: str) -> int:
    return client.get(f"/api/v2/{rest}/?limit=1", headers=headers).get_json()["count"]


def test_moving_ones_row_under_another_users_parent_is_forbidden(
    client, alice, mallory, attacker, world
):
    plan = post(client, mallory, "nutritionplan", description="Mine")
    meal = str(uuid7())
    attacker.put("nutrition_meal", meal, {"plan_id": plan["id"], "name": "Mine"})
    body = attacker.refused("patch", "nutrition_meal", meal, {"plan_id": world["plan"]})
    assert body["error"] == "Forbidden"
    assert client.get(f"/api/v2/meal/{meal}/", headers=mallory).get_json()["plan"] == plan["id"]


def test_a_parent_that_does_not_exist_is_forbidden_too(attacker):
    body = attacker.refused("put", "nutrition_meal", str(uuid7()), {"plan_id": str(uuid7())})
    assert body["error"] == "Forbidden"


# ------------------------------------------------------------------------------ domain rules


def test_a_log_without_a_session_joins_the_session_of_its_day(client, alice, device, world):
    logs = [str(uuid7()), str(uuid7())]
    for row_id in logs:
        device.put(
            "manager_workoutlog",
            row_id,
            {
                "exercise_id": world["exercise"],
                "routine_id": world["routine"],
                "repetitions": 5,
                "repetitions_unit_id": 1,
                "weight": 100,
                "weight_unit_id": 1,
                "date": MOMENT,
            },
        )
    sessions = {
        client.get(f"/api/v2/workoutlog/{i}/", headers=alice).get_json()["session"] for i in logs
    }
    assert len(sessions) == 1 and None not in sessions
    session = client.get(f"/api/v2/workoutsession/{sessions.pop()}/", headers=alice).get_json()
    assert (session["date"], session["routine"]) == (DAY, world["routine"])


def test_a_second_session_of_a_day_and_routine_is_refused(client, alice, device, world):
    first = str(uuid7())
    device.put("manager_workoutsession", first, {"routine_id": world["routine"], "date": DAY})
    second = device.refused(
        "put", "manager_workoutsession", str(uuid7()), {"routine_id": world["routine"], "date": DAY}
    )
    assert second["error"] == "Validation failed"


def test_a_log_needs_what_the_rest_route_needs(device, world):
    body = device.refused(
        "put", "manager_workoutlog", str(uuid7()), {"exercise_id": world["exercise"]}
    )
    assert body == {
        "error": "Validation failed",
        "details": {
            "non_field_errors": ["Both repetitions and weight cannot be null at the same time."]
        },
    }
    body = device.refused(
        "put", "manager_workoutlog", str(uuid7()), {"weight": 10, "weight_unit_id": 1}
    )
    assert body["details"] == {"exercise": ["This field is required."]}


def test_a_weight_unit_of_another_ingredient_is_refused(client, device, world, make_ingredient):
    other = make_ingredient("Milk", units=[("glass", 200)])
    unit = client.get(f"/api/v2/ingredientweightunit/?ingredient={other}").get_json()["results"][0][
        "id"
    ]
    body = device.refused(
        "put",
        "nutrition_mealitem",
        str(uuid7()),
        {
            "meal_id": world["meal"],
            "ingredient_id": world["ingredient"],
            "weight_unit_id": unit,
            "amount": 1,
        },
    )
    assert body == {
        "error": "Validation failed",
        "details": {"weight_unit": ["This weight unit does not belong to the ingredient."]},
    }


def test_an_official_category_cannot_be_deleted(client, alice, device):
    categories = client.get(
        "/api/v2/measurement-category/?is_official=True", headers=alice
    ).get_json()
    official = categories["results"][0]["id"]
    body = device.refused("delete", "measurements_category", official)
    assert body == {"error": "Forbidden", "details": "Official categories cannot be deleted."}
    assert client.get(f"/api/v2/measurement-category/{official}/", headers=alice).status_code == 200


def test_a_weight_out_of_range_names_the_field(device):
    body = device.refused(
        "put", "weight_weightentry", str(uuid7()), {"date": MOMENT, "weight": 700}
    )
    assert body == {
        "error": "Validation failed",
        "details": {"weight": ["Ensure this value is less than or equal to 600."]},
    }


def test_uploaded_workouts_move_statistics_and_trophies(client, alice, device, world):
    def statistics() -> dict:
        return client.get("/api/v2/user-statistics/", headers=alice).get_json()["results"][0]

    before = statistics()
    log = str(uuid7())
    device.put(
        "manager_workoutlog",
        log,
        {
            "exercise_id": world["exercise"],
            "session_id": world["session"],
            "repetitions": 10,
            "repetitions_unit_id": 1,
            "weight": 100,
            "weight_unit_id": 1,
            "date": MOMENT,
        },
    )
    after = statistics()
    assert float(after["total_weight_lifted"]) == float(before["total_weight_lifted"]) + 1000
    device.delete("manager_workoutlog", log)
    assert float(statistics()["total_weight_lifted"]) == float(before["total_weight_lifted"])


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 0, 255)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_photo_changes_and_goes_with_its_file(app, client, alice, device, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MEDIA_ROOT", str(tmp_path / "media"))
    made = client.post(
        "/api/v2/gallery/",
        data={"date": DAY, "image": (io.BytesIO(png()), "a.png")},
        headers=alice,
        content_type="multipart/form-data",
    ).get_json()
    files = [path for path in (tmp_path / "media").rglob("*") if path.is_file()]
    assert len(files) == 1
    device.patch(
        "gallery_image",
        made["id"],
        {"date": "2026-02-05T00:00:00.000", "description": "side", "image": "http://evil/x.jpg"},
    )
    shown = client.get(f"/api/v2/gallery/{made['id']}/", headers=alice).get_json()
    assert (shown["date"], shown["description"], shown["image"]) == (
        "2026-02-05",
        "side",
        made["image"],
    )
    assert (
        device.refused("put", "gallery_image", 12345, {"date": DAY})["error"]
        == "Method not allowed"
    )
    device.delete("gallery_image", made["id"])
    device.delete("gallery_image", made["id"])
    assert client.get(f"/api/v2/gallery/{made['id']}/", headers=alice).status_code == 404
    assert [path for path in (tmp_path / "media").rglob("*") if path.is_file()] == []


# ------------------------------------------------------------------------------ statuses


def test_without_credentials_it_is_a_403(client):
    response = client.put(URL, json={"table": "weight_weightentry", "data": {"id": "x"}})
    assert response.status_code == 403


def test_a_bad_or_powersync_token_is_a_401(client, alice):
    token = client.get("/api/v2/powersync-token", headers=alice).get_json()["token"]
    for bearer in ("not-a-token", token):
        response = client.put(
            URL,
            json={"table": "weight_weightentry", "data": {"id": str(uuid7()), "weight": 80}},
            headers={"Authorization": f"Bearer {bearer}"},
        )
        assert response.status_code == 401


@pytest.mark.parametrize(
    ("body", "answer"),
    [
        ({}, {"error": "Missing required fields: table, data"}),
        ([1, 2], {"error": "Missing required fields: table, data"}),
        ({"table": "weight_weightentry"}, {"error": "Missing required fields: table, data"}),
        ({"data": {"id": "1"}}, {"error": "Missing required fields: table, data"}),
        (
            {"table": "weight_weightentry", "data": "x"},
            {"error": "Missing required fields: table, data"},
        ),
        ({"table": "auth_user", "data": {"id": "1"}}, {"error": "Unknown table: auth_user"}),
        (
            {"table": "weight_weightentry", "data": {}},
            {"error": "Validation failed", "details": {"id": ["This field is required."]}},
        ),
    ],
)
def test_permanent_refusals_are_200_with_an_error(client, alice, body, answer):
    for method in ("PUT", "PATCH", "DELETE"):
        response = client.open(URL, method=method, json=body, headers=alice)
        assert (response.status_code, response.get_json()) == (200, answer), method


def test_a_lost_database_is_a_503_the_app_retries(client, alice, monkeypatch):
    def unavailable(*args):
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    monkeypatch.setattr(upload, "create", unavailable)
    response = client.put(
        URL, json={"table": "weight_weightentry", "data": {"id": "1"}}, headers=alice
    )
    assert response.status_code == 503
    assert response.get_json() == {"error": "Temporarily unavailable"}
    assert response.headers["Retry-After"] == "5"


def test_anything_else_is_a_500_the_app_retries(client, alice, monkeypatch):
    def broken(*args):
        raise RuntimeError("a bug")

    monkeypatch.setattr(upload, "update", broken)
    response = client.patch(
        URL, json={"table": "weight_weightentry", "data": {"id": "1"}}, headers=alice
    )
    assert response.status_code == 500


# ------------------------------------------------------------------------------ typed client


def test_the_released_typed_client_calls_all_three(app, client, alice):
    api = AuthenticatedClient(
        base_url="http://localhost",
        token=alice["Authorization"].split()[1],
        raise_on_unexpected_status=True,
        httpx_args={"transport": httpx.WSGITransport(app=app)},
    )
    row_id = str(uuid7())
    made = upload_powersync_data_update.sync(
        client=api,
        body=PowersyncUploadRequest(
            table="weight_weightentry", data={"id": row_id, "date": MOMENT, "weight": 70}
        ),
    )
    assert made.status == "ok!"
    changed = upload_powersync_data_partial_update.sync(
        client=api,
        body=PatchedPowersyncUploadRequest(
            table="weight_weightentry", data={"id": row_id, "weight": 71}
        ),
    )
    assert changed.status == "ok!"
    assert weight(client, alice, row_id)["weight"] == "71.00"
    # the released client's DELETE sends no body: a permanent refusal, nothing deleted
    gone = upload_powersync_data_destroy.sync(client=api)
    assert gone.error == "Missing required fields: table, data"
    assert weight(client, alice, row_id) is not None


def test_a_body_that_is_not_json_is_a_400(client, alice):
    response = client.put(URL, data="{not json", content_type="application/json", headers=alice)
    assert response.status_code == 400
    assert response.get_json()["detail"].startswith("JSON parse error")


# ------------------------------------------------------------------------------ one row


def test_an_uploaded_weight_entry_is_the_body_weight_measurement(client, alice, device):
    """The app 2.0.5 uploads weight_weightentry; the 2.x app and the 2.7 clients read the
    same row as a body-weight measurement (one row of truth), and the other way round."""
    row_id = str(uuid7())
    device.put("weight_weightentry", row_id, {"date": MOMENT, "weight": 80})
    reading = client.get(f"/api/v2/measurement/{row_id}/", headers=alice).get_json()
    category = client.get(f"/api/v2/measurement-category/{reading['category']}/", headers=alice)
    assert (reading["value"], category.get_json()["metric_type"]) == (80, "body_weight")
    device.patch("weight_weightentry", row_id, {"weight": 81.5})
    assert client.get(f"/api/v2/measurement/{row_id}/", headers=alice).get_json()["value"] == 81.5
    device.patch("measurements_measurement", row_id, {"value": 82})
    assert weight(client, alice, row_id)["weight"] == "82.00"
    # a second weight at the same moment, uploaded as a measurement, is refused naming date
    second = str(uuid7())
    refused = device.refused(
        "put",
        "measurements_measurement",
        second,
        {"category_id": reading["category"], "date": MOMENT, "value": 83},
    )
    assert refused["details"] == {
        "date": ["You already have a weight entry at this date and time."]
    }
    device.delete("weight_weightentry", row_id)
    assert client.get(f"/api/v2/measurement/{row_id}/", headers=alice).status_code == 404
