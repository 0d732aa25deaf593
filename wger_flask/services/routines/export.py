"""A user's routines, sessions and logs as plain rows, for the account export
(``services.accounts.lifecycle``): ``export_user(user_id) -> {resource: [row, ...]}``.

Deleting them needs nothing here: every routine table cascades from ``auth_user``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from wger_flask.extensions import db
from wger_flask.models import routines as models

CONFIGS = {
    "weight-config": models.WeightConfig,
    "max-weight-config": models.MaxWeightConfig,
    "repetitions-config": models.RepetitionsConfig,
    "max-repetitions-config": models.MaxRepetitionsConfig,
    "sets-config": models.SetsConfig,
    "max-sets-config": models.MaxSetsConfig,
    "rest-config": models.RestConfig,
    "max-rest-config": models.MaxRestConfig,
    "rir-config": models.RiRConfig,
    "max-rir-config": models.MaxRiRConfig,
}


def _rows(statement: Any) -> list[dict[str, Any]]:
    return [dict(row) for row in db.session.execute(statement).mappings()]


def export_user(user_id: int) -> dict[str, list[dict[str, Any]]]:
    """Routines with their days, slots, entries and configs; workout sessions and logs."""
    routine_ids = select(models.Routine.id).where(models.Routine.user_id == user_id)
    day_ids = select(models.Day.id).where(models.Day.routine_id.in_(routine_ids))
    slot_ids = select(models.Slot.id).where(models.Slot.day_id.in_(day_ids))
    entry_ids = select(models.SlotEntry.id).where(models.SlotEntry.slot_id.in_(slot_ids))
    data = {
        "routine": _rows(
            select(models.Routine.__table__)
            .where(models.Routine.user_id == user_id)
            .order_by(models.Routine.id)
        ),
        "day": _rows(
            select(models.Day.__table__)
            .where(models.Day.routine_id.in_(routine_ids))
            .order_by(models.Day.id)
        ),
        "slot": _rows(
            select(models.Slot.__table__)
            .where(models.Slot.day_id.in_(day_ids))
            .order_by(models.Slot.id)
        ),
        "slot-entry": _rows(
            select(models.SlotEntry.__table__)
            .where(models.SlotEntry.slot_id.in_(slot_ids))
            .order_by(models.SlotEntry.id)
        ),
    }
    for name, model in CONFIGS.items():
        data[name] = _rows(
            select(model.__table__).where(model.slot_entry_id.in_(entry_ids)).order_by(model.id)
        )
    data["workoutsession"] = _rows(
        select(models.WorkoutSession.__table__)
        .where(models.WorkoutSession.user_id == user_id)
        .order_by(models.WorkoutSession.id)
    )
    data["workoutlog"] = _rows(
        select(models.WorkoutLog.__table__)
        .where(models.WorkoutLog.user_id == user_id)
        .order_by(models.WorkoutLog.id)
    )
    return data
