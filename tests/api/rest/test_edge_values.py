"""Values at the edge of what the databases hold: the calendar's ends and NUL characters are
the client's 400 naming the field (in the shared field types and filter parsing), on both
databases, and nothing is written."""

import pytest

from tests.api.routine_api import EXERCISE, create, results

EDGE = "9999-12-31T23:59:59-14:00"  # its UTC moment lies in the year 10000


@pytest.mark.parametrize(
    "url,parameter",
    [
        (f"/api/v2/workoutlog/?date__gt={EDGE}", "date__gt"),
        (f"/api/v2/routine/?created={EDGE}", "created"),
        ("/api/v2/routine/?created=0001-01-01T00:00:00%2B14:00", "created"),
        (f"/api/v2/workoutlog/?date__lt={EDGE}", "date__lt"),
    ],
)
def test_datetime_filters_past_the_calendar_are_400(client, alice, url, parameter):
    response = client.get(url.replace("-14:00", "%2D14:00"), headers=alice)
    assert response.status_code == 400, response.get_json()
    assert list(response.get_json()) == [parameter]


def test_the_calendars_last_day_filters(client, alice):
    create(
        client, alice, "workoutlog", exercise=EXERCISE, date="9999-12-31T23:00:00Z", repetitions="5"
    )
    found = results(client, alice, "/api/v2/workoutlog/?date__date=9999-12-31")
    assert [row["date"] for row in found] == ["9999-12-31T23:00:00Z"]


def test_a_log_dated_past_the_calendar_is_400_and_writes_nothing(client, alice):
    response = client.post(
        "/api/v2/workoutlog/",
        json={"exercise": EXERCISE, "repetitions": "5", "date": EDGE},
        headers=alice,
    )
    assert response.status_code == 400, response.get_json()
    assert list(response.get_json()) == ["date"]
    assert results(client, alice, "/api/v2/workoutlog/") == []
    assert results(client, alice, "/api/v2/workoutsession/") == []


def test_an_offset_is_stored_as_its_utc_moment(client, alice):
    made = create(
        client, alice, "workoutlog", exercise=EXERCISE, repetitions="5",
        date="2024-03-01T23:30:00-02:00",
    )  # fmt: skip
    assert made["date"] == "2024-03-02T01:30:00Z"


@pytest.mark.parametrize(
    "resource,body,field",
    [
        ("routine", {"name": "Push\x00", "start": "2024-01-01", "end": "2024-01-02"}, "name"),
        (
            "routine",
            {"name": "Push", "description": "a\x00b", "start": "2024-01-01", "end": "2024-01-02"},
            "description",
        ),
        ("workoutsession", {"date": "2024-01-01", "notes": "\x00"}, "notes"),
    ],
)
def test_nul_in_a_text_field_is_400_and_writes_nothing(client, alice, resource, body, field):
    response = client.post(f"/api/v2/{resource}/", json=body, headers=alice)
    assert response.status_code == 400, response.get_json()
    assert response.get_json() == {field: ["Null characters are not allowed."]}
    assert results(client, alice, f"/api/v2/{resource}/") == []


def test_nul_in_a_patch_is_400_and_changes_nothing(client, alice):
    made = create(client, alice, "workoutsession", date="2024-01-01", notes="fine")
    url = f"/api/v2/workoutsession/{made['id']}/"
    response = client.patch(url, json={"notes": "bad\x00"}, headers=alice)
    assert response.status_code == 400
    assert client.get(url, headers=alice).get_json()["notes"] == "fine"


@pytest.mark.parametrize(
    "url,parameter",
    [
        ("/api/v2/exerciseinfo/?name__search=bench%00", "name__search"),
        ("/api/v2/routine/?name=a%00", "name"),
        ("/api/v2/ingredient/?name__search=%00", "name__search"),
    ],
)
def test_nul_in_a_search_term_or_filter_is_400(client, alice, url, parameter):
    response = client.get(url, headers=alice)
    assert response.status_code == 400, (url, response.status_code, response.get_json())
    assert response.get_json() == {parameter: ["Null characters are not allowed."]}
