"""Our answers parse with the released 2.7 typed client's own models, unmodified."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.api.trophies.helpers import log, session

models = pytest.importorskip("wger_api_client.models")


def test_trophy_routes_parse_with_the_2_7_client(client, alice):
    day = session(client, alice, "2026-01-01", "05:00")
    log(client, alice, day["id"])
    trophies = models.PaginatedTrophyList.from_dict(client.get("/api/v2/trophy/").get_json())
    assert trophies.count == 8 and trophies.results[0].name == "Beginner"
    earned = models.PaginatedUserTrophyList.from_dict(
        client.get("/api/v2/user-trophy/?limit=50", headers=alice).get_json()
    )
    assert {row.trophy.name for row in earned.results} >= {"Beginner", "Early Bird"}
    assert all(isinstance(row.earned_at, dt.datetime) for row in earned.results)
    stats = models.PaginatedUserStatisticsList.from_dict(
        client.get("/api/v2/user-statistics/", headers=alice).get_json()
    ).results[0]
    assert (stats.total_workouts, stats.worked_out_jan_1) == (1, True)
    assert stats.last_workout_date == dt.date(2026, 1, 1)
    rows = [
        models.TrophyProgress.from_dict(row)
        for row in client.get("/api/v2/trophy/progress/", headers=alice).get_json()
    ]
    assert any(row.is_earned for row in rows)
    profile = models.Userprofile.from_dict(
        client.get("/api/v2/userprofile/", headers=alice).get_json()
    )
    assert profile.time_zone == ""


def test_export_user_rows(app, client, alice, user):
    from wger_flask.services.trophies import export_user

    day = session(client, alice, "2026-03-02")
    log(client, alice, day["id"])
    with app.app_context():
        exported = export_user(user.id)
    api = client.get("/api/v2/user-statistics/", headers=alice).get_json()["results"]
    assert exported["user_statistics"] == api
    assert sorted(row["trophy_name"] for row in exported["user_trophies"]) == [
        "Beginner",
        "Personal Record",
    ]
    record = next(r for r in exported["user_trophies"] if r["trophy_name"] == "Personal Record")
    assert record["context_data"]["exercise_id"] == 9
    with app.app_context():
        assert export_user(10_000_000) == {"user_statistics": [], "user_trophies": []}
