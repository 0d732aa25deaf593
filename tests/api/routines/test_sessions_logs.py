"""workoutsession and workoutlog: UUID ids, sessions made for logs, parents, filters."""

import uuid

import pytest

from tests.api.routine_api import EXERCISE, OTHER_EXERCISE, create, ids, plan, results

SESSION_FIELDS = {
    "id", "routine", "day", "date", "notes", "impression", "time_start", "time_end",
    "datetime_start", "datetime_end",
}  # fmt: skip
LOG_FIELDS = {
    "id", "date", "session", "routine", "iteration", "slot_entry", "next_log", "exercise",
    "repetitions_unit", "repetitions", "repetitions_target", "weight_unit", "weight",
    "weight_target", "rir", "rir_target", "rest", "rest_target",
}  # fmt: skip


def test_session_defaults_and_a_client_chosen_id(client, alice):
    made = create(client, alice, "workoutsession")
    assert set(made) == SESSION_FIELDS
    assert uuid.UUID(made["id"]).version == 7
    assert (made["impression"], made["notes"], made["routine"]) == ("2", None, None)
    chosen = str(uuid.uuid4())
    mine = create(client, alice, "workoutsession", id=chosen, date="2024-01-05",
                  time_start="18:00", time_end="19:15:30", impression="3", notes="Good")  # fmt: skip
    assert mine["id"] == chosen
    assert (mine["time_start"], mine["time_end"]) == ("18:00:00", "19:15:30")
    assert client.get(f"/api/v2/workoutsession/{chosen}/", headers=alice).get_json() == mine


def test_a_null_id_on_create_means_made_here(client, alice):
    session = create(client, alice, "workoutsession", id=None, date="2024-01-01")
    log = create(client, alice, "workoutlog", id=None, exercise=EXERCISE, repetitions="5")
    assert uuid.UUID(session["id"]) and uuid.UUID(log["id"])


def test_a_session_id_cannot_be_changed_or_reused(client, alice, mallory):
    made = create(client, alice, "workoutsession", date="2024-01-01")
    url = f"/api/v2/workoutsession/{made['id']}/"
    other = str(uuid.uuid4())
    patched = client.patch(url, json={"id": other, "notes": "x"}, headers=alice)
    assert patched.status_code == 200 and patched.get_json()["id"] == made["id"]
    reused = client.post("/api/v2/workoutsession/", json={"id": made["id"]}, headers=mallory)
    assert reused.status_code == 400
    assert client.get(url, headers=alice).get_json()["notes"] == "x"


def test_one_session_per_date_and_routine(client, alice):
    made = plan(client, alice)
    create(client, alice, "workoutsession", routine=made["routine"], date="2024-01-02")
    again = client.post(
        "/api/v2/workoutsession/",
        json={"routine": made["routine"], "date": "2024-01-02"},
        headers=alice,
    )
    assert again.status_code == 400 and "non_field_errors" in again.get_json()


@pytest.mark.parametrize(
    "body,field",
    [
        ({"impression": "4"}, "impression"),
        ({"date": "2024-13-01"}, "date"),
        ({"time_start": "25:00"}, "time_start"),
        ({"id": "not-a-uuid"}, "id"),
        ({"routine": "x"}, "routine"),
    ],
)
def test_invalid_sessions_are_400(client, alice, body, field):
    response = client.post("/api/v2/workoutsession/", json=body, headers=alice)
    assert response.status_code == 400 and field in response.get_json()


def test_sessions_of_others_and_foreign_parents(client, alice, mallory):
    theirs = plan(client, mallory)
    for body in ({"routine": theirs["routine"]}, {"day": theirs["day"]}):
        response = client.post("/api/v2/workoutsession/", json=body, headers=alice)
        assert response.status_code == 403
    assert results(client, alice, "/api/v2/workoutsession/") == []
    session = create(client, mallory, "workoutsession", routine=theirs["routine"])
    url = f"/api/v2/workoutsession/{session['id']}/"
    assert client.get(url, headers=alice).status_code == 404
    assert client.patch(url, json={"notes": "x"}, headers=alice).status_code == 404
    assert client.delete(url, headers=alice).status_code == 404
    assert client.get("/api/v2/workoutsession/not-a-uuid/", headers=alice).status_code == 404


def test_session_filters_and_order(client, alice):
    made = plan(client, alice)
    late = create(client, alice, "workoutsession", date="2024-02-01", impression="3")
    early = create(client, alice, "workoutsession", date="2024-01-01", routine=made["routine"])
    assert ids(client, alice, "/api/v2/workoutsession/") == [early["id"], late["id"]]
    assert ids(client, alice, f"/api/v2/workoutsession/?routine={made['routine']}") == [early["id"]]
    assert ids(client, alice, "/api/v2/workoutsession/?impression=3") == [late["id"]]
    assert ids(client, alice, "/api/v2/workoutsession/?date=2024-02-01") == [late["id"]]
    assert ids(client, alice, "/api/v2/workoutsession/?ordering=-date")[0] == late["id"]
    timed = create(client, alice, "workoutsession", date="2024-03-01", time_start="07:30")
    assert ids(client, alice, "/api/v2/workoutsession/?time_start=07:30:00") == [timed["id"]]
    assert ids(client, alice, "/api/v2/workoutsession/?time_start=07:31") == []
    bad = client.get("/api/v2/workoutsession/?time_start=noon", headers=alice)
    assert bad.status_code == 400 and "time_start" in bad.get_json()


def test_deleting_a_session_deletes_its_logs(client, alice):
    log = create(client, alice, "workoutlog", exercise=EXERCISE, repetitions="5")
    url = f"/api/v2/workoutsession/{log['session']}/"
    assert client.delete(url, headers=alice).status_code == 204
    assert results(client, alice, "/api/v2/workoutlog/") == []


# ------------------------------------------------------------------------------ logs


def test_a_log_without_session_joins_the_session_of_its_date_and_routine(client, alice):
    made = plan(client, alice)
    body = {"exercise": EXERCISE, "routine": made["routine"], "date": "2024-01-03T18:00:00Z"}
    first = create(client, alice, "workoutlog", **body, repetitions="8", weight="50")
    assert set(first) == LOG_FIELDS
    assert (first["repetitions_unit"], first["weight_unit"]) == (1, 1)
    assert first["date"] == "2024-01-03T18:00:00Z"
    second = create(client, alice, "workoutlog", **body, repetitions="6", weight="52.5")
    assert second["session"] == first["session"]
    session = client.get(f"/api/v2/workoutsession/{first['session']}/", headers=alice).get_json()
    assert (session["date"], session["routine"]) == ("2024-01-03", made["routine"])
    other_day = create(client, alice, "workoutlog", exercise=EXERCISE, repetitions="5",
                       routine=made["routine"], date="2024-01-04T08:00:00Z")  # fmt: skip
    assert other_day["session"] != first["session"]


def test_a_given_session_is_kept(client, alice):
    session = create(client, alice, "workoutsession", date="2024-01-01")
    log = create(client, alice, "workoutlog", exercise=EXERCISE, weight="20",
                 session=session["id"], date="2024-03-03T10:00:00Z")  # fmt: skip
    assert log["session"] == session["id"]
    other = create(client, alice, "workoutsession", date="2024-01-02")
    url = f"/api/v2/workoutlog/{log['id']}/"
    moved = client.patch(url, json={"session": other["id"]}, headers=alice).get_json()
    assert moved["session"] == other["id"]


def test_a_client_chosen_log_id_and_a_chain_of_logs(client, alice):
    chosen = str(uuid.uuid4())
    first = create(client, alice, "workoutlog", id=chosen, exercise=EXERCISE, repetitions="5")
    second = create(client, alice, "workoutlog", exercise=EXERCISE, repetitions="4",
                    next_log=first["id"])  # fmt: skip
    assert first["id"] == chosen and second["next_log"] == chosen


@pytest.mark.parametrize(
    "body,field",
    [
        ({}, "non_field_errors"),  # neither repetitions nor weight
        ({"repetitions": "5", "repetitions_unit": None}, "repetitions_unit"),
        ({"weight": "20", "weight_unit": None}, "weight_unit"),
        ({"repetitions": "-1"}, "repetitions"),
        ({"repetitions": "5", "rir": "0.3"}, "rir"),
        ({"repetitions": "5", "rir_target": "7"}, "rir_target"),
        ({"repetitions": "5", "rest": -10}, "rest"),
        ({"repetitions": "5", "iteration": -1}, "iteration"),
        ({"repetitions": "5", "date": "yesterday"}, "date"),
        ({"repetitions": "5", "weight": "12345.6"}, "weight"),
    ],
)
def test_invalid_logs_are_400(client, alice, body, field):
    response = client.post(
        "/api/v2/workoutlog/", json={"exercise": EXERCISE, **body}, headers=alice
    )
    assert response.status_code == 400 and field in response.get_json(), response.get_json()
    assert results(client, alice, "/api/v2/workoutlog/") == []
    assert results(client, alice, "/api/v2/workoutsession/") == []


def test_logs_naming_foreign_parents_are_403_and_write_nothing(client, alice, mallory):
    theirs = plan(client, mallory)
    their_log = create(client, mallory, "workoutlog", exercise=EXERCISE, repetitions="5",
                       routine=theirs["routine"])  # fmt: skip
    for parent in (
        {"routine": theirs["routine"]},
        {"session": their_log["session"]},
        {"slot_entry": theirs["entry"]},
        {"next_log": their_log["id"]},
        {"session": str(uuid.uuid4())},
    ):
        body = {"exercise": EXERCISE, "repetitions": "5", **parent}
        response = client.post("/api/v2/workoutlog/", json=body, headers=alice)
        assert response.status_code == 403, parent
    assert results(client, alice, "/api/v2/workoutlog/") == []
    assert results(client, alice, "/api/v2/workoutsession/") == []
    url = f"/api/v2/workoutlog/{their_log['id']}/"
    assert client.get(url, headers=alice).status_code == 404
    assert client.patch(url, json={"repetitions": "9"}, headers=alice).status_code == 404
    assert client.delete(url, headers=alice).status_code == 404


def test_log_filters_with_lookups(client, alice):
    early = create(client, alice, "workoutlog", exercise=EXERCISE, repetitions="8",
                   weight="50", rir="2", date="2024-01-01T10:00:00Z", iteration=1)  # fmt: skip
    late = create(client, alice, "workoutlog", exercise=OTHER_EXERCISE, repetitions="5",
                  weight="70", rir="1", date="2024-01-08T10:00:00Z", iteration=2)  # fmt: skip
    url = "/api/v2/workoutlog/"
    assert ids(client, alice, url) == [early["id"], late["id"]]
    assert ids(client, alice, url + "?ordering=-date") == [late["id"], early["id"]]
    assert ids(client, alice, url + "?date__gte=2024-01-05T00:00:00%2B00:00") == [late["id"]]
    assert ids(client, alice, url + "?date__lt=2024-01-05") == [early["id"]]
    assert ids(client, alice, url + "?date__date=2024-01-08") == [late["id"]]
    assert ids(client, alice, url + f"?exercise__in={EXERCISE},{OTHER_EXERCISE}") == [
        early["id"],
        late["id"],
    ]
    assert ids(client, alice, url + "?weight__gt=60") == [late["id"]]
    assert ids(client, alice, url + "?repetitions__lte=5") == [late["id"]]
    assert ids(client, alice, url + "?rir__in=2") == [early["id"]]
    assert ids(client, alice, url + "?iteration=2") == [late["id"]]
    assert ids(client, alice, url + f"?session={early['session']}") == [early["id"]]
    bad = client.get(url + "?weight__gt=heavy", headers=alice)
    assert bad.status_code == 400 and "weight__gt" in bad.get_json()


def test_update_and_delete_a_log(client, alice):
    log = create(client, alice, "workoutlog", exercise=EXERCISE, repetitions="5")
    url = f"/api/v2/workoutlog/{log['id']}/"
    patched = client.patch(url, json={"weight": "60.25", "rest": 90}, headers=alice).get_json()
    assert (patched["weight"], patched["rest"], patched["session"]) == ("60.25", 90, log["session"])
    emptied = client.patch(url, json={"repetitions": None, "weight": None}, headers=alice)
    assert emptied.status_code == 400
    assert client.delete(url, headers=alice).status_code == 204
    assert client.get(url, headers=alice).status_code == 404
