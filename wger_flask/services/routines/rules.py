"""The routines domain's write rules, per table (``docs/architecture.md``, "Where a rule goes"):
routines, their days, slots, entries and progression configs, workout sessions and logs. Every
writer (REST, the PowerSync upload, the importer, a command) runs these through ``rest.writes``.

Statistics and trophies follow every write of a log or a session: the trophies domain listens
to this app's sessions (``services/trophies/tracker.py``), whoever writes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from wger_flask.database import AnySession
from wger_flask.models.accounts import UserProfile
from wger_flask.models.routines import (
    CONFIG_MODELS,
    KILOGRAM_UNIT_ID,
    REPETITIONS_UNIT_ID,
    Day,
    ProgressionConfig,
    Routine,
    Slot,
    SlotEntry,
    WorkoutLog,
    WorkoutSession,
)
from wger_flask.models.types import utcnow
from wger_flask.rest.errors import ValidationFailed, refuse_end_before_start
from wger_flask.rest.writes import Rules
from wger_flask.services import accounts
from wger_flask.services.routines.logs import log_problems, session_for, sync_session_times

MAX_ROUTINE_DAYS = 120  # upstream refuses longer routines (their plans are computed per date)


# ------------------------------------------------------------------------------ routines


def check_routine(
    session: AnySession, routine: Routine, data: dict[str, Any], user: Any, creating: bool
) -> None:
    """Upstream's rules: the end not before the start, at most 120 days, public only when a
    template (a non-template is silently made private)."""
    refuse_end_before_start(routine.start, routine.end)
    if (routine.end - routine.start).days > MAX_ROUTINE_DAYS:
        raise ValidationFailed(
            {"end": [f"A routine can not last more than {MAX_ROUTINE_DAYS} days."]}
        )
    if routine.is_public and not routine.is_template:
        routine.is_public = False


# ------------------------------------------------------------------------------ the plan


def check_day(
    session: AnySession, day: Day, data: dict[str, Any], user: Any, creating: bool
) -> None:
    """A rest day has no exercises: making a day one removes its slots (upstream)."""
    if day.is_rest and not creating:
        session.execute(Slot.__table__.delete().where(Slot.day_id == day.id))


def default_units(row: Any, data: dict[str, Any], names: tuple[str, str]) -> None:
    """A new row counts in repetitions and kilograms unless ``data`` says otherwise (set here,
    not as column defaults, so that an explicit null stays null and checks see the unit)."""
    for attribute, unit in zip(names, (REPETITIONS_UNIT_ID, KILOGRAM_UNIT_ID), strict=True):
        if attribute not in data:
            setattr(row, attribute, unit)


def default_rounding(
    session: AnySession, entry: SlotEntry, data: dict[str, Any], user: Any
) -> None:
    """A new entry rounds as the user's profile says, unless ``data`` says otherwise."""
    profile = session.execute(
        select(UserProfile.repetitions_rounding, UserProfile.weight_rounding).where(
            UserProfile.user_id == user.id
        )
    ).first()
    if profile is None:
        return
    if "repetition_rounding" not in data:
        entry.repetition_rounding = profile.repetitions_rounding
    if "weight_rounding" not in data:
        entry.weight_rounding = profile.weight_rounding


def check_slot_entry(
    session: AnySession, entry: SlotEntry, data: dict[str, Any], user: Any, creating: bool
) -> None:
    """Default units and rounding; a new entry without an order goes after the slot's last."""
    if not creating:
        return
    default_units(entry, data, ("repetition_unit_id", "weight_unit_id"))
    default_rounding(session, entry, data, user)
    if "order" not in data:
        last = session.execute(
            select(func.max(SlotEntry.order)).where(SlotEntry.slot_id == entry.slot_id)
        ).scalar()
        entry.order = (last or 0) + 1


def check_progression_config(
    session: AnySession, row: ProgressionConfig, data: dict[str, Any], user: Any, creating: bool
) -> None:
    """Iteration 1 is the baseline: it always replaces; a replacement has no step."""
    if row.operation is None:  # not given on create: the column's default, seen here already
        row.operation = "r"
    if row.step is None:
        row.step = "abs"
    if row.iteration == 1:
        row.operation = "r"
    if row.operation == "r":
        row.step = "na"


# ------------------------------------------------------------------------------ sessions, logs


def check_workout_session(
    session: AnySession, row: WorkoutSession, data: dict[str, Any], user: Any, creating: bool
) -> None:
    """The 2.6 and 2.7 times in step, whichever the data holds (in the user's time zone); the
    end not before the start."""
    zone = accounts.time_zone_of(session, user.id)
    sync_session_times(row, data, creating, utcnow(), zone)
    refuse_end_before_start(row.datetime_start, row.datetime_end, "datetime_end")


def check_workout_log(
    session: AnySession, log: WorkoutLog, data: dict[str, Any], user: Any, creating: bool
) -> None:
    """Upstream's checks, and the session of the log's date and routine when none is given."""
    if creating:
        default_units(log, data, ("repetitions_unit_id", "weight_unit_id"))
    problems = log_problems(log)
    if problems:
        raise ValidationFailed(problems)
    if log.date is None:
        log.date = utcnow()
    if log.session_id is None:
        log.session_id = session_for(session, user.id, log.date, log.routine_id).id


CONFIG_RULES = Rules(save=check_progression_config, parents={"slot_entry_id": SlotEntry})

RULES: dict[type[Any], Rules] = {
    Routine: Rules(save=check_routine),
    Day: Rules(save=check_day, parents={"routine_id": Routine}),
    Slot: Rules(parents={"day_id": Day}),
    SlotEntry: Rules(save=check_slot_entry, parents={"slot_id": Slot}),
    **{model: CONFIG_RULES for model in CONFIG_MODELS.values()},
    WorkoutSession: Rules(
        save=check_workout_session, parents={"routine_id": Routine, "day_id": Day}
    ),
    WorkoutLog: Rules(
        save=check_workout_log,
        parents={
            "routine_id": Routine,
            "session_id": WorkoutSession,
            "slot_entry_id": SlotEntry,
            "next_log_id": WorkoutLog,
        },
    ),
}
