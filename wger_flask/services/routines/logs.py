"""Recording workouts: what a log must hold, and the session a log without one joins."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from wger_flask.database import AnySession, serialize_on
from wger_flask.models.routines import WorkoutSession
from wger_flask.models.types import uuid7


def log_problems(log: Any) -> dict[str, list[str]]:
    """Upstream's rules for a log, as field errors (empty when the log is fine)."""
    if log.repetitions is None and log.weight is None:
        return {
            "non_field_errors": ["Both repetitions and weight cannot be null at the same time."]
        }
    problems: dict[str, list[str]] = {}
    if log.repetitions is not None and log.repetitions_unit_id is None:
        problems["repetitions_unit"] = ["A unit is required when repetitions are given."]
    if log.weight is not None and log.weight_unit_id is None:
        problems["weight_unit"] = ["A unit is required when a weight is given."]
    return problems


def session_for(
    session: AnySession, user_id: int, moment: dt.datetime, routine_id: int | None
) -> WorkoutSession:
    """The user's session of ``moment``'s date (UTC) for ``routine_id`` (None: no routine),
    made (starting at ``moment``) when missing.

    Parallel logs of one date and routine end in one session on every backend: the look-up
    and the insert run under a lock named by the session's key. Not committed: the caller's
    commit stores it together with the log.
    """
    date = moment.date()
    serialize_on(session, "workoutsession", user_id, date.isoformat(), routine_id)
    routine_match = (
        WorkoutSession.routine_id.is_(None)
        if routine_id is None
        else WorkoutSession.routine_id == routine_id
    )
    stmt = (
        select(WorkoutSession)
        .where(WorkoutSession.user_id == user_id, WorkoutSession.date == date, routine_match)
        .order_by(WorkoutSession.id)
        .limit(1)
    )
    found = session.execute(stmt).scalar_one_or_none()
    if found is not None:
        return found
    made = WorkoutSession(
        id=uuid7(), user_id=user_id, date=date, routine_id=routine_id, datetime_start=moment
    )
    session.add(made)
    return made


def _local(moment: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    if moment.tzinfo is None:  # the database hands back UTC
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(zone)


def sync_session_times(
    row: Any, data: dict[str, Any], creating: bool, now: dt.datetime, zone: dt.tzinfo = dt.UTC
) -> None:
    """Keep the 2.7 fields (``datetime_start``, ``datetime_end``: instants) and the 2.6 ones
    (``date``, ``time_start``, ``time_end``: the user's wall clock in ``zone``, the profile's
    time zone, UTC when unset) in step, whichever a client sent.

    The 2.7 fields win when a body holds both generations. A bare ``date`` starts at its local
    midnight, with no ``time_start`` (no time of day was stated).
    """
    if "datetime_start" in data:
        local = _local(row.datetime_start, zone)
        row.date = local.date()
        row.time_start = local.time().replace(tzinfo=None)
    elif "date" in data or "time_start" in data:
        if row.time_start is not None:
            clock = row.time_start
        elif row.datetime_start is not None and not creating:
            clock = _local(row.datetime_start, zone).time().replace(tzinfo=None)
        else:
            clock = dt.time.min
        local_day = row.date or _local(now, zone).date()
        row.datetime_start = dt.datetime.combine(local_day, clock, tzinfo=zone).astimezone(dt.UTC)
    elif creating:
        row.datetime_start = now
        row.date = _local(now, zone).date()
    if "datetime_end" in data:
        row.time_end = (
            None
            if row.datetime_end is None
            else _local(row.datetime_end, zone).time().replace(tzinfo=None)
        )
    elif "time_end" in data or "date" in data:
        if row.time_end is None:
            row.datetime_end = None
        else:
            end = dt.datetime.combine(row.date, row.time_end, tzinfo=zone).astimezone(dt.UTC)
            if row.datetime_start is not None and end < _local(row.datetime_start, dt.UTC):
                end += dt.timedelta(days=1)  # ended after midnight
            row.datetime_end = end
