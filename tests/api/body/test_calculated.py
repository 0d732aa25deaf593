"""Calculated categories compute their readings (``source: "calculated"``), checked against
values worked out by hand; they follow every change of what they read, keep their ids when
recomputed, and refuse readings written or deleted by a client."""

from __future__ import annotations

import pytest

from tests.api.body.test_measurement import CATEGORIES, URL
from tests.api.trophies.helpers import log, session


def make_category(client, headers, **body):
    response = client.post(CATEGORIES, json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def reading(client, headers, category, value, date, **extra):
    body = {"category": category, "value": value, "date": date, **extra}
    response = client.post(URL, json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def computed(client, headers, category):
    """(date, value) of the category's readings, oldest first; all of them calculated."""
    response = client.get(f"{URL}?category={category}&ordering=date&limit=100", headers=headers)
    rows = response.get_json()["results"]
    assert all(row["source"] == "calculated" for row in rows)
    return [(row["date"][:10], row["value"]) for row in rows]


def body_weight(client, headers):
    rows = client.get(f"{CATEGORIES}?metric_type=body_weight", headers=headers).get_json()
    return rows["results"][0]["id"]


@pytest.fixture
def height(client, alice):
    return make_category(client, alice, name="Height", metric_type="height")["id"]


def test_bmi_from_each_body_weight_and_the_height_of_its_time(client, alice, height):
    bmi = make_category(client, alice, name="BMI", dynamic_type="BMI")
    assert bmi["unit"] == "kg/m²" and bmi["dynamic_params"] == {}
    weight = body_weight(client, alice)
    reading(client, alice, height, 180, "2026-01-01T08:00:00Z")
    reading(client, alice, weight, 90, "2025-12-01T08:00:00Z")  # before any height: the first
    first = reading(client, alice, weight, 80, "2026-01-05T08:00:00Z")
    reading(client, alice, weight, "176.37", "2026-01-06T08:00:00Z", extra_data={"unit": "lb"})
    reading(client, alice, height, 175, "2026-02-01T08:00:00Z")
    reading(client, alice, weight, 70, "2026-02-05T08:00:00Z")
    # 90 / 1.8² = 27.777…; 80 / 1.8² = 24.691…; 176.37 lb = 79.9997 kg → 24.691…;
    # 70 / 1.75² = 22.857…
    assert computed(client, alice, bmi["id"]) == [
        ("2025-12-01", 27.78),
        ("2026-01-05", 24.69),
        ("2026-01-06", 24.69),
        ("2026-02-05", 22.86),
    ]
    rows = client.get(f"{URL}?category={bmi['id']}&ordering=date", headers=alice).get_json()
    ids = [row["id"] for row in rows["results"]]

    # a corrected weight updates its BMI in place; a deleted one takes its BMI along
    client.patch(f"{URL}{first['id']}/", json={"value": 81}, headers=alice)
    after = client.get(f"{URL}?category={bmi['id']}&ordering=date", headers=alice).get_json()
    assert [row["id"] for row in after["results"]] == ids
    assert after["results"][1]["value"] == 25.0  # 81 / 3.24
    client.delete(f"{URL}{first['id']}/", headers=alice)
    assert ("2026-01-05", 25.0) not in computed(client, alice, bmi["id"])
    assert len(computed(client, alice, bmi["id"])) == 3


def test_a_bmi_made_after_the_readings_computes_them_at_once(client, alice, height):
    reading(client, alice, height, 200, "2026-01-01T08:00:00Z")
    reading(client, alice, body_weight(client, alice), 100, "2026-01-02T08:00:00Z")
    bmi = make_category(client, alice, name="BMI", dynamic_type="BMI")
    assert computed(client, alice, bmi["id"]) == [("2026-01-02", 25.0)]  # 100 / 2²


def test_waist_to_height_ratio(client, alice, height):
    waist = make_category(client, alice, name="Waist", unit="in")
    whtr = make_category(
        client,
        alice,
        name="WHtR",
        dynamic_type="WHTR",
        dynamic_params={"waist_category": waist["id"]},
    )
    reading(client, alice, height, 180, "2026-01-01T08:00:00Z")
    reading(client, alice, waist["id"], "35.43", "2026-01-03T08:00:00Z")
    reading(client, alice, waist["id"], "31.5", "2026-01-04T08:00:00Z")
    # 35.43 in = 89.99 cm / 180 = 0.4999…; 31.5 in = 80.01 cm / 180 = 0.4445
    assert computed(client, alice, whtr["id"]) == [("2026-01-03", 0.5), ("2026-01-04", 0.44)]


@pytest.mark.parametrize(
    ("formula", "expected"),
    # Epley 100 × (1 + 5/30) = 116.67, 225 lb = 102.058 kg × (1 + 3/30) = 112.26;
    # Brzycki 100 × 36 / 32 = 112.50, 102.058 × 36 / 34 = 108.06
    [("epley", [116.67, 112.26]), ("brzycki", [112.5, 108.06])],
)
def test_one_rep_max_of_each_log_of_the_exercise(client, alice, formula, expected):
    category = make_category(
        client, alice, name="Bench 1RM", dynamic_type="ONE_REP_MAX",
        dynamic_params={"exercise": 9, "formula": formula},
    )  # fmt: skip
    assert category["unit"] == "kg"
    day = session(client, alice, "2026-03-02")
    log(client, alice, day["id"], weight="100", repetitions="5", exercise=9)
    log(client, alice, day["id"], weight="60", repetitions="5", exercise=12)  # another exercise
    later = session(client, alice, "2026-03-04")
    log(client, alice, later["id"], weight="225", repetitions="3", exercise=9, unit=2)
    assert [value for _, value in computed(client, alice, category["id"])] == expected


def at(day: str) -> str:
    return f"2026-03-{day}T10:00:00Z"


def test_one_rep_max_total_once_every_lift_has_an_estimate(client, alice):
    total = make_category(
        client, alice, name="Total", dynamic_type="ONE_RM_TOTAL",
        dynamic_params={"exercises": [9, 12]},
    )  # fmt: skip
    assert total["dynamic_params"] == {"exercises": [9, 12], "formula": "epley"}
    first = session(client, alice, "2026-03-02")
    log(client, alice, first["id"], weight="100", repetitions="5", exercise=9, date=at("02"))
    assert computed(client, alice, total["id"]) == []  # 12 has no estimate yet
    second = session(client, alice, "2026-03-03")
    log(client, alice, second["id"], weight="80", repetitions="5", exercise=12, date=at("03"))
    third = session(client, alice, "2026-03-04")
    log(client, alice, third["id"], weight="90", repetitions="5", exercise=9, date=at("04"))
    fourth = session(client, alice, "2026-03-05")
    log(client, alice, fourth["id"], weight="90", repetitions="5", exercise=12, date=at("05"))
    # estimates (Epley): 100 × 5 → 116.67 (lift 9), 80 × 5 → 93.33 (lift 12), then 90 × 5 →
    # 105.00 for 9 (not its best) and for 12 (its new best)
    assert computed(client, alice, total["id"]) == [
        ("2026-03-03", 210.0),  # 116.67 + 93.33
        ("2026-03-04", 210.0),
        ("2026-03-05", 221.67),  # 116.67 + 105.00
    ]


def test_the_readings_of_a_calculated_category_are_the_servers(client, alice, height):
    bmi = make_category(client, alice, name="BMI", dynamic_type="BMI")
    refused = client.post(URL, json={"category": bmi["id"], "value": 22}, headers=alice)
    assert refused.status_code == 400 and "category" in refused.get_json()
    reading(client, alice, height, 180, "2026-01-01T08:00:00Z")
    reading(client, alice, body_weight(client, alice), 80, "2026-01-02T08:00:00Z")
    row = client.get(f"{URL}?category={bmi['id']}", headers=alice).get_json()["results"][0]
    gone = client.delete(f"{URL}{row['id']}/", headers=alice)
    assert gone.status_code == 403
    changed = client.patch(f"{URL}{row['id']}/", json={"value": 10}, headers=alice)
    assert changed.status_code == 400
    assert client.delete(f"{CATEGORIES}{bmi['id']}/", headers=alice).status_code == 204


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"dynamic_type": "WHTR"}, "dynamic_params"),
        ({"dynamic_type": "WHTR", "dynamic_params": {"waist_category": "nope"}}, "dynamic_params"),
        ({"dynamic_type": "ONE_REP_MAX", "dynamic_params": {"exercise": 10**9}}, "dynamic_params"),
        ({"dynamic_type": "ONE_REP_MAX", "dynamic_params": {"exercise": "9"}}, "dynamic_params"),
        (
            {"dynamic_type": "ONE_REP_MAX", "dynamic_params": {"exercise": 9, "formula": "x"}},
            "dynamic_params",
        ),
        ({"dynamic_type": "ONE_RM_TOTAL", "dynamic_params": {"exercises": []}}, "dynamic_params"),
        ({"dynamic_type": "BMI", "dynamic_params": {"height": 180}}, "dynamic_params"),
        ({"dynamic_type": "BMI", "metric_type": "body_fat"}, "dynamic_type"),
    ],
)
def test_parameters_a_type_cannot_compute_from_are_refused(client, alice, body, field):
    response = client.post(CATEGORIES, json={"name": "Calc", **body}, headers=alice)
    assert response.status_code == 400 and field in response.get_json(), response.get_json()


def test_another_users_waist_is_not_a_parameter(client, alice, mallory):
    theirs = make_category(client, mallory, name="Waist")
    response = client.post(
        CATEGORIES,
        json={
            "name": "WHtR",
            "dynamic_type": "WHTR",
            "dynamic_params": {"waist_category": theirs["id"]},
        },
        headers=alice,
    )
    assert response.status_code == 400 and "dynamic_params" in response.get_json()


def test_deleting_a_workout_session_takes_its_estimates_along(client, alice):
    category = make_category(
        client, alice, name="1RM", dynamic_type="ONE_REP_MAX", dynamic_params={"exercise": 9}
    )
    kept = session(client, alice, "2026-03-02")
    log(client, alice, kept["id"], weight="100", repetitions="5", exercise=9, date=at("02"))
    dropped = session(client, alice, "2026-03-03")
    log(client, alice, dropped["id"], weight="120", repetitions="5", exercise=9, date=at("03"))
    assert computed(client, alice, category["id"]) == [
        ("2026-03-02", 116.67),
        ("2026-03-03", 140.0),
    ]
    # its logs go by the database's cascade, not through the session
    response = client.delete(f"/api/v2/workoutsession/{dropped['id']}/", headers=alice)
    assert response.status_code == 204
    assert computed(client, alice, category["id"]) == [("2026-03-02", 116.67)]
