"""Recording workouts: what a log must hold, and the session a log without one joins."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

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


def session_for(session: Session, user_id: int, date: dt.date, routine_id: int | None):
    """The user's session of ``date`` for ``routine_id`` (None: no routine), made when missing.

    Not committed: the caller's commit stores it together with the log.
    """
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
    made = WorkoutSession(id=uuid7(), user_id=user_id, date=date, routine_id=routine_id)
    session.add(made)
    return made
