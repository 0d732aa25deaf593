"""``nutritiondiary``: defaults, the datetime lookups, ordering, and the rules of meals and units."""

import datetime as dt

import pytest


def test_datetime_defaults_to_now(client, alice, api, foods):
    before = dt.datetime.now(dt.UTC)
    entry = api.log(api.plan(), foods.apple, "150")
    after = dt.datetime.now(dt.UTC)
    assert list(entry) == ["id", "plan", "meal", "ingredient", "weight_unit", "datetime", "amount"]
    assert before <= dt.datetime.fromisoformat(entry["datetime"]) <= after
    assert entry["meal"] is None and entry["weight_unit"] is None


def test_offsets_are_kept_as_instants(api, foods):
    entry = api.log(api.plan(), foods.apple, "1", datetime="2026-07-21T07:30:00+02:00")
    assert entry["datetime"] == "2026-07-21T05:30:00Z"


@pytest.fixture
def week(api, foods):
    """Entries at noon UTC on 1–3 May, newest listed first."""
    plan = api.plan()
    for day in (1, 2, 3):
        api.log(plan, foods.apple, str(100 + day), datetime=f"2026-05-0{day}T12:00:00Z")
    return plan


@pytest.mark.parametrize(
    ("query", "amounts"),
    [
        ("", ["103.00", "102.00", "101.00"]),
        ("datetime__date=2026-05-02", ["102.00"]),
        ("datetime__gt=2026-05-02T12:00:00Z", ["103.00"]),
        ("datetime__gte=2026-05-02T12:00:00Z", ["103.00", "102.00"]),
        ("datetime__lt=2026-05-02T12:00:00Z", ["101.00"]),
        ("datetime__lte=2026-05-02T12:00:00Z", ["102.00", "101.00"]),
        ("datetime=2026-05-01T12:00:00Z", ["101.00"]),
        ("ordering=datetime", ["101.00", "102.00", "103.00"]),
        ("amount=102", ["102.00"]),
    ],
)
def test_datetime_lookups_and_ordering(client, alice, week, query, amounts):
    listed = client.get(f"/api/v2/nutritiondiary/?{query}", headers=alice).get_json()
    assert [entry["amount"] for entry in listed["results"]] == amounts


def test_plan_ingredient_and_unit_filters(client, alice, api, foods, week):
    other = api.plan()
    api.log(other, foods.bread, "2", weight_unit=foods.slice)
    count = lambda query: client.get(  # noqa: E731
        f"/api/v2/nutritiondiary/?{query}", headers=alice
    ).get_json()["count"]
    assert count(f"plan={week['id']}") == 3
    assert count(f"ingredient={foods.bread}") == 1
    assert count(f"weight_unit={foods.slice}") == 1


@pytest.mark.parametrize("query", ["datetime__date=May", "datetime__gt=soon", "plan=1"])
def test_a_malformed_filter_is_a_400_naming_it(client, alice, query):
    response = client.get(f"/api/v2/nutritiondiary/?{query}", headers=alice)
    assert response.status_code == 400
    assert query.split("=")[0] in response.get_json()


def test_the_meal_must_belong_to_the_entrys_plan(client, alice, api, foods):
    first, second = api.plan(), api.plan()
    meal = api.meal(first)
    body = {"plan": second["id"], "meal": meal["id"], "ingredient": foods.apple, "amount": "1"}
    response = client.post("/api/v2/nutritiondiary/", json=body, headers=alice)
    assert response.status_code == 400 and "meal" in response.get_json()
    entry = api.log(first, foods.apple, "1", meal=meal["id"])
    moved = client.patch(
        f"/api/v2/nutritiondiary/{entry['id']}/", json={"plan": second["id"]}, headers=alice
    )
    assert moved.status_code == 400 and "meal" in moved.get_json()
    both = client.patch(
        f"/api/v2/nutritiondiary/{entry['id']}/",
        json={"plan": second["id"], "meal": None},
        headers=alice,
    )
    assert both.status_code == 200 and both.get_json()["plan"] == second["id"]


def test_the_weight_unit_must_be_the_ingredients(client, alice, api, foods):
    body = {
        "plan": api.plan()["id"],
        "ingredient": foods.apple,
        "amount": "1",
        "weight_unit": foods.slice,
    }
    response = client.post("/api/v2/nutritiondiary/", json=body, headers=alice)
    assert response.status_code == 400 and "weight_unit" in response.get_json()


@pytest.mark.parametrize(
    ("field", "value"),
    [("amount", "0.5"), ("amount", "1000.5"), ("datetime", "yesterday"), ("datetime", None)],
)
def test_bad_values_are_400(client, alice, api, foods, field, value):
    body = {"plan": api.plan()["id"], "ingredient": foods.apple, "amount": "1", field: value}
    response = client.post("/api/v2/nutritiondiary/", json=body, headers=alice)
    assert response.status_code == 400 and field in response.get_json()


def test_deleting_a_meal_keeps_its_diary_entries(client, alice, api, foods):
    plan = api.plan()
    meal = api.meal(plan)
    entry = api.log(plan, foods.apple, "1", meal=meal["id"])
    assert client.delete(f"/api/v2/meal/{meal['id']}/", headers=alice).status_code == 204
    kept = client.get(f"/api/v2/nutritiondiary/{entry['id']}/", headers=alice)
    assert kept.status_code == 200 and kept.get_json()["meal"] is None


def test_a_datetime_written_as_clients_write_it_is_stored_normalised(client, alice, api, foods):
    """Issue 25: upstream took ``2026-12-06T06:0:00Z`` (201); so do we, stored normalised."""
    entry = api.log(api.plan(), foods.apple, "150", datetime="2026-12-06T06:0:00Z")
    assert entry["datetime"] == "2026-12-06T06:00:00Z"
    stored = client.get(f"/api/v2/nutritiondiary/{entry['id']}/", headers=alice).get_json()
    assert stored["datetime"] == "2026-12-06T06:00:00Z"


@pytest.mark.parametrize("text", ["06.12.2026 06:00", "2026-12-06T25:00Z", "yesterday"])
def test_a_datetime_upstream_refuses_is_a_400_naming_the_field(client, alice, api, foods, text):
    plan = api.plan()
    response = client.post(
        "/api/v2/nutritiondiary/",
        json={"plan": plan["id"], "ingredient": foods.apple, "amount": "1", "datetime": text},
        headers=alice,
    )
    assert response.status_code == 400
    assert "Datetime has wrong format" in response.get_json()["datetime"][0]
