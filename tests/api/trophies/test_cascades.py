"""Workouts deleted by cascade (a routine, a day made a rest day) are taken out as well."""

from __future__ import annotations

from tests.api.routine_api import plan
from tests.api.trophies.helpers import earned, log, session, statistics


def logged_plan(client, headers) -> dict:
    ids = plan(client, headers)
    made = session(client, headers, "2024-01-02")
    client.patch(
        f"/api/v2/workoutsession/{made['id']}/", json={"routine": ids["routine"]}, headers=headers
    )
    log(client, headers, made["id"], slot_entry=ids["entry"], routine=ids["routine"])
    return ids


def test_deleting_a_routine_takes_its_workouts_out(client, alice):
    ids = logged_plan(client, alice)
    assert statistics(client, alice)["total_weight_lifted"] == "500.00"
    assert client.delete(f"/api/v2/routine/{ids['routine']}/", headers=alice).status_code == 204
    stats = statistics(client, alice)
    assert (stats["total_workouts"], stats["total_weight_lifted"]) == (0, "0.00")
    assert earned(client, alice) == []


def test_a_rest_day_deletes_its_slots_and_their_logs(client, alice):
    ids = logged_plan(client, alice)
    response = client.patch(f"/api/v2/day/{ids['day']}/", json={"is_rest": True}, headers=alice)
    assert response.status_code == 200
    stats = statistics(client, alice)
    assert stats["total_weight_lifted"] == "0.00"  # the log went with its slot entry
    assert stats["total_workouts"] == 1  # the session stays
    assert "Personal Record" not in earned(client, alice)
