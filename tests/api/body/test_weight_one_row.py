"""One row of truth: a weight entry is a body-weight measurement and the other way round (the
2.6 route ``weightentry`` and the 2.7 ``measurement`` in the ``body_weight`` category read and
write the same rows), so BMI, the calorie calculator and both kinds of client agree."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.api.body.test_calculated import computed, height, make_category  # noqa: F401
from tests.api.body.test_measurement import CATEGORIES, URL
from wger_flask.extensions import db
from wger_flask.models.body import WeightEntry

WEIGHTS = "/api/v2/weightentry/"
AT = "2026-11-01T07:30:00Z"


def body_weight(client, headers) -> str:
    rows = client.get(f"{CATEGORIES}?metric_type=body_weight", headers=headers).get_json()
    return rows["results"][0]["id"]


def weights(client, headers) -> list[dict]:
    return client.get(f"{WEIGHTS}?limit=100", headers=headers).get_json()["results"]


def readings(client, headers, category) -> list[dict]:
    answer = client.get(f"{URL}?category={category}&limit=100", headers=headers)
    return answer.get_json()["results"]


def test_a_weight_entry_is_a_body_weight_measurement(client, alice):
    made = client.post(WEIGHTS, json={"weight": "80.50", "date": AT}, headers=alice)
    assert made.status_code == 201, made.get_json()
    entry = made.get_json()
    category = body_weight(client, alice)
    [reading] = readings(client, alice, category)
    assert reading["id"] == entry["id"]
    assert (reading["value"], reading["date"], reading["source"]) == (80.5, AT, "user")
    assert client.get(f"{URL}{entry['id']}/", headers=alice).get_json()["category"] == category


def test_a_body_weight_measurement_is_a_weight_entry(client, alice, user):
    category = body_weight(client, alice)
    made = client.post(
        URL, json={"category": category, "value": 79.2, "date": AT, "notes": "scale"}, headers=alice
    )
    assert made.status_code == 201, made.get_json()
    reading = made.get_json()
    assert weights(client, alice) == [
        {"id": reading["id"], "date": AT, "weight": "79.20", "user": user.id}
    ]
    # a reading of another category is no weight, on either route
    waist = make_category(client, alice, name="Waist", unit="cm")["id"]
    other = client.post(URL, json={"category": waist, "value": 80, "date": AT}, headers=alice)
    assert other.status_code == 201  # moments repeat freely outside body weight
    assert len(weights(client, alice)) == 1
    assert client.get(f"{WEIGHTS}{other.get_json()['id']}/", headers=alice).status_code == 404
    assert client.delete(f"{WEIGHTS}{other.get_json()['id']}/", headers=alice).status_code == 404


def test_a_change_or_delete_through_one_route_is_seen_by_the_other(client, alice):
    entry = client.post(WEIGHTS, json={"weight": "80", "date": AT}, headers=alice).get_json()
    reading_url, entry_url = f"{URL}{entry['id']}/", f"{WEIGHTS}{entry['id']}/"
    assert client.patch(entry_url, json={"weight": "81.25"}, headers=alice).status_code == 200
    assert client.get(reading_url, headers=alice).get_json()["value"] == 81.25
    assert (
        client.patch(reading_url, json={"value": 82, "notes": "x"}, headers=alice).status_code
        == 200
    )
    assert client.get(entry_url, headers=alice).get_json()["weight"] == "82.00"
    # the 2.7 fields a weight entry does not show stay as they were
    client.patch(entry_url, json={"date": "2026-11-02T07:30:00Z"}, headers=alice)
    assert client.get(reading_url, headers=alice).get_json()["notes"] == "x"
    assert client.delete(reading_url, headers=alice).status_code == 204
    assert client.get(entry_url, headers=alice).status_code == 404
    again = client.post(WEIGHTS, json={"weight": "80", "date": AT}, headers=alice).get_json()
    assert client.delete(f"{WEIGHTS}{again['id']}/", headers=alice).status_code == 204
    assert readings(client, alice, body_weight(client, alice)) == []


def test_one_weight_per_moment_whichever_route(client, alice, mallory):
    category = body_weight(client, alice)
    assert client.post(WEIGHTS, json={"weight": "80", "date": AT}, headers=alice).status_code == 201
    twice = client.post(URL, json={"category": category, "value": 81, "date": AT}, headers=alice)
    assert twice.status_code == 400 and list(twice.get_json()) == ["date"]
    other = client.post(
        URL, json={"category": category, "value": 81, "date": "2026-11-02T07:30:00Z"}, headers=alice
    ).get_json()
    moved = client.patch(f"{URL}{other['id']}/", json={"date": AT}, headers=alice)
    assert moved.status_code == 400 and list(moved.get_json()) == ["date"]
    later = "2026-11-02T07:30:00Z"
    clash = client.post(WEIGHTS, json={"weight": "80", "date": later}, headers=alice)
    assert clash.status_code == 400 and list(clash.get_json()) == ["date"]
    # another user's weights are theirs: the same moment is fine
    assert (
        client.post(WEIGHTS, json={"weight": "70", "date": AT}, headers=mallory).status_code == 201
    )
    assert len(weights(client, alice)) == 2


def test_another_users_weight_is_a_404_on_both_routes(client, alice, mallory):
    entry = client.post(WEIGHTS, json={"weight": "80", "date": AT}, headers=alice).get_json()
    for url in (f"{WEIGHTS}{entry['id']}/", f"{URL}{entry['id']}/"):
        assert client.get(url, headers=mallory).status_code == 404
        assert client.delete(url, headers=mallory).status_code == 404
    assert (
        client.patch(f"{WEIGHTS}{entry['id']}/", json={"weight": "99"}, headers=mallory).status_code
        == 404
    )
    assert (
        client.patch(f"{URL}{entry['id']}/", json={"value": 99}, headers=mallory).status_code == 404
    )
    # naming Alice's body-weight category from Mallory's account is refused before any write
    foreign = client.post(
        URL, json={"category": body_weight(client, alice), "value": 99}, headers=mallory
    )
    assert foreign.status_code == 403
    # and Mallory's weight entry lands in Mallory's own category, whatever the body says
    own = client.post(
        WEIGHTS, json={"weight": "70", "category": body_weight(client, alice)}, headers=mallory
    ).get_json()
    assert client.get(f"{URL}{own['id']}/", headers=mallory).get_json()["category"] == (
        body_weight(client, mallory)
    )
    assert [row["weight"] for row in weights(client, alice)] == ["80.00"]


def test_bmi_follows_a_weight_written_as_a_weight_entry(client, alice, height):  # noqa: F811
    bmi = make_category(client, alice, name="BMI", dynamic_type="BMI")["id"]
    client.post(
        URL, json={"category": height, "value": 180, "date": "2026-01-01T08:00:00Z"}, headers=alice
    )
    entry = client.post(
        WEIGHTS, json={"weight": "81", "date": "2026-01-05T08:00:00Z"}, headers=alice
    ).get_json()
    assert computed(client, alice, bmi) == [("2026-01-05", 25.0)]  # 81 / 1.8²
    client.patch(f"{WEIGHTS}{entry['id']}/", json={"weight": "90"}, headers=alice)
    assert computed(client, alice, bmi) == [("2026-01-05", 27.78)]  # 90 / 3.24
    client.delete(f"{WEIGHTS}{entry['id']}/", headers=alice)
    assert computed(client, alice, bmi) == []


@pytest.mark.parametrize(
    ("profile_unit", "logged", "shown"),
    [
        ("kg", {"value": 180, "extra_data": {"unit": "lb"}}, "81.65"),  # 180 × 0.45359237
        ("kg", {"value": 80}, "80.00"),
        ("lb", {"value": 80}, "176.37"),  # the category's kg, seen in the profile's lb
        ("lb", {"value": 180, "extra_data": {"unit": "lb"}}, "180.00"),
    ],
)
def test_a_weight_entry_speaks_the_profiles_unit(client, alice, profile_unit, logged, shown):
    assert (
        client.patch(
            "/api/v2/userprofile/", json={"weight_unit": profile_unit}, headers=alice
        ).status_code
        == 200
    )
    category = body_weight(client, alice)
    reading = client.post(URL, json={"category": category, "date": AT, **logged}, headers=alice)
    assert reading.status_code == 201, reading.get_json()
    assert [row["weight"] for row in weights(client, alice)] == [shown]
    # the calorie calculator's read (the released MCP server's) and the filters see it too
    latest = client.get(f"{WEIGHTS}?limit=1&ordering=-date", headers=alice).get_json()
    assert latest["results"][0]["weight"] == shown
    assert client.get(f"{WEIGHTS}?weight={shown}", headers=alice).get_json()["count"] == 1


def test_a_weight_entry_in_pounds_is_a_reading_in_pounds(client, alice):
    client.patch("/api/v2/userprofile/", json={"weight_unit": "lb"}, headers=alice)
    entry = client.post(WEIGHTS, json={"weight": "176.5", "date": AT}, headers=alice).get_json()
    assert entry["weight"] == "176.50"
    reading = client.get(f"{URL}{entry['id']}/", headers=alice).get_json()
    assert (reading["value"], reading["extra_data"]) == (176.5, {"unit": "lb"})
    client.patch("/api/v2/userprofile/", json={"weight_unit": "kg"}, headers=alice)
    # the profile's unit changed: the reading keeps its meaning, shown in kg now
    assert weights(client, alice)[0]["weight"] == "80.06"  # 176.5 × 0.45359237


@pytest.mark.parametrize("profile_unit", ["kg", "lb"])
def test_a_page_shows_what_the_filters_and_ordering_compute(app, client, alice, profile_unit):
    """A page converts in Python from one read of its category's units; filters and ordering
    convert in SQL: both give the same weight for every reading, whatever unit it was taken in."""
    client.patch("/api/v2/userprofile/", json={"weight_unit": profile_unit}, headers=alice)
    category = body_weight(client, alice)
    logged = [
        {"value": 80},
        {"value": 70.55},
        {"value": 180, "extra_data": {"unit": "lb"}},
        {"value": 150.37, "extra_data": {"unit": "lb", "device": "scale"}},
        {"value": 99.99, "extra_data": {"unit": "kg"}},
    ]
    for day, body in enumerate(logged, start=1):
        at = f"2026-11-0{day}T07:30:00Z"
        answer = client.post(URL, json={"category": category, "date": at, **body}, headers=alice)
        assert answer.status_code == 201, answer.get_json()
    shown = {row["id"]: row["weight"] for row in weights(client, alice)}
    with app.app_context():
        in_sql = {
            str(row.id): f"{row.weight:.2f}"
            for row in db.session.execute(select(WeightEntry.id, WeightEntry.weight))
        }
    assert shown == in_sql
    assert len(set(shown.values())) == len(logged)
    by_weight = client.get(f"{WEIGHTS}?ordering=-weight", headers=alice).get_json()["results"]
    assert [row["weight"] for row in by_weight] == sorted(shown.values(), key=float, reverse=True)
    for entry_id, weight in shown.items():
        detail = client.get(f"{WEIGHTS}{entry_id}/", headers=alice).get_json()
        assert (detail["weight"], detail["user"]) == (weight, by_weight[0]["user"])
        assert client.get(f"{WEIGHTS}?weight={weight}", headers=alice).get_json()["count"] == 1
        heavier = client.get(f"{WEIGHTS}?weight__gt={weight}", headers=alice).get_json()
        assert heavier["count"] == sum(float(other) > float(weight) for other in shown.values())
