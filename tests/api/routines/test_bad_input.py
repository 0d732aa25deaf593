"""Whatever a client sends to the routine resources is a 2xx or a 4xx, never a 500."""

import json

import pytest

from tests.api.routine_api import EXERCISE, create, plan

ODD_VALUES = [None, True, -1, 2**31, 2**63, 10**30, -1e308, 1.5, "", "x", [], [1], {}, "😀" * 40]


@pytest.fixture
def bodies(client, alice):
    """A valid body per resource, naming existing parents."""
    made = plan(client, alice)
    log = create(client, alice, "workoutlog", exercise=EXERCISE, repetitions="5")
    return {
        "routine": {"name": "a", "start": "2024-01-01", "end": "2024-01-10"},
        "day": {"routine": made["routine"], "config": None},
        "slot": {"day": made["day"]},
        "slot-entry": {"slot": made["slot"], "exercise": EXERCISE, "weight_rounding": "2.5"},
        "weight-config": {"slot_entry": made["entry"], "iteration": 5, "value": "1"},
        "rest-config": {"slot_entry": made["entry"], "iteration": 5, "value": 60},
        "rir-config": {"slot_entry": made["entry"], "iteration": 5, "value": "1.5"},
        "workoutsession": {"routine": made["routine"], "day": made["day"], "time_start": "10:00"},
        "workoutlog": {"exercise": EXERCISE, "weight": "5", "session": log["session"],
                       "slot_entry": made["entry"], "next_log": log["id"], "rir": "1"},
    }  # fmt: skip


def test_odd_values_in_any_field_are_client_errors(client, alice, bodies):
    failures = []
    for resource, body in bodies.items():
        for field in [*body, "id", "order", "iteration"]:
            for value in ODD_VALUES:
                response = client.post(
                    f"/api/v2/{resource}/",
                    data=json.dumps({**body, field: value}),
                    content_type="application/json",
                    headers=alice,
                )
                if response.status_code >= 500:
                    failures.append((resource, field, value))
    assert failures == []


@pytest.mark.parametrize("value", [2**31, 2**40, 2**63, 10**30, -(2**64)])
def test_a_parent_id_beyond_64_bits_is_a_400(client, alice, bodies, value):
    response = client.post("/api/v2/day/", json={**bodies["day"], "routine": value}, headers=alice)
    assert response.status_code == 400 and "routine" in response.get_json()


def test_json_documents_keep_big_numbers_readable(client, alice, bodies):
    day = create(client, alice, "day", **{**bodies["day"], "config": {"big": 1e30, "n": [1, 2]}})
    assert day["config"]["n"] == [1, 2] and float(day["config"]["big"]) == 1e30
    structure = client.get(f"/api/v2/routine/{day['routine']}/structure/", headers=alice)
    assert structure.status_code == 200
