"""The day sequence: upstream's "Using the routine API" tables and its date-sequence tests."""

import datetime as dt
from types import SimpleNamespace

from wger_flask.services.routines.schedule import date_sequence

JAN = 2024  # 2024-01-01 is a Monday


def day(day_id: int, needs_logs: bool = False) -> SimpleNamespace:
    return SimpleNamespace(id=day_id, need_logs_to_advance=needs_logs)


def jan(number: int) -> dt.date:
    return dt.date(JAN, 1, number)


def table(sequence) -> list[tuple]:
    """(day id or None, iteration) per date, as the documentation's tables read."""
    return [(item.day.id if item.day else None, item.iteration) for item in sequence]


def test_days_repeat_in_order_and_count_iterations():
    """Documentation table 1: three days from 1.1 over ten dates."""
    sequence = date_sequence([day(1), day(2), day(3)], jan(1), jan(10), today=jan(1))
    assert [item.date for item in sequence] == [jan(number) for number in range(1, 11)]
    assert table(sequence) == [
        (1, 1), (2, 1), (3, 1),
        (1, 2), (2, 2), (3, 2),
        (1, 3), (2, 3), (3, 3),
        (1, 4),
    ]  # fmt: skip


def test_a_day_that_needs_logs_repeats_until_a_session_is_logged():
    """Documentation table 2: day 3 needs logs; sessions were logged for it on 1.3 and 1.8."""
    days = [day(1), day(2), day(3, needs_logs=True)]
    sequence = date_sequence(
        days, jan(1), jan(10), today=jan(10), session_dates={3: {jan(3), jan(8)}}
    )
    assert table(sequence) == [
        (1, 1), (2, 1), (3, 1),
        (1, 2), (2, 2), (3, 2), (3, 2), (3, 2),
        (1, 3), (2, 3),
    ]  # fmt: skip


def test_fit_in_week_leaves_the_rest_of_the_week_empty():
    """Documentation table 3: with fit_in_week the cycle restarts on the next Monday.

    The table leaves the iteration of the empty dates blank; upstream (and its tests) number
    them with the cycle just completed, and the mobile app reads that number as an integer.
    """
    sequence = date_sequence(
        [day(1), day(2), day(3)], jan(1), jan(12), today=jan(1), fit_in_week=True
    )
    assert [item.day.id if item.day else None for item in sequence][:10] == [
        1, 2, 3, None, None, None, None, 1, 2, 3,
    ]  # fmt: skip
    assert table(sequence) == [
        (1, 1), (2, 1), (3, 1),
        (None, 1), (None, 1), (None, 1), (None, 1),
        (1, 2), (2, 2), (3, 2),
        (None, 2), (None, 2),
    ]  # fmt: skip
    assert sequence[7].date.weekday() == 0


def test_fit_in_week_restarts_on_the_following_monday():
    """Upstream's rule (``days_to_monday = 7 - weekday``), whatever the start's weekday."""
    wednesday = dt.date(2024, 1, 3)
    sequence = date_sequence(
        [day(1), day(2)], wednesday, wednesday + dt.timedelta(days=13), today=wednesday,
        fit_in_week=True,
    )  # fmt: skip
    starts = [item.date for item in sequence if item.day is not None and item.day.id == 1]
    assert [date.weekday() for date in starts] == [2, 0, 0]
    assert table(sequence) == (
        [(1, 1), (2, 1)] + [(None, 1)] * 3 + [(1, 2), (2, 2)] + [(None, 2)] * 5 + [(1, 3), (2, 3)]
    )


def test_fit_in_week_the_issues_routine():
    """Issue 25: start Fri 2026-10-30, days Push, Rest, Pull, Legs: 2026-11-06 is empty and
    Push comes back on Monday 2026-11-09."""
    friday = dt.date(2026, 10, 30)
    days = [day(1), day(2), day(3), day(4)]
    sequence = date_sequence(days, friday, dt.date(2026, 11, 16), today=friday, fit_in_week=True)
    by_date = {item.date: item for item in sequence}
    assert by_date[dt.date(2026, 11, 6)].day is None
    assert by_date[dt.date(2026, 11, 6)].iteration == 1
    assert (by_date[dt.date(2026, 11, 9)].day.id, by_date[dt.date(2026, 11, 9)].iteration) == (1, 2)
    assert by_date[dt.date(2026, 11, 16)].day.id == 1


def test_fit_in_week_a_cycle_wrapping_on_a_monday_leaves_that_week_empty():
    """Upstream pads ``7 - weekday`` days: seven when the cycle wraps on a Monday."""
    friday = dt.date(2024, 1, 5)
    sequence = date_sequence(
        [day(1), day(2), day(3)], friday, friday + dt.timedelta(days=10), today=friday,
        fit_in_week=True,
    )  # fmt: skip
    assert table(sequence) == [(1, 1), (2, 1), (3, 1)] + [(None, 1)] * 7 + [(1, 2)]
    assert sequence[-1].date.weekday() == 0


def test_fit_in_week_with_whole_weeks_of_days_never_pads():
    days = [day(number) for number in range(1, 8)]
    sequence = date_sequence(days, jan(1), jan(14), today=jan(1), fit_in_week=True)
    assert all(item.day is not None for item in sequence)
    assert table(sequence)[7] == (1, 2)


def test_fit_in_week_first_day_waiting_for_logs_stays_on_every_date():
    """Only a cycle that wraps pads the week (upstream): a first day waiting for its session
    is planned again on the next date."""
    days = [day(1, needs_logs=True), day(2)]
    sequence = date_sequence(days, jan(1), jan(15), today=jan(31), fit_in_week=True)
    assert table(sequence) == [(1, 1)] * 15


def test_without_session_the_day_repeats_until_today_then_the_plan_moves_on():
    """Upstream's test: day 1 needs logs, none are logged; future dates always advance."""
    start = dt.date(2024, 3, 1)
    today = start + dt.timedelta(days=5)
    days = [day(1, needs_logs=True), day(2), day(3)]
    sequence = date_sequence(days, start, today + dt.timedelta(days=21), today=today)
    assert table(sequence)[:12] == [(1, 1)] * 6 + [(2, 1), (3, 1), (1, 2), (2, 2), (3, 2), (1, 3)]


def test_a_session_lets_the_day_advance_on_the_next_date():
    start = dt.date(2024, 3, 1)
    today = start + dt.timedelta(days=5)
    days = [day(1, needs_logs=True), day(2), day(3)]
    sequence = date_sequence(
        days, start, today + dt.timedelta(days=10), today=today,
        session_dates={1: {start + dt.timedelta(days=2)}},
    )  # fmt: skip
    assert table(sequence)[:10] == [
        (1, 1), (1, 1), (1, 1), (2, 1), (3, 1), (1, 2), (2, 2), (3, 2), (1, 3), (2, 3),
    ]  # fmt: skip


def test_rest_days_take_their_turn_like_any_day():
    days = [day(1), SimpleNamespace(id=2, need_logs_to_advance=False, is_rest=True), day(3)]
    sequence = date_sequence(days, jan(1), jan(4), today=jan(1))
    assert table(sequence) == [(1, 1), (2, 1), (3, 1), (1, 2)]


def test_no_days_or_no_dates_give_an_empty_plan():
    assert date_sequence([], jan(1), jan(10), today=jan(1)) == []
    assert date_sequence([day(1)], jan(10), jan(1), today=jan(1)) == []


def test_the_last_possible_date_does_not_overflow():
    last = dt.date.max
    sequence = date_sequence([day(1), day(2)], last - dt.timedelta(days=9), last, today=last,
                             fit_in_week=True)  # fmt: skip
    assert sequence[-1].date == last and len(sequence) == 10
