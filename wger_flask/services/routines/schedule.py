"""The day sequence of a routine: which day falls on which date, and its iteration.

From the start date the days follow in their order and repeat; each appearance of a day is one
more **iteration** of it. A day with ``need_logs_to_advance`` stays in place until a session
was logged for it (the sequence moves on the date after the session), except on dates after
"today", which are planned as if the user kept going. With ``fit_in_week`` the rest of the
week after the last day is left empty (no day; upstream gives these dates the number of the
cycle just completed, and clients read it as an integer) and the next cycle starts on the
following Monday, whatever weekday the routine started on. A cycle that ends on a Sunday wraps
on a Monday, and upstream then leaves that whole week empty too (``7 - weekday`` days). Only a
cycle that wraps pads: a first day waiting for its session stays on every date.

Plain functions of data: days are any objects with ``id`` and ``need_logs_to_advance``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

ONE_DAY = dt.timedelta(days=1)
WEEK_LENGTH = 7


class RoutineDay(Protocol):
    id: int
    need_logs_to_advance: bool


@dataclass(frozen=True, slots=True)
class ScheduledDay:
    """One date of the sequence: the routine day on it (None in the empty rest of a fitted
    week) and that day's iteration."""

    date: dt.date
    day: Any | None
    iteration: int


def date_sequence(
    days: Sequence[RoutineDay],
    start: dt.date,
    end: dt.date,
    *,
    today: dt.date,
    fit_in_week: bool = False,
    session_dates: Mapping[int, Collection[dt.date]] | None = None,
) -> list[ScheduledDay]:
    """Every date from ``start`` to ``end`` with its day and iteration (upstream's
    ``Routine.date_sequence``).

    ``session_dates`` maps a day's id to the dates sessions were logged for it.
    """
    if not days:
        return []
    session_dates = session_dates or {}
    pad_weeks = fit_in_week and len(days) % WEEK_LENGTH != 0
    iterations = {day.id: 1 for day in days}
    # Dates are counted as offsets from the start, so nothing is computed past the end.
    sequence: list[Any] = []
    index, offset, last = 0, 0, (end - start).days
    while offset <= last:
        day = days[index]
        wrapped = False
        if sequence and _may_advance(day, start + dt.timedelta(days=offset), today, session_dates):
            iterations[day.id] += 1
            index = (index + 1) % len(days)
            wrapped = index == 0
            day = days[index]
        if pad_weeks and wrapped:
            offset = _pad_week(sequence, start, offset, last, iterations[day.id] - 1)
            if offset > last:
                break
        sequence.append(ScheduledDay(start + dt.timedelta(days=offset), day, iterations[day.id]))
        offset += 1
    return sequence


def _may_advance(
    day: Any, date: dt.date, today: dt.date, session_dates: Mapping[int, Collection[dt.date]]
) -> bool:
    """Whether the day before ``date`` lets the sequence move on to the next day."""
    if not day.need_logs_to_advance or date > today:
        return True
    return date - ONE_DAY in session_dates.get(day.id, ())


def _pad_week(
    sequence: list[ScheduledDay], start: dt.date, offset: int, last: int, iteration: int
) -> int:
    """Leave the dates up to the next Monday empty (a whole week when the cycle wraps on a
    Monday: upstream's ``days_to_monday = 7 - weekday``); returns the offset the next cycle
    starts on."""
    weekday = (start.weekday() + offset) % WEEK_LENGTH
    monday = offset + WEEK_LENGTH - weekday
    while offset < monday and offset <= last:
        sequence.append(ScheduledDay(start + dt.timedelta(days=offset), None, iteration))
        offset += 1
    return monday
