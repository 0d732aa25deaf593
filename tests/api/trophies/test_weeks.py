"""A user logs five weeks of sessions through the API; statistics, trophies and progress are
compared with values worked out by hand, then the recompute command must change nothing."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from tests.api.trophies.helpers import LB, earned, log, progress, session, statistics

# (date, start time): two complete weekends, a Saturday alone, Monday to Sunday.
SESSIONS = [
    ("2026-03-07", "05:45"),
    ("2026-03-08", "09:00"),
    ("2026-03-14", "10:00"),
    ("2026-03-15", "10:00"),
    ("2026-03-21", "22:00"),
    ("2026-03-23", "18:00"),
    ("2026-03-24", "18:00"),
    ("2026-03-25", "18:00"),
    ("2026-03-26", "18:00"),
    ("2026-03-27", "18:00"),
    ("2026-03-28", "11:00"),
    ("2026-03-29", "11:00"),
]


def log_the_weeks(client, headers) -> None:
    for index, (day, start) in enumerate(SESSIONS):
        made = session(client, headers, day, start)
        last = index == len(SESSIONS) - 1
        # 100 kg × 10 each time; the last set 220.5 lb × 10 (= 1000.1711759 kg of volume)
        log(
            client,
            headers,
            made["id"],
            weight="220.5" if last else "100",
            repetitions="10",
            unit=LB if last else 1,
            date=f"{day}T{start}:00Z",
        )


def test_five_weeks_by_hand(client, alice):
    log_the_weeks(client, alice)
    stats = statistics(client, alice)
    assert {key: value for key, value in stats.items() if key not in ("id", "last_updated")} == {
        "total_weight_lifted": "12000.17",  # 11 × 1000 kg + 1000.17 kg
        "total_workouts": 12,
        "current_streak": 7,  # 23 to 29 March: the run up to the last workout (upstream)
        "longest_streak": 7,  # 23 to 29 March
        "last_workout_date": "2026-03-29",
        "earliest_workout_time": "05:45:00",
        "latest_workout_time": "22:00:00",
        "weekend_workout_streak": 1,  # the run up to the last complete weekend
        "last_complete_weekend_date": "2026-03-28",
        "worked_out_jan_1": False,
    }
    # Records: the first set, then the pound set (1RM 133.36 kg beats 133.33 kg).
    assert sorted(earned(client, alice)) == [
        "Beginner",
        "Consistent",
        "Early Bird",
        "Elephant lifter",
        "Personal Record",
        "Personal Record",
    ]
    rows = progress(client, alice)
    assert rows["Bus lifter"]["progress_display"] == "12000.17/20000"
    assert abs(rows["Bus lifter"]["progress"] - 12000.17 / 20000 * 100) < 1e-9
    assert rows["Unstoppable"]["current_value"] == "7"
    assert rows["Unstoppable"]["progress"] == 7 / 30 * 100
    assert rows["Weekend Warrior"]["progress_display"] == "2/4"
    # count trophies are progressive, as on upstream's servers (its migration 0002)
    assert rows["Dedicated"]["is_earned"] is False and rows["Dedicated"]["progress"] == 24.0
    assert rows["Dedicated"]["progress_display"] == "12/50"
    assert "Night Owl" not in rows and "Phoenix" not in rows  # hidden, not earned


def test_the_recompute_command_agrees(app, client, alice):
    log_the_weeks(client, alice)
    before_stats = statistics(client, alice)
    before = client.get("/api/v2/user-trophy/?limit=100&ordering=earned_at", headers=alice)
    result = app.test_cli_runner().invoke(args=["trophies", "recompute", "--user", "alice"])
    assert result.exit_code == 0, result.output
    assert "1 users recomputed" in result.output
    after_stats = statistics(client, alice)
    assert {**after_stats, "last_updated": None} == {**before_stats, "last_updated": None}
    after = client.get("/api/v2/user-trophy/?limit=100&ordering=earned_at", headers=alice)
    assert after.get_json()["results"] == before.get_json()["results"]  # even earned_at kept
    everyone = app.test_cli_runner().invoke(args=["trophies", "recompute"])
    assert everyone.exit_code == 0 and "skipped" in everyone.output
    unknown = app.test_cli_runner().invoke(args=["trophies", "recompute", "--user", "nobody"])
    assert unknown.exit_code != 0 and "nobody" in unknown.output


def test_a_first_write_after_untracked_history_recomputes_it(app, client, alice, user):
    """History written before the statistics existed is caught up by the first tracked write."""
    log_the_weeks(client, alice)
    from wger_flask.extensions import db
    from wger_flask.models.trophies import UserStatistics

    with app.app_context():
        row = db.session.execute(
            select(UserStatistics).where(UserStatistics.user_id == user.id)
        ).scalar_one()
        db.session.delete(row)
        db.session.commit()
    made = session(client, alice, "2026-03-30", "12:00")
    log(client, alice, made["id"], date="2026-03-30T12:00:00Z")
    stats = statistics(client, alice)
    assert stats["total_workouts"] == 13 and stats["longest_streak"] == 8
    assert stats["total_weight_lifted"] == "12500.17"


def test_moving_a_session_in_time_redoes_the_streaks(client, alice):
    log_the_weeks(client, alice)
    sessions = client.get("/api/v2/workoutsession/?date=2026-03-26", headers=alice).get_json()
    moved = sessions["results"][0]["id"]
    response = client.patch(
        f"/api/v2/workoutsession/{moved}/", json={"date": "2026-01-01"}, headers=alice
    )
    assert response.status_code == 200
    stats = statistics(client, alice)
    assert stats["longest_streak"] == 3  # 27 to 29 March
    assert stats["worked_out_jan_1"] is True
    assert "New Year, New Me" in earned(client, alice)
    assert "Phoenix" in earned(client, alice)  # 1 January, then 65 days off until 7 March


def test_current_streaks_are_the_runs_kept_as_upstream_keeps_them():
    """Issue 25: upstream answers the run that ends on the last workout day (and weekend)
    whatever the date; the answer depends on no clock or zone, so incremental and recomputed
    statistics are equal at any hour."""
    from types import SimpleNamespace

    from wger_flask.services.trophies import current_streak, current_weekend_streak

    stats = SimpleNamespace(
        last_workout_date=dt.date(2026, 3, 29),
        streak_run=7,
        last_complete_weekend_date=dt.date(2026, 3, 28),
        weekend_run=1,
    )
    assert current_streak(stats) == 7 and current_weekend_streak(stats) == 1
    empty = SimpleNamespace(
        last_workout_date=None, streak_run=0, last_complete_weekend_date=None, weekend_run=0
    )
    assert current_streak(empty) == 0 and current_weekend_streak(empty) == 0
