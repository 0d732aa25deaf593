"""Each checker on hand-built histories: the facts a history adds up to, then the verdict."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from wger_flask.services.trophies import checkers
from wger_flask.services.trophies.history import (
    LastRecord,
    LogEntry,
    SessionEntry,
    Summary,
    day_facts,
    extend_days,
    is_record,
    one_rep_max,
    personal_records,
    session_moment,
    summarize,
    volume_mg,
)
from wger_flask.services.trophies.store import record_context

UTC = dt.UTC
BENCH, SQUAT = 9, 12


def sessions(*dates: str, time: str | None = None) -> list[SessionEntry]:
    start = dt.time.fromisoformat(time) if time else None
    return [SessionEntry(uuid.uuid4(), dt.date.fromisoformat(day), start) for day in dates]


def log(weight, reps, exercise=BENCH, unit=1, when="2026-03-02T10:00:00", rir=None, rep_unit=1):
    return LogEntry(
        id=uuid.uuid4(),
        exercise_id=exercise,
        date=dt.datetime.fromisoformat(when).replace(tzinfo=UTC),
        weight=None if weight is None else Decimal(str(weight)),
        weight_unit_id=unit,
        repetitions=None if reps is None else Decimal(str(reps)),
        repetitions_unit_id=rep_unit,
        rir=None if rir is None else Decimal(str(rir)),
    )


def facts_of(summary: Summary) -> checkers.Facts:
    return checkers.Facts(
        total_workouts=summary.total_workouts,
        volume_kg=Decimal(summary.volume_mg) / 1_000_000,
        longest_streak=summary.days.longest_streak,
        longest_weekend_streak=summary.days.longest_weekend_streak,
        earliest_time=summary.earliest_time,
        latest_time=summary.latest_time,
        longest_gap=summary.days.longest_gap,
        month_days=summary.month_days,
        personal_records=len(summary.records),
    )


def verdict(checker: str, params: dict, history=(), logs=(), zone=UTC) -> checkers.Verdict:
    return checkers.check(checker, facts_of(summarize(history, logs, zone)), params)


# ------------------------------------------------------------------------------ counts


def test_workout_count_counts_sessions_with_progress():
    history = sessions("2026-03-01", "2026-03-01", "2026-03-05")
    result = verdict("workout_count_based", {"count": 10}, history)
    assert (result.earned, result.progress, result.current, result.target) == (
        False,
        30.0,
        "3",
        "10",
    )
    assert verdict("workout_count_based", {"count": 3}, history).earned


def test_invalid_parameters_earn_nothing():
    history = sessions("2026-03-01")
    for params in ({}, {"count": 0}, {"count": "1"}, {"count": True}):
        assert verdict("workout_count_based", params, history) == checkers.NOTHING
    assert checkers.check("no_such_checker", checkers.Facts(), {}) == checkers.NOTHING


# ------------------------------------------------------------------------------ streaks


def test_streak_runs_across_a_month_end():
    days = ["2026-01-29", "2026-01-30", "2026-01-31", "2026-02-01", "2026-02-02"]
    result = verdict("streak", {"days": 5}, sessions(*days))
    assert result.earned and result.current == "5"
    assert not verdict("streak", {"days": 6}, sessions(*days)).earned


def test_streak_across_a_leap_day_and_a_year_end():
    leap = ["2024-02-28", "2024-02-29", "2024-03-01"]
    year = ["2025-12-31", "2026-01-01"]
    summary = summarize(sessions(*leap, *year), [], UTC)
    assert summary.days.longest_streak == 3
    assert summary.days.streak_run == 2


def test_a_gap_resets_the_streak_but_not_the_longest():
    result = verdict("streak", {"days": 30}, sessions("2026-03-01", "2026-03-02", "2026-03-04"))
    assert not result.earned
    assert result.current == "2" and result.progress == pytest.approx(2 / 30 * 100)


def test_two_sessions_on_one_day_count_one_day():
    summary = summarize(sessions("2026-03-01", "2026-03-01", "2026-03-02"), [], UTC)
    assert summary.total_workouts == 3
    assert summary.days.longest_streak == 2


def test_extending_day_by_day_matches_the_whole_computation():
    days = [dt.date(2026, 2, 27) + dt.timedelta(days=offset) for offset in (0, 1, 2, 3, 7, 8, 9)]
    facts = day_facts([])
    for day in days:
        facts = extend_days(facts, day)
    assert facts == day_facts(days)


# ------------------------------------------------------------------------------ weekends


def test_weekend_warrior_needs_saturday_and_sunday_four_weekends_running():
    weekends = []
    for week in range(4):
        saturday = dt.date(2026, 3, 7) + dt.timedelta(weeks=week)  # 7 March 2026 is a Saturday
        weekends += [saturday.isoformat(), (saturday + dt.timedelta(days=1)).isoformat()]
    assert verdict("weekend_warrior", {"weekends": 4}, sessions(*weekends)).earned
    three = verdict("weekend_warrior", {"weekends": 4}, sessions(*weekends[:6]))
    assert not three.earned and three.progress == 75.0


def test_a_weekend_with_only_sunday_breaks_the_run():
    days = ["2026-03-07", "2026-03-08", "2026-03-15", "2026-03-21", "2026-03-22"]  # 14th missing
    summary = summarize(sessions(*days), [], UTC)
    assert summary.days.longest_weekend_streak == 1
    assert summary.days.weekend_run == 1
    assert summary.days.last_complete_weekend == dt.date(2026, 3, 21)


def test_sunday_then_saturday_is_not_a_weekend():
    summary = summarize(sessions("2026-03-08", "2026-03-14"), [], UTC)  # Sunday, next Saturday
    assert summary.days.longest_weekend_streak == 0
    assert summary.days.last_complete_weekend is None


# ------------------------------------------------------------------------------ volume


def test_volume_converts_pounds_to_kilograms():
    """As upstream's ``AbstractWeight``: 220.5 lb is 100.0171 kg (4 places), × 10."""
    logs = [log(100, 10), log(220.5, 10, unit=2)]
    assert volume_mg(logs[1]) == 1_000_171_000
    result = verdict("volume", {"kg": 5000}, logs=logs)
    assert result.current == "2000.17"
    assert result.progress == pytest.approx(2000.171 / 5000 * 100)


def test_a_pound_users_volume_is_upstreams_recompute():
    """Issue 25: each log's weight in kg to 4 places (half to even), times its repetitions,
    summed exactly: 125 lb × 5 is 56.6990 kg × 5 = 283.4950 kg, 10 of them 2834.95 kg."""
    logs = [log(125, 5, unit=2) for _ in range(10)]
    assert sum(map(volume_mg, logs)) == 2_834_950_000
    assert verdict("volume", {"kg": 5000}, logs=logs).current == "2834.95"


def test_volume_counts_every_unit_as_upstream():
    """Upstream's recompute adds weight × repetitions of every log that has both, taking any
    unit but pounds as kg and any repetition unit as a count (issue 25)."""
    assert sum(map(volume_mg, [log(None, 10), log(50, None), log(0, 60, rep_unit=3)])) == 0
    assert volume_mg(log(80, 10, unit=3)) == 800 * 10**6  # body weight
    assert volume_mg(log(4, 10, unit=4)) == 40 * 10**6  # plates
    assert volume_mg(log(20, 60, rep_unit=3)) == 1200 * 10**6  # seconds


def test_volume_trophy_earned_at_the_target():
    assert verdict("volume", {"kg": 5000}, logs=[log(100, 50)]).earned
    assert not verdict("volume", {"kg": 5000}, logs=[log(99.99, 50)]).earned


# ------------------------------------------------------------------------------ times and zones


def test_early_bird_and_night_owl_compare_start_times_strictly():
    early = sessions("2026-03-01", time="05:59")
    at_six = sessions("2026-03-01", time="06:00")
    assert verdict("time_based", {"before": "06:00"}, early).earned
    assert not verdict("time_based", {"before": "06:00"}, at_six).earned
    assert verdict("time_based", {"after": "23:00"}, sessions("2026-03-01", time="23:15")).earned
    assert not verdict(
        "time_based", {"after": "23:00"}, sessions("2026-03-01", time="23:00")
    ).earned
    assert not verdict("time_based", {"before": "6 o'clock"}, early).earned


def test_a_start_instant_is_read_in_the_users_time_zone():
    instant = dt.datetime(2026, 3, 1, 10, 30, tzinfo=UTC)  # 05:30 in New York
    history = [SessionEntry(uuid.uuid4(), dt.date(2026, 3, 1), None, instant)]
    assert verdict("time_based", {"before": "06:00"}, history, zone=ZoneInfo("America/New_York"))
    berlin = verdict("time_based", {"before": "06:00"}, history, zone=ZoneInfo("Europe/Berlin"))
    assert not berlin.earned


def test_the_local_day_of_a_late_workout_decides_new_year():
    instant = dt.datetime(2026, 1, 1, 4, 0, tzinfo=UTC)  # still 31 December in Los Angeles
    history = [SessionEntry(uuid.uuid4(), dt.date(2026, 1, 1), None, instant)]
    params = {"month": 1, "day": 1}
    assert verdict("date_based", params, history, zone=UTC).earned
    assert not verdict("date_based", params, history, zone=ZoneInfo("America/Los_Angeles")).earned


def test_time_zones_can_join_or_split_a_streak():
    late = [
        SessionEntry(
            uuid.uuid4(), dt.date(2026, 3, 2), None, dt.datetime(2026, 3, 2, 1, tzinfo=UTC)
        ),
        SessionEntry(
            uuid.uuid4(), dt.date(2026, 3, 2), None, dt.datetime(2026, 3, 2, 23, tzinfo=UTC)
        ),
    ]
    assert summarize(late, [], UTC).days.longest_streak == 1  # both on 2 March
    tokyo = summarize(late, [], ZoneInfo("Asia/Tokyo"))  # 2 and 3 March
    assert tokyo.days.longest_streak == 2


# ------------------------------------------------------------------------------ dates, returns


def test_new_year_any_year():
    assert verdict("date_based", {"month": 1, "day": 1}, sessions("2024-01-01")).earned
    assert not verdict("date_based", {"month": 1, "day": 1}, sessions("2024-01-02")).earned
    assert not verdict("date_based", {"month": 13, "day": 1}, sessions("2024-01-01")).earned


def test_phoenix_after_thirty_days_away():
    assert verdict("inactivity_return", {"inactive_days": 30}, sessions("2026-03-01", "2026-03-31"))
    away_29 = verdict(
        "inactivity_return", {"inactive_days": 30}, sessions("2026-03-01", "2026-03-30")
    )
    assert not away_29.earned
    assert not verdict("inactivity_return", {"inactive_days": 30}, sessions("2026-03-01")).earned


# ------------------------------------------------------------------------------ records


def test_brzycki_with_reps_in_reserve_in_the_logged_unit():
    """Upstream's estimate: pounds stay pounds, any unit of repetitions counts."""
    assert one_rep_max(log(100, 5)) == Decimal("112.50")
    assert one_rep_max(log(100, 3, rir=2)) == Decimal("112.50")  # 5 to failure
    assert one_rep_max(log(225, 5, unit=2)) == Decimal("253.12")  # lb: 225 × 36 / 32
    assert one_rep_max(log(80, 5, unit=3)) == Decimal("90.00")
    assert one_rep_max(log(100, 37)) is None  # upstream's formula refuses exactly 37
    assert one_rep_max(log(100, 36, rir=1)) is None
    assert one_rep_max(log(100, 38)) == Decimal("-3600.00")
    assert one_rep_max(log(None, 5)) is None and one_rep_max(log(100, None)) is None


def test_a_body_weight_plank_sets_a_record_as_upstream():
    """Issue 25: a 60 s plank, weight 0, estimates -0.0 and is the exercise's first record;
    the next plank of weight 0 does not beat it; its context names no weight, as upstream."""
    first = log(0, 60, unit=3, rep_unit=3, when="2026-03-01T10:00:00")
    second = log(0, 90, unit=3, rep_unit=3, when="2026-03-02T10:00:00")
    estimate = one_rep_max(first)
    assert estimate == 0 and str(float(estimate)) == "-0.0"
    assert [entry for entry, _ in personal_records([first, second])] == [first]
    context = record_context(first, estimate)
    assert context["weight"] is None and context["repetitions"] == 60.0
    assert str(context["one_rep_max_estimate"]) == "-0.0"


def test_a_log_without_weight_is_a_record_only_as_the_first():
    """Upstream awards the first log of an exercise whatever it holds; after a record whose
    estimate failed, the next log that has one is a record."""
    first = log(None, 10, when="2026-03-01T10:00:00")
    again = log(None, 12, when="2026-03-02T10:00:00")
    weighed = log(20, 10, when="2026-03-03T10:00:00")
    records = personal_records([first, again, weighed])
    assert [(entry, estimate) for entry, estimate in records] == [
        (first, None),
        (weighed, Decimal("26.67")),
    ]
    assert is_record(Decimal(1), LastRecord(Decimal(1))) is False  # equal does not beat
    assert is_record(None, None) is True


def test_records_are_each_exercises_running_best_in_date_order():
    logs = [
        log(100, 5, when="2026-03-01T10:00:00"),  # first: a record
        log(100, 5, when="2026-03-02T10:00:00"),  # equal: not
        log(105, 5, when="2026-03-03T10:00:00"),  # better: a record
        log(90, 5, when="2026-03-04T10:00:00"),  # worse
        log(60, 5, exercise=SQUAT, when="2026-03-04T11:00:00"),  # another exercise's first
        log(103, 5, when="2026-02-20T10:00:00"),  # backfilled: the new first record
    ]
    records = [(entry.weight, entry.exercise_id) for entry, _ in personal_records(logs)]
    assert sorted(records) == sorted(
        [(Decimal(103), BENCH), (Decimal(105), BENCH), (Decimal(60), SQUAT)]
    )
    assert verdict("personal_record", {}, logs=logs).earned


def test_a_records_context_is_upstreams():
    entry = LogEntry(
        id=uuid.uuid4(), exercise_id=BENCH, date=dt.datetime(2026, 3, 2, 10, tzinfo=UTC),
        weight=Decimal("125"), weight_unit_id=2, repetitions=Decimal("8"), rir=Decimal("2"),
        iteration=4,
    )  # fmt: skip
    context = record_context(entry, one_rep_max(entry))
    assert context == {
        "log_id": str(entry.id),
        "date": "2026-03-02T10:00:00+00:00",
        "session_id": None,
        "exercise_id": BENCH,
        "repetitions_unit_id": 1,
        "repetitions": 8.0,
        "weight_unit_id": 2,
        "weight": 125.0,
        "iteration": 4,
        "one_rep_max_estimate": 166.67,
    }


def test_a_naive_start_instant_is_taken_as_utc():
    """Without ``time_start`` the day comes from ``datetime_start`` in the user's zone."""
    naive = SessionEntry(uuid.uuid4(), dt.date(2026, 3, 1), None, dt.datetime(2026, 3, 1, 3, 30))
    aware = SessionEntry(naive.id, naive.date, None, naive.datetime_start.replace(tzinfo=UTC))
    zone = ZoneInfo("America/New_York")
    assert session_moment(naive, zone) == session_moment(aware, zone)
    assert session_moment(naive, zone) == (dt.date(2026, 2, 28), None)


def test_only_time_start_is_a_start_time_as_upstream():
    """Issue 25: the session made for a log sent without one (12:00 here) has no
    ``time_start``, so it is not the earliest workout; upstream reads ``time_start`` only."""
    made_for_a_log = SessionEntry(
        uuid.uuid4(), dt.date(2026, 12, 5), None, dt.datetime(2026, 12, 5, 12, tzinfo=UTC)
    )
    evening = SessionEntry(uuid.uuid4(), dt.date(2026, 12, 4), dt.time(18, 15))
    summary = summarize([made_for_a_log, evening], [], UTC)
    assert (summary.earliest_time, summary.latest_time) == (dt.time(18, 15), dt.time(18, 15))
    assert summary.total_workouts == 2
