"""What an upload costs in SQL statements, against the REST route writing the same row: the
upload adds only its owner-filtered look-up of the synced id."""

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


def statements(count_queries, send) -> int:
    with count_queries() as counter:
        send()
    return counter.count


def test_an_upload_costs_the_rest_routes_statements_and_one_look_up(
    client, alice, count_queries, world, capsys
):
    device = Device(client, alice)
    log = {
        "exercise_id": world["exercise"],
        "session_id": world["session"],
        "repetitions": 5,
        "repetitions_unit_id": 1,
        "weight": 60,
        "weight_unit_id": 1,
        # a minute after the REST route's log: the same set again, so it is no new personal
        # record (logs of one moment are ordered by their random ids, which would make the
        # count depend on which id sorts first)
        "date": MOMENT.replace("10:15:00", "10:16:00"),
    }
    rest_body = {
        "exercise": world["exercise"],
        "session": world["session"],
        "repetitions": "5",
        "repetitions_unit": 1,
        "weight": "60",
        "weight_unit": 1,
        "date": MOMENT,
    }

    def rest():
        assert client.post("/api/v2/workoutlog/", json=rest_body, headers=alice).status_code == 201

    row_id = str(uuid7())
    counts = {
        "REST POST workoutlog": statements(count_queries, rest),
        "upload PUT manager_workoutlog": statements(
            count_queries, lambda: device.put("manager_workoutlog", row_id, log)
        ),
        "upload PUT re-sent": statements(
            count_queries, lambda: device.put("manager_workoutlog", row_id, log)
        ),
        "upload PATCH": statements(
            count_queries, lambda: device.patch("manager_workoutlog", row_id, {"repetitions": 6})
        ),
        "upload DELETE": statements(
            count_queries, lambda: device.delete("manager_workoutlog", row_id)
        ),
    }
    with capsys.disabled():
        print(f"\nSQL statements per request: {counts}")
    # the REST route reads its result back (2 statements) where the upload answers "ok!"
    assert counts["upload PUT manager_workoutlog"] <= counts["REST POST workoutlog"] + 1
    assert counts["upload PUT re-sent"] <= 3  # user, look-up (and nothing written)
