"""Routines and everything in them, workout sessions and logs: user-owned data.

Every resource needs authentication (401 otherwise). Lists hold the caller's rows only (plus
other users' public templates for ``routine``); another user's row is a 404; a body naming a
parent the caller does not own is a 403 before anything is written. The computed routes of a
routine (structure, date sequences, logs, stats) are in ``routine_actions``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, or_, select

from wger_flask.extensions import db
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
from wger_flask.rest.errors import ValidationFailed
from wger_flask.rest.filtering import DATE, EXACT, GT, GTE, IN, LT, LTE, Filter, FilterSet, exact
from wger_flask.rest.resources import CRUD, LIST, READ_ONLY, RETRIEVE, Resource, keep_client_id
from wger_flask.rest.smorest import Blueprint
from wger_flask.schemas.routines.logs import WorkoutLogSchema, WorkoutSessionSchema
from wger_flask.schemas.routines.tree import (
    CONFIG_SCHEMAS,
    DaySchema,
    RoutineSchema,
    SlotEntrySchema,
    SlotSchema,
)
from wger_flask.services.routines.logs import (
    log_problems,
    profile_zone,
    session_for,
    sync_session_times,
)

blp = Blueprint(
    "routines",
    __name__,
    url_prefix="/api/v2",
    description="Routines, their days, slots, entries and progression configs; workout logs",
)

MAX_ROUTINE_DAYS = 120  # upstream refuses longer routines (their plans are computed per date)
COMPARE = (GT, GTE, LT, LTE)


# ------------------------------------------------------------------------------ routines


def own_or_public(stmt: Select, user: Any) -> Select:
    """A user reads their routines and everybody's public templates."""
    return stmt.where(or_(Routine.user_id == user.id, Routine.is_public.is_(True)))


def own_templates(stmt: Select, user: Any) -> Select:
    return stmt.where(Routine.user_id == user.id, Routine.is_template.is_(True))


def public_templates(stmt: Select, user: Any) -> Select:
    return stmt.where(Routine.is_template.is_(True), Routine.is_public.is_(True))


def is_owner(row: Any, user: Any) -> bool:
    return row.user_id == user.id


def check_routine(routine: Routine, data: dict, user: Any, creating: bool) -> None:
    """Upstream's rules: the end not before the start, at most 120 days, public only when a
    template (a non-template is silently made private)."""
    if routine.end < routine.start:
        raise ValidationFailed({"end": ["The end date cannot be before the start date."]})
    if (routine.end - routine.start).days > MAX_ROUTINE_DAYS:
        raise ValidationFailed(
            {"end": [f"A routine can not last more than {MAX_ROUTINE_DAYS} days."]}
        )
    if routine.is_public and not routine.is_template:
        routine.is_public = False


TEMPLATE_FILTERS = {
    "name": exact(Routine.name, "str"),
    "description": exact(Routine.description, "str"),
    "created": exact(Routine.created, "datetime"),
}
ROUTINE_ORDER = (Routine.start.desc(), Routine.created.desc())

ROUTINE = Resource(
    name="routine",
    model=Routine,
    schema=RoutineSchema,
    summary="Your routines, and the public templates of all users (read only).",
    actions=CRUD,
    public=False,
    scope=own_or_public,
    object_permission=is_owner,
    filters=FilterSet(
        {
            **TEMPLATE_FILTERS,
            "start": exact(Routine.start, "date"),
            "end": exact(Routine.end, "date"),
            "is_public": exact(Routine.is_public, "bool"),
            "is_template": exact(Routine.is_template, "bool"),
        }
    ),
    default_ordering=ROUTINE_ORDER,
    before_save=check_routine,
).register(blp)

TEMPLATES = Resource(
    name="templates",
    model=Routine,
    schema=RoutineSchema,
    summary="Your routine templates.",
    actions=READ_ONLY,
    public=False,
    scope=own_templates,
    filters=FilterSet(dict(TEMPLATE_FILTERS)),
    default_ordering=ROUTINE_ORDER,
).register(blp)

PUBLIC_TEMPLATES = Resource(
    name="public-templates",
    model=Routine,
    schema=RoutineSchema,
    summary="The public routine templates of all users. As upstream, the detail route "
    "answers only for your own (another user's template: read it at routine/{id}/).",
    actions=frozenset({LIST, RETRIEVE}),
    public=False,
    scope=public_templates,
    read_permission=is_owner,
    filters=FilterSet(dict(TEMPLATE_FILTERS)),
    default_ordering=ROUTINE_ORDER,
).register(blp)


# ------------------------------------------------------------------------------ sessions


def prepare_session(row: Any, data: dict, user: Any, creating: bool) -> None:
    """A client-chosen id kept; the 2.6 and 2.7 times in step, whichever the body holds."""
    keep_client_id(row, data, creating)
    zone = db.session.execute(
        select(UserProfile.time_zone).where(UserProfile.user_id == user.id)
    ).scalar()
    sync_session_times(row, data, creating, utcnow(), profile_zone(zone))
    if row.datetime_end is not None and row.datetime_end < row.datetime_start:
        raise ValidationFailed({"datetime_end": ["The end cannot be before the start."]})


SESSION_TIMES = (EXACT, DATE, *COMPARE)

WORKOUT_SESSION = Resource(
    name="workoutsession",
    model=WorkoutSession,
    schema=WorkoutSessionSchema,
    summary="Your workout sessions: when (datetime_start/datetime_end, and the 2.6 date, "
    "time_start, time_end), routine and day, notes, impression.",
    actions=CRUD,
    public=False,
    parents={"routine": Routine, "day": Day},
    filters=FilterSet(
        {
            "date": exact(WorkoutSession.date, "date"),
            "routine": exact(WorkoutSession.routine_id, "int"),
            "day": exact(WorkoutSession.day_id, "int"),
            "notes": exact(WorkoutSession.notes, "str"),
            "impression": exact(WorkoutSession.impression, "str"),
            "time_start": exact(WorkoutSession.time_start, "time"),
            "time_end": exact(WorkoutSession.time_end, "time"),
            "datetime_start": Filter(WorkoutSession.datetime_start, "datetime", SESSION_TIMES),
            "datetime_end": Filter(WorkoutSession.datetime_end, "datetime", SESSION_TIMES),
        }
    ),
    default_ordering=(WorkoutSession.date, WorkoutSession.datetime_start),
    before_save=prepare_session,
).register(blp)


# ------------------------------------------------------------------------------ the plan


def clear_rest_day(day: Day, data: dict, user: Any, creating: bool) -> None:
    """A rest day has no exercises: making a day one removes its slots (upstream)."""
    if day.is_rest and not creating:
        db.session.execute(Slot.__table__.delete().where(Slot.day_id == day.id))


DAY = Resource(
    name="day",
    model=Day,
    schema=DaySchema,
    summary="The days of your routines, repeated in their order.",
    actions=CRUD,
    public=False,
    parents={"routine": Routine},
    filters=FilterSet(
        {
            "id": exact(Day.id, "int"),
            "routine": exact(Day.routine_id, "int"),
            "order": exact(Day.order, "int"),
            "name": exact(Day.name, "str"),
            "description": exact(Day.description, "str"),
            "is_rest": exact(Day.is_rest, "bool"),
            "need_logs_to_advance": exact(Day.need_logs_to_advance, "bool"),
        }
    ),
    default_ordering=(Day.order,),
    before_save=clear_rest_day,
).register(blp)

SLOT = Resource(
    name="slot",
    model=Slot,
    schema=SlotSchema,
    summary="The slots (sets) of your days; a slot with several entries is a superset.",
    actions=CRUD,
    public=False,
    parents={"day": Day},
    filters=FilterSet(
        {
            "day": exact(Slot.day_id, "int"),
            "order": exact(Slot.order, "int"),
            "comment": exact(Slot.comment, "str"),
        }
    ),
    default_ordering=(Slot.order,),
).register(blp)


def default_units(row: Any, data: dict, names: tuple[str, str]) -> None:
    """A new row counts in repetitions and kilograms unless the body says otherwise (set here,
    not as column defaults, so that an explicit null stays null and checks see the unit)."""
    for attribute, unit in zip(names, (REPETITIONS_UNIT_ID, KILOGRAM_UNIT_ID), strict=True):
        if attribute not in data:
            setattr(row, attribute, unit)


def default_rounding(entry: SlotEntry, data: dict, user: Any) -> None:
    """A new entry rounds as the user's profile says, unless the body says otherwise."""
    profile = db.session.execute(
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


def prepare_entry(entry: SlotEntry, data: dict, user: Any, creating: bool) -> None:
    """Default units and rounding; a new entry without an order goes after the slot's last."""
    if not creating:
        return
    default_units(entry, data, ("repetition_unit_id", "weight_unit_id"))
    default_rounding(entry, data, user)
    if "order" not in data:
        last = db.session.execute(
            select(func.max(SlotEntry.order)).where(SlotEntry.slot_id == entry.slot_id)
        ).scalar()
        entry.order = (last or 0) + 1


SLOT_ENTRY = Resource(
    name="slot-entry",
    model=SlotEntry,
    schema=SlotEntrySchema,
    summary="The exercises of your slots, with their units and rounding.",
    actions=CRUD,
    public=False,
    parents={"slot": Slot},
    filters=FilterSet(
        {
            "slot": exact(SlotEntry.slot_id, "int"),
            "exercise": exact(SlotEntry.exercise_id, "int"),
            "type": exact(SlotEntry.type, "str"),
            "repetition_unit": exact(SlotEntry.repetition_unit_id, "int"),
            "repetition_rounding": exact(SlotEntry.repetition_rounding, "decimal"),
            "weight_unit": exact(SlotEntry.weight_unit_id, "int"),
            "weight_rounding": exact(SlotEntry.weight_rounding, "decimal"),
            "order": exact(SlotEntry.order, "int"),
            "comment": exact(SlotEntry.comment, "str"),
        }
    ),
    default_ordering=(SlotEntry.order, SlotEntry.id),
    before_save=prepare_entry,
).register(blp)


def normalize_config(row: ProgressionConfig, data: dict, user: Any, creating: bool) -> None:
    """Iteration 1 is the baseline: it always replaces; a replacement has no step."""
    if row.operation is None:  # not given on create: the column's default, seen here already
        row.operation = "r"
    if row.step is None:
        row.step = "abs"
    if row.iteration == 1:
        row.operation = "r"
    if row.operation == "r":
        row.step = "na"


def config_resource(name: str, model: type[ProgressionConfig]) -> Resource:
    subject = name.removesuffix("-config").replace("-", " ").replace("max ", "maximum ")
    return Resource(
        name=name,
        model=model,
        schema=CONFIG_SCHEMAS[name],
        summary=f"The {subject} of your slot entries, changed per iteration.",
        actions=CRUD,
        public=False,
        parents={"slot_entry": SlotEntry},
        filters=FilterSet(
            {
                "id": exact(model.id, "int"),
                "slot_entry": exact(model.slot_entry_id, "int"),
                "iteration": exact(model.iteration, "int"),
                "value": exact(model.value, "decimal"),
                "operation": exact(model.operation, "str"),
                "step": exact(model.step, "str"),
                "repeat": exact(model.repeat, "bool"),
            }
        ),
        default_ordering=(model.slot_entry_id, model.iteration),
        before_save=normalize_config,
    ).register(blp)


CONFIGS = {name: config_resource(name, model) for name, model in CONFIG_MODELS.items()}


# ------------------------------------------------------------------------------ logs


def prepare_log(log: WorkoutLog, data: dict, user: Any, creating: bool) -> None:
    """Upstream's checks, and the session of the log's date and routine when none is given."""
    keep_client_id(log, data, creating)
    if creating:
        default_units(log, data, ("repetitions_unit_id", "weight_unit_id"))
    problems = log_problems(log)
    if problems:
        raise ValidationFailed(problems)
    if log.date is None:
        log.date = utcnow()
    if log.session_id is None:
        log.session_id = session_for(db.session, user.id, log.date, log.routine_id).id


WORKOUT_LOG = Resource(
    name="workoutlog",
    model=WorkoutLog,
    schema=WorkoutLogSchema,
    summary="Your workout logs: one performed set each, with its targets.",
    actions=CRUD,
    public=False,
    parents={
        "routine": Routine,
        "session": WorkoutSession,
        "slot_entry": SlotEntry,
        "next_log": WorkoutLog,
    },
    filters=FilterSet(
        {
            "routine": exact(WorkoutLog.routine_id, "int"),
            "session": exact(WorkoutLog.session_id, "uuid"),
            "date": exact(WorkoutLog.date, "datetime", DATE, *COMPARE),
            "exercise": exact(WorkoutLog.exercise_id, "int", IN),
            "iteration": exact(WorkoutLog.iteration, "int", IN),
            "repetitions_unit": exact(WorkoutLog.repetitions_unit_id, "int", IN),
            "repetitions": exact(WorkoutLog.repetitions, "decimal", *COMPARE),
            "repetitions_target": exact(WorkoutLog.repetitions_target, "decimal", *COMPARE),
            "weight_unit": exact(WorkoutLog.weight_unit_id, "int", IN),
            "weight": exact(WorkoutLog.weight, "decimal", *COMPARE),
            "weight_target": exact(WorkoutLog.weight_target, "decimal", *COMPARE),
            "rir": exact(WorkoutLog.rir, "decimal", IN, *COMPARE),
            "rir_target": exact(WorkoutLog.rir_target, "decimal", IN, *COMPARE),
        }
    ),
    default_ordering=(WorkoutLog.date, WorkoutLog.repetitions, WorkoutLog.weight),
    before_save=prepare_log,
).register(blp)
