"""day, slot, slot-entry: the plan inside a routine, its parents and its owner."""

import pytest

from tests.api.routine_api import EXERCISE, OTHER_EXERCISE, create, ids, plan, results, routine

DAY_FIELDS = {
    "id",
    "routine",
    "order",
    "name",
    "description",
    "is_rest",
    "need_logs_to_advance",
    "type",
    "config",
}
SLOT_FIELDS = {"id", "day", "order", "comment", "config"}
ENTRY_FIELDS = {
    "id",
    "slot",
    "exercise",
    "type",
    "repetition_unit",
    "repetition_rounding",
    "weight_unit",
    "weight_rounding",
    "order",
    "comment",
    "config",
}


def test_day_defaults_and_fields(client, alice):
    made = routine(client, alice)
    day = create(client, alice, "day", routine=made["id"])
    assert set(day) == DAY_FIELDS
    assert (day["order"], day["type"], day["name"], day["config"]) == (1, "custom", "", None)
    assert (day["is_rest"], day["need_logs_to_advance"]) == (False, False)


@pytest.mark.parametrize(
    "body,field",
    [
        ({}, "routine"),
        ({"name": "x" * 21}, "name"),
        ({"type": "yoga"}, "type"),
        ({"order": -1}, "order"),
        ({"order": 2**31}, "order"),
        ({"is_rest": "sometimes"}, "is_rest"),
    ],
)
def test_invalid_days_are_400(client, alice, body, field):
    made = routine(client, alice)
    payload = {"routine": made["id"], **body} if field != "routine" else body
    response = client.post("/api/v2/day/", json=payload, headers=alice)
    assert response.status_code == 400 and field in response.get_json()


def test_a_parent_the_caller_does_not_own_is_403_and_nothing_is_written(client, alice, mallory):
    theirs = plan(client, mallory)
    shared = routine(client, mallory, is_template=True, is_public=True)
    for resource, body in [
        ("day", {"routine": theirs["routine"]}),
        ("day", {"routine": shared["id"]}),  # readable, yet not theirs to extend
        ("day", {"routine": 999999}),  # a missing parent is refused alike
        ("slot", {"day": theirs["day"]}),
        ("slot-entry", {"slot": theirs["slot"], "exercise": EXERCISE}),
    ]:
        response = client.post(f"/api/v2/{resource}/", json=body, headers=alice)
        assert response.status_code == 403, (resource, body)
        assert response.get_json() == {"detail": "You are not allowed to do this"}
        assert results(client, alice, f"/api/v2/{resource}/") == []
    assert len(results(client, mallory, "/api/v2/day/")) == 1


def test_a_malformed_parent_is_a_400(client, alice):
    response = client.post("/api/v2/day/", json={"routine": "abc"}, headers=alice)
    assert response.status_code == 400 and "routine" in response.get_json()


def test_moving_a_child_to_a_foreign_parent_is_403(client, alice, mallory):
    mine, theirs = plan(client, alice), plan(client, mallory)
    url = f"/api/v2/slot/{mine['slot']}/"
    assert client.patch(url, json={"day": theirs["day"]}, headers=alice).status_code == 403
    assert client.get(url, headers=alice).get_json()["day"] == mine["day"]
    second_day = create(client, alice, "day", routine=mine["routine"], order=2)
    moved = client.patch(url, json={"day": second_day["id"]}, headers=alice)
    assert moved.status_code == 200 and moved.get_json()["day"] == second_day["id"]


@pytest.mark.parametrize("resource", ["day", "slot", "slot-entry"])
def test_other_users_rows_are_invisible(client, alice, mallory, resource):
    theirs = plan(client, mallory)
    key = {"day": "day", "slot": "slot", "slot-entry": "entry"}[resource]
    url = f"/api/v2/{resource}/{theirs[key]}/"
    assert client.get(url, headers=alice).status_code == 404
    assert client.patch(url, json={"order": 5}, headers=alice).status_code == 404
    assert client.delete(url, headers=alice).status_code == 404
    assert results(client, alice, f"/api/v2/{resource}/") == []
    assert client.get(url, headers=mallory).status_code == 200


def test_days_filter_by_routine_and_order_by_order(client, alice):
    first, second = routine(client, alice), routine(client, alice)
    late = create(client, alice, "day", routine=first["id"], order=3, name="C")
    early = create(client, alice, "day", routine=first["id"], order=1, name="A")
    other = create(client, alice, "day", routine=second["id"], order=2)
    assert ids(client, alice, f"/api/v2/day/?routine={first['id']}") == [early["id"], late["id"]]
    assert ids(client, alice, "/api/v2/day/") == [early["id"], other["id"], late["id"]]
    assert ids(client, alice, "/api/v2/day/?ordering=-order") == [
        late["id"],
        other["id"],
        early["id"],
    ]
    assert ids(client, alice, "/api/v2/day/?name=C") == [late["id"]]
    assert ids(client, alice, "/api/v2/day/?is_rest=False&routine=" + str(second["id"])) == [
        other["id"]
    ]


def test_making_a_day_a_rest_day_removes_its_slots(client, alice):
    made = plan(client, alice)
    response = client.patch(f"/api/v2/day/{made['day']}/", json={"is_rest": True}, headers=alice)
    assert response.status_code == 200 and response.get_json()["is_rest"] is True
    assert results(client, alice, "/api/v2/slot/") == []
    assert results(client, alice, "/api/v2/slot-entry/") == []


def test_slot_fields_filters_and_delete(client, alice):
    made = plan(client, alice)
    second = create(client, alice, "slot", day=made["day"], order=2, comment="finisher")
    assert set(second) == SLOT_FIELDS and second["config"] is None
    assert ids(client, alice, f"/api/v2/slot/?day={made['day']}") == [made["slot"], second["id"]]
    assert ids(client, alice, "/api/v2/slot/?comment=finisher") == [second["id"]]
    assert client.delete(f"/api/v2/slot/{made['slot']}/", headers=alice).status_code == 204
    assert results(client, alice, "/api/v2/slot-entry/") == []  # the entry went with it
    bad = client.post(
        "/api/v2/slot/", json={"day": made["day"], "comment": "x" * 201}, headers=alice
    )
    assert bad.status_code == 400 and "comment" in bad.get_json()


def test_slot_entry_defaults_and_automatic_order(client, alice):
    made = plan(client, alice)
    second = create(client, alice, "slot-entry", slot=made["slot"], exercise=OTHER_EXERCISE)
    assert set(second) == ENTRY_FIELDS
    assert second["order"] == 2  # after the slot's last entry
    assert (second["repetition_unit"], second["weight_unit"], second["type"]) == (1, 1, "normal")
    assert (second["repetition_rounding"], second["weight_rounding"]) == (None, None)
    placed = create(
        client, alice, "slot-entry", slot=made["slot"], exercise=EXERCISE, order=7,
        weight_rounding="2.5", repetition_unit=3, weight_unit=None, type="dropset",
        config={"tempo": "3-1-1"},
    )  # fmt: skip
    assert (placed["order"], placed["weight_rounding"]) == (7, "2.50")
    assert (placed["repetition_unit"], placed["weight_unit"]) == (3, None)
    assert placed["config"] == {"tempo": "3-1-1"}


@pytest.mark.parametrize(
    "body,field",
    [
        ({"exercise": 999999}, "exercise"),
        ({"type": "superslow"}, "type"),
        ({"weight_rounding": "123.4"}, "weight_rounding"),
        ({"repetition_unit": 999}, "repetition_unit"),
        ({"comment": "x" * 101}, "comment"),
    ],
)
def test_invalid_slot_entries_are_400(client, alice, body, field):
    made = plan(client, alice)
    payload = {"slot": made["slot"], "exercise": EXERCISE, **body}
    response = client.post("/api/v2/slot-entry/", json=payload, headers=alice)
    assert response.status_code == 400 and field in response.get_json()


def test_slot_entry_filters_and_ordering(client, alice):
    made = plan(client, alice)
    other = create(client, alice, "slot-entry", slot=made["slot"], exercise=OTHER_EXERCISE)
    assert ids(client, alice, f"/api/v2/slot-entry/?exercise={OTHER_EXERCISE}") == [other["id"]]
    assert ids(client, alice, f"/api/v2/slot-entry/?slot={made['slot']}") == [
        made["entry"],
        other["id"],
    ]
    assert ids(client, alice, "/api/v2/slot-entry/?ordering=-order") == [
        other["id"],
        made["entry"],
    ]
    assert ids(client, alice, "/api/v2/slot-entry/?weight_unit=1&type=normal") == [
        made["entry"],
        other["id"],
    ]


def test_new_slot_entries_round_as_the_profile_says(client, user, auth_headers):
    """The profile's rounding preferences become the defaults of new slot entries."""
    headers = auth_headers(user)
    client.patch(
        "/api/v2/userprofile/",
        json={"weight_rounding": "2.5", "repetitions_rounding": "1"},
        headers=headers,
    )
    routine = client.post(
        "/api/v2/routine/",
        json={"name": "R", "start": "2025-01-01", "end": "2025-02-01"},
        headers=headers,
    ).get_json()
    day = client.post("/api/v2/day/", json={"routine": routine["id"]}, headers=headers).get_json()
    slot = client.post("/api/v2/slot/", json={"day": day["id"]}, headers=headers).get_json()
    entry = client.post(
        "/api/v2/slot-entry/", json={"slot": slot["id"], "exercise": 9}, headers=headers
    ).get_json()
    assert (entry["weight_rounding"], entry["repetition_rounding"]) == ("2.50", "1.00")
    explicit = client.post(
        "/api/v2/slot-entry/",
        json={"slot": slot["id"], "exercise": 9, "weight_rounding": "5"},
        headers=headers,
    )
    assert explicit.get_json()["weight_rounding"] == "5.00"
