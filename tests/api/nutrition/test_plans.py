"""``nutritionplan``: defaults, validation, client UUIDs, filters and ordering."""

import datetime as dt
import uuid

import pytest
import time_machine

# Every test here runs on one pinned day: the plan's dates default to "today".
TODAY = "2026-03-14"


@pytest.fixture(autouse=True)
def pinned_day():
    with time_machine.travel(dt.datetime(2026, 3, 14, 12, tzinfo=dt.UTC), tick=True):
        yield


def test_anonymous_is_401(client):
    response = client.get("/api/v2/nutritionplan/")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.post("/api/v2/nutritionplan/", json={}).status_code == 401


def test_create_defaults_and_read_only_creation_date(client, alice):
    body = {"description": "Cut", "creation_date": "2001-01-01", "goal_energy": 2200}
    response = client.post("/api/v2/nutritionplan/", json=body, headers=alice)
    assert response.status_code == 201
    plan = response.get_json()
    assert list(plan) == [
        "id",
        "creation_date",
        "start",
        "end",
        "description",
        "only_logging",
        "goal_energy",
        "goal_protein",
        "goal_carbohydrates",
        "goal_fat",
        "goal_fiber",
    ]
    assert uuid.UUID(plan["id"]).version == 7
    assert plan["creation_date"] == TODAY  # read-only: the body's value is ignored
    assert plan["start"] == TODAY
    assert plan["end"] is None and plan["only_logging"] is False
    assert plan["goal_energy"] == 2200 and plan["goal_protein"] is None


def test_client_chosen_uuid_is_kept_and_never_changed(client, alice):
    chosen = str(uuid.uuid4())
    created = client.post("/api/v2/nutritionplan/", json={"id": chosen}, headers=alice)
    assert created.status_code == 201 and created.get_json()["id"] == chosen
    other = str(uuid.uuid4())
    patched = client.patch(
        f"/api/v2/nutritionplan/{chosen}/", json={"id": other, "description": "x"}, headers=alice
    )
    assert patched.status_code == 200
    assert patched.get_json()["id"] == chosen
    assert client.get(f"/api/v2/nutritionplan/{other}/", headers=alice).status_code == 404


def test_a_taken_uuid_is_a_400_not_a_500(client, alice, mallory, api):
    plan = api.plan()
    response = client.post("/api/v2/nutritionplan/", json={"id": plan["id"]}, headers=mallory)
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"start": "2026-05-10", "end": "2026-05-09"}, "end"),
        ({"goal_energy": -1}, "goal_energy"),
        ({"goal_fiber": 1.5}, "goal_fiber"),
        ({"goal_protein": "lots"}, "goal_protein"),
        ({"goal_fat": 2**40}, "goal_fat"),
        ({"description": "x" * 81}, "description"),
        ({"start": "05/10/2026"}, "start"),
        ({"start": None}, "start"),
        ({"only_logging": "maybe"}, "only_logging"),
        ({"id": "not-a-uuid"}, "id"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(client, alice, body, field):
    response = client.post("/api/v2/nutritionplan/", json=body, headers=alice)
    assert response.status_code == 400
    assert field in response.get_json()
    assert client.get("/api/v2/nutritionplan/", headers=alice).get_json()["count"] == 0


def test_end_before_start_on_patch_is_refused_and_nothing_changes(client, alice, api):
    plan = api.plan(start="2026-05-10", end="2026-06-10")
    response = client.patch(
        f"/api/v2/nutritionplan/{plan['id']}/", json={"start": "2026-07-01"}, headers=alice
    )
    assert response.status_code == 400 and "end" in response.get_json()
    stored = client.get(f"/api/v2/nutritionplan/{plan['id']}/", headers=alice).get_json()
    assert stored["start"] == "2026-05-10"


def test_put_replaces_and_patch_changes_one_field(client, alice, api):
    plan = api.plan(description="Bulk", goal_energy=3000)
    url = f"/api/v2/nutritionplan/{plan['id']}/"
    put = client.put(url, json={"description": "Cut", "start": "2026-01-01"}, headers=alice)
    assert put.status_code == 200
    assert put.get_json()["description"] == "Cut" and put.get_json()["start"] == "2026-01-01"
    patch = client.patch(url, json={"goal_protein": 150}, headers=alice)
    assert patch.get_json()["goal_protein"] == 150 and patch.get_json()["description"] == "Cut"


def test_list_is_newest_start_first_and_orderable(client, alice, api):
    for start in ("2026-01-01", "2026-03-01", "2026-02-01"):
        api.plan(start=start, description=start)
    listed = client.get("/api/v2/nutritionplan/", headers=alice).get_json()
    assert [plan["start"] for plan in listed["results"]] == [
        "2026-03-01",
        "2026-02-01",
        "2026-01-01",
    ]
    ordered = client.get("/api/v2/nutritionplan/?ordering=start&limit=2", headers=alice).get_json()
    assert [plan["start"] for plan in ordered["results"]] == ["2026-01-01", "2026-02-01"]
    assert ordered["count"] == 3 and ordered["next"].endswith("ordering=start&limit=2&offset=2")


def test_filters(client, alice, api):
    api.plan(description="Cut")
    api.plan(description="Bulk")
    by_description = client.get("/api/v2/nutritionplan/?description=Cut", headers=alice)
    assert by_description.get_json()["count"] == 1
    assert (
        client.get(f"/api/v2/nutritionplan/?creation_date={TODAY}", headers=alice).get_json()[
            "count"
        ]
        == 2
    )
    assert (
        client.get("/api/v2/nutritionplan/?has_goal_calories=False", headers=alice).get_json()[
            "count"
        ]
        == 2
    )
    assert (
        client.get("/api/v2/nutritionplan/?has_goal_calories=True", headers=alice).get_json()[
            "count"
        ]
        == 0
    )
    # only True/False count as booleans; anything else is ignored
    assert (
        client.get("/api/v2/nutritionplan/?has_goal_calories=yes", headers=alice).get_json()[
            "count"
        ]
        == 2
    )
    bad = client.get("/api/v2/nutritionplan/?creation_date=yesterday", headers=alice)
    assert bad.status_code == 400 and "creation_date" in bad.get_json()


def test_browsable_view(client, alice, api):
    api.plan(description="Cut")
    page = client.get("/api/v2/nutritionplan/", headers={**alice, "Accept": "text/html"})
    assert page.status_code == 200 and b"Cut" in page.data
