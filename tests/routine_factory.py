"""Routines of any size written straight into the database, for tests and the benchmark."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import insert, select

from wger_flask.extensions import db
from wger_flask.models.catalogue import Exercise
from wger_flask.models.routines import (
    CONFIG_MODELS,
    Day,
    Routine,
    Slot,
    SlotEntry,
    WorkoutLog,
    WorkoutSession,
)
from wger_flask.models.types import uuid7

# The ten config rows of an entry in a sized routine: a 3-5 × 8-12 prescription whose weight
# goes up 10 % at iteration 4 and 2.5 kg at iteration 8.
ENTRY_CONFIGS = [
    ("sets-config", 1, 3, "r", "na"),
    ("max-sets-config", 1, 5, "r", "na"),
    ("weight-config", 1, Decimal("50"), "r", "na"),
    ("weight-config", 4, Decimal("10"), "+", "percent"),
    ("weight-config", 8, Decimal("2.5"), "+", "abs"),
    ("repetitions-config", 1, Decimal("8"), "r", "na"),
    ("max-repetitions-config", 1, Decimal("12"), "r", "na"),
    ("rir-config", 1, Decimal("2"), "r", "na"),
    ("rest-config", 1, 90, "r", "na"),
    ("max-rest-config", 1, 120, "r", "na"),
]


def build_routine(
    user_id: int,
    *,
    days: int = 7,
    slots: int = 6,
    entries: int = 3,
    start: dt.date = dt.date(2024, 1, 1),
    length_days: int = 83,
    name: str = "Sized",
) -> int:
    """A routine of ``days`` × ``slots`` × ``entries``, each entry with the ten config rows
    of ``ENTRY_CONFIGS``; returns its id (flushed, not committed)."""
    routine = Routine(
        user_id=user_id, name=name, start=start, end=start + dt.timedelta(days=length_days)
    )
    db.session.add(routine)
    db.session.flush()
    exercise_ids = db.session.execute(select(Exercise.id).order_by(Exercise.id).limit(50)).scalars()
    exercise_ids = list(exercise_ids)
    for day_number in range(days):
        day = Day(routine_id=routine.id, order=day_number + 1, name=f"Day {day_number + 1}")
        db.session.add(day)
        db.session.flush()
        _add_slots(day.id, slots, entries, exercise_ids, day_number)
    return routine.id


def _add_slots(day_id: int, slots: int, entries: int, exercise_ids: list[int], seed: int) -> None:
    for slot_number in range(slots):
        slot = Slot(day_id=day_id, order=slot_number + 1)
        db.session.add(slot)
        db.session.flush()
        for entry_number in range(entries):
            exercise = exercise_ids[(seed * slots + slot_number + entry_number) % len(exercise_ids)]
            entry = SlotEntry(
                slot_id=slot.id,
                exercise_id=exercise,
                order=entry_number + 1,
                repetition_unit_id=1,
                weight_unit_id=1,
                weight_rounding=Decimal("2.5"),
            )
            db.session.add(entry)
            db.session.flush()
            _add_configs(entry.id)


def _add_configs(entry_id: int) -> None:
    for name, iteration, value, operation, step in ENTRY_CONFIGS:
        model = CONFIG_MODELS[name]
        db.session.execute(
            insert(model).values(
                slot_entry_id=entry_id,
                iteration=iteration,
                value=value,
                operation=operation,
                step=step,
                repeat=False,
            )
        )


def build_logs(user_id: int, routine_id: int, *, sessions: int = 1, logs: int = 1) -> None:
    """``sessions`` sessions of the routine on consecutive dates, each with ``logs`` logs of
    different exercises (flushed, not committed)."""
    exercise_ids = list(
        db.session.execute(select(Exercise.id).order_by(Exercise.id).limit(logs)).scalars()
    )
    start = db.session.get(Routine, routine_id).start
    for number in range(sessions):
        date = start + dt.timedelta(days=number)
        session = WorkoutSession(
            id=uuid7(),
            user_id=user_id,
            routine_id=routine_id,
            date=date,
            datetime_start=dt.datetime.combine(date, dt.time(18), tzinfo=dt.UTC),
        )
        db.session.add(session)
        db.session.flush()
        for position in range(logs):
            db.session.add(
                WorkoutLog(
                    id=uuid7(),
                    user_id=user_id,
                    session_id=session.id,
                    routine_id=routine_id,
                    exercise_id=exercise_ids[position % len(exercise_ids)],
                    date=dt.datetime.combine(date, dt.time(10), dt.UTC),
                    iteration=number + 1,
                    repetitions=Decimal(8),
                    repetitions_unit_id=1,
                    weight=Decimal(50 + position),
                    weight_unit_id=1,
                )
            )
    db.session.flush()
