"""Schemas of workout sessions and workout logs (UUID ids a client may choose on create)."""

from __future__ import annotations

from marshmallow import fields

from wger_flask.models.catalogue import Exercise, RepetitionUnit, WeightUnit
from wger_flask.models.routines import Day, Routine, SlotEntry, WorkoutLog, WorkoutSession
from wger_flask.schemas.base import BaseSchema
from wger_flask.schemas.fields import (
    DateTime,
    DecimalString,
    Related,
    TimeOfDay,
    UUIDString,
    at_least,
    between,
    one_of,
)
from wger_flask.schemas.routines.tree import INTEGER_MAX, rir_option

IMPRESSIONS = ["1", "2", "3"]


def amount(**kwargs) -> DecimalString:
    """Repetitions or weight: 6 digits, 2 decimals, never negative."""
    return DecimalString(6, 2, allow_none=True, validate=at_least(0), **kwargs)


def reps_in_reserve() -> DecimalString:
    return DecimalString(2, 1, allow_none=True, validate=rir_option)


def seconds() -> fields.Integer:
    return fields.Integer(allow_none=True, validate=between(0, INTEGER_MAX))


class WorkoutSessionSchema(BaseSchema):
    id = UUIDString(
        allow_none=True,
        metadata={"description": "Optional on create: a client-made UUID (null: made here)"},
    )
    routine = Related(Routine, allow_none=True)
    day = Related(Day, allow_none=True)
    date = fields.Date()
    notes = fields.String(
        allow_none=True,
        metadata={"description": "Any notes you might want to save about this workout session."},
    )
    impression = fields.String(
        validate=one_of(IMPRESSIONS),
        metadata={
            "description": "Your impression about this workout session. Did you exercise as "
            "well as you could?\n\n* `1` - Bad\n* `2` - Neutral\n* `3` - Good"
        },
    )
    time_start = TimeOfDay(allow_none=True)
    time_end = TimeOfDay(allow_none=True)
    datetime_start = DateTime(
        metadata={"description": "When the workout started (2.7; `date` and `time_start` follow)"}
    )
    datetime_end = DateTime(
        allow_none=True,
        metadata={"description": "When the workout ended (2.7; `time_end` follows)"},
    )


class WorkoutLogSchema(BaseSchema):
    id = UUIDString(
        allow_none=True,
        metadata={"description": "Optional on create: a client-made UUID (null: made here)"},
    )
    date = DateTime()
    session = Related(
        WorkoutSession,
        pk_type="uuid",
        allow_none=True,
        metadata={"description": "Omitted: the session of the log's date and routine"},
    )
    routine = Related(Routine, allow_none=True)
    iteration = fields.Integer(allow_none=True, validate=between(0, INTEGER_MAX))
    slot_entry = Related(SlotEntry, allow_none=True)
    next_log = Related(WorkoutLog, pk_type="uuid", allow_none=True)
    exercise = Related(Exercise, required=True)
    repetitions_unit = Related(RepetitionUnit, allow_none=True)
    repetitions = amount()
    repetitions_target = amount()
    weight_unit = Related(WeightUnit, allow_none=True)
    weight = amount()
    weight_target = amount()
    rir = reps_in_reserve()
    rir_target = reps_in_reserve()
    rest = seconds()
    rest_target = seconds()
