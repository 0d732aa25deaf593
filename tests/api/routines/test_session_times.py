"""workoutsession speaks both generations: 2.7's datetime_start / datetime_end and 2.6's date,
time_start, time_end, kept in step whichever a client sends."""

from tests.api.routine_api import EXERCISE, create, ids, plan, results


def test_a_27_session_answers_the_26_fields_too(client, alice):
    made = create(client, alice, "workoutsession", datetime_start="2024-05-03T18:30:00+02:00",
                  datetime_end="2024-05-03T19:45:00+02:00", impression="3")  # fmt: skip
    assert made["datetime_start"] == "2024-05-03T16:30:00Z"
    assert made["datetime_end"] == "2024-05-03T17:45:00Z"
    assert (made["date"], made["time_start"], made["time_end"]) == (
        "2024-05-03",
        "16:30:00",
        "17:45:00",
    )


def test_a_26_session_answers_the_27_fields_too(client, alice):
    made = create(client, alice, "workoutsession", date="2024-01-05", time_start="18:00",
                  time_end="19:15:30")  # fmt: skip
    assert made["datetime_start"] == "2024-01-05T18:00:00Z"
    assert made["datetime_end"] == "2024-01-05T19:15:30Z"
    bare = create(client, alice, "workoutsession", date="2024-01-06")
    assert (bare["datetime_start"], bare["datetime_end"]) == ("2024-01-06T00:00:00Z", None)


def test_a_session_without_any_time_starts_now(client, alice):
    made = create(client, alice, "workoutsession")
    assert made["datetime_start"].startswith(made["date"])
    assert made["time_start"] is None


def test_patching_either_generation_moves_the_other(client, alice):
    made = create(client, alice, "workoutsession", date="2024-01-05", time_start="18:00")
    url = f"/api/v2/workoutsession/{made['id']}/"
    moved = client.patch(url, json={"datetime_start": "2024-01-07T07:00:00Z"}, headers=alice)
    assert moved.status_code == 200
    assert (moved.get_json()["date"], moved.get_json()["time_start"]) == ("2024-01-07", "07:00:00")
    ended = client.patch(url, json={"time_end": "08:10"}, headers=alice).get_json()
    assert ended["datetime_end"] == "2024-01-07T08:10:00Z"
    redated = client.patch(url, json={"date": "2024-01-09"}, headers=alice).get_json()
    assert redated["datetime_start"] == "2024-01-09T07:00:00Z"
    assert redated["datetime_end"] == "2024-01-09T08:10:00Z"
    cleared = client.patch(url, json={"datetime_end": None}, headers=alice).get_json()
    assert (cleared["datetime_end"], cleared["time_end"]) == (None, None)


def test_an_end_after_midnight_is_on_the_next_day(client, alice):
    made = create(client, alice, "workoutsession", date="2024-01-05", time_start="23:30",
                  time_end="00:20")  # fmt: skip
    assert made["datetime_end"] == "2024-01-06T00:20:00Z"


def test_the_27_clients_filters_and_ordering(client, alice):
    first = create(client, alice, "workoutsession", datetime_start="2024-01-01T10:00:00Z")
    second = create(client, alice, "workoutsession", datetime_start="2024-01-02T10:00:00Z")
    third = create(client, alice, "workoutsession", date="2024-01-03")
    url = "/api/v2/workoutsession/?ordering=-datetime_start"
    assert ids(client, alice, url) == [third["id"], second["id"], first["id"]]
    window = "datetime_start__gte=2024-01-02T00:00:00Z&datetime_start__lt=2024-01-03T00:00:00Z"
    assert ids(client, alice, f"/api/v2/workoutsession/?{window}") == [second["id"]]
    day = ids(client, alice, "/api/v2/workoutsession/?datetime_start__date=2024-01-01")
    assert day == [first["id"]]
    bad = client.get("/api/v2/workoutsession/?datetime_start__gte=yesterday", headers=alice)
    assert bad.status_code == 400 and list(bad.get_json()) == ["datetime_start__gte"]


def test_a_log_made_session_starts_at_the_log(client, alice):
    ids_ = plan(client, alice)
    create(client, alice, "workoutlog", exercise=EXERCISE, routine=ids_["routine"],
           repetitions="5", date="2024-01-10T17:05:00Z")  # fmt: skip
    [session] = results(client, alice, "/api/v2/workoutsession/")
    assert session["datetime_start"] == "2024-01-10T17:05:00Z"
    assert (session["date"], session["routine"]) == ("2024-01-10", ids_["routine"])


def test_session_times_past_the_calendar_are_400(client, alice):
    response = client.post(
        "/api/v2/workoutsession/",
        json={"datetime_start": "9999-12-31T23:59:59-14:00"},
        headers=alice,
    )
    assert response.status_code == 400 and list(response.get_json()) == ["datetime_start"]


def test_a_second_session_of_a_date_and_routine_names_the_fields(client, alice):
    ids_ = plan(client, alice)
    create(client, alice, "workoutsession", routine=ids_["routine"], date="2024-01-02")
    again = client.post(
        "/api/v2/workoutsession/",
        json={"routine": ids_["routine"], "datetime_start": "2024-01-02T08:00:00Z"},
        headers=alice,
    )
    assert again.status_code == 400
    assert again.get_json() == {
        "non_field_errors": ["The fields date, routine must make a unique set."]
    }


def test_a_reused_client_chosen_id_names_the_id(client, alice, mallory):
    made = create(client, alice, "workoutsession", date="2024-01-02")
    again = client.post(
        "/api/v2/workoutsession/", json={"id": made["id"], "date": "2024-01-03"}, headers=mallory
    )
    assert again.status_code == 400
    assert again.get_json() == {"id": ["An object with this id already exists."]}


def test_an_end_before_the_start_is_400(client, alice):
    response = client.post(
        "/api/v2/workoutsession/",
        json={"datetime_start": "2024-01-02T10:00:00Z", "datetime_end": "2024-01-02T09:00:00Z"},
        headers=alice,
    )
    assert response.status_code == 400
    assert response.get_json() == {"datetime_end": ["The end cannot be before the start."]}


def test_the_26_fields_are_the_users_wall_clock_in_their_time_zone(client, alice):
    zone = client.patch("/api/v2/userprofile/", json={"time_zone": "Europe/Berlin"}, headers=alice)
    assert zone.status_code == 200
    sent_27 = create(client, alice, "workoutsession", datetime_start="2024-05-03T23:30:00Z")
    # 23:30 UTC is already the 4th, 01:30, in Berlin (summer time)
    assert (sent_27["date"], sent_27["time_start"]) == ("2024-05-04", "01:30:00")
    sent_26 = create(client, alice, "workoutsession", date="2024-01-05", time_start="06:30")
    assert sent_26["datetime_start"] == "2024-01-05T05:30:00Z"  # winter: UTC+1
    bare = create(client, alice, "workoutsession", date="2024-01-06")
    assert bare["datetime_start"] == "2024-01-05T23:00:00Z"  # the local midnight
    assert bare["time_start"] is None


def test_times_written_as_clients_write_them_are_stored_normalised(client, alice):
    """Issue 25: upstream took ``"time_start": "17:0:00"`` (201) and stored ``17:00:00``."""
    made = create(client, alice, "workoutsession", date="2026-12-6", time_start="17:0:00",
                  time_end="18:5")  # fmt: skip
    assert (made["date"], made["time_start"], made["time_end"]) == (
        "2026-12-06",
        "17:00:00",
        "18:05:00",
    )
    assert made["datetime_start"] == "2026-12-06T17:00:00Z"
    log = create(client, alice, "workoutlog", exercise=EXERCISE, session=made["id"],
                 date="2026-12-06T17:1:00Z", repetitions="5", weight="50")  # fmt: skip
    assert log["date"] == "2026-12-06T17:01:00Z"


def test_times_upstream_refuses_are_a_400_naming_the_field(client, alice):
    for field, text in (("time_start", "17:0:0:0"), ("time_end", "5 pm"), ("date", "6.12.2026")):
        response = client.post("/api/v2/workoutsession/", json={field: text}, headers=alice)
        assert response.status_code == 400, (field, text)
        assert list(response.get_json()) == [field]
        assert "has wrong format" in response.get_json()[field][0]


def test_a_time_with_an_offset_is_read_as_drf_reads_it(client, alice):
    """Django's parse_time drops an offset ("00:00:00Z" is 00:00:00); it was a 500 (an aware
    time compared with the naive ones in the statistics), found by the schema fuzz."""
    made = create(client, alice, "workoutsession", date="2024-01-05", time_start="00:00:00Z",
                  time_end="01:30:00+02:00")  # fmt: skip
    assert (made["time_start"], made["time_end"]) == ("00:00:00", "01:30:00")
    bare = client.post("/api/v2/workoutsession/", json={"time_start": "00:00:00Z"}, headers=alice)
    assert bare.status_code == 201, bare.get_json()
    assert bare.get_json()["time_start"] == "00:00:00"
