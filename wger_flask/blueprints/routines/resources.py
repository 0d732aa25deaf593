"""Routines and everything in them, workout sessions and logs: user-owned data.

Every resource needs authentication (401 otherwise). Lists hold the caller's rows only (plus
other users' public templates for ``routine``); another user's row is a 404; a body naming a
parent the caller does not own is a 403 before anything is written. The write rules are the
routines domain's (``services/routines/rules.py``); statistics and trophies follow the writes of
logs and sessions (the trophies domain listens to this app's sessions). The computed routes of
a routine (structure, date sequences, logs, stats) are in ``actions``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, or_

from wger_flask.models.routines import (
    CONFIG_MODELS,
    Day,
    ProgressionConfig,
    Routine,
    Slot,
    SlotEntry,
    WorkoutLog,
    WorkoutSession,
)
from wger_flask.rest import owner_answers
from wger_flask.rest.filtering import DATE, EXACT, GT, GTE, IN, LT, LTE, Filter, FilterSet, exact
from wger_flask.rest.resources import CRUD, LIST, READ_ONLY, RETRIEVE, Resource
from wger_flask.rest.smorest import Blueprint
from wger_flask.schemas.routines.logs import WorkoutLogSchema, WorkoutSessionSchema
from wger_flask.schemas.routines.tree import (
    CONFIG_SCHEMAS,
    DaySchema,
    RoutineSchema,
    SlotEntrySchema,
    SlotSchema,
)
from wger_flask.services import routines

blp = Blueprint(
    "routines",
    __name__,
    url_prefix="/api/v2",
    description="Routines, their days, slots, entries and progression configs; workout logs",
)

COMPARE = (GT, GTE, LT, LTE)


# ------------------------------------------------------------------------------ routines


def own_or_public(stmt: Select[*tuple[Any, ...]], user: Any) -> Select[*tuple[Any, ...]]:
    """A user reads their routines and everybody's public templates."""
    return stmt.where(or_(Routine.user_id == user.id, Routine.is_public.is_(True)))


def own_templates(stmt: Select[*tuple[Any, ...]], user: Any) -> Select[*tuple[Any, ...]]:
    return stmt.where(Routine.user_id == user.id, Routine.is_template.is_(True))


def public_templates(stmt: Select[*tuple[Any, ...]], user: Any) -> Select[*tuple[Any, ...]]:
    return stmt.where(Routine.is_template.is_(True), Routine.is_public.is_(True))


def is_owner(row: Any, user: Any) -> bool:
    return bool(row.user_id == user.id)


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
    rules=routines.RULES[Routine],
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


SESSION_TIMES = (EXACT, DATE, *COMPARE)

WORKOUT_SESSION = Resource(
    name="workoutsession",
    model=WorkoutSession,
    schema=WorkoutSessionSchema,
    summary="Your workout sessions: when (datetime_start/datetime_end, and the 2.6 date, "
    "time_start, time_end), routine and day, notes, impression.",
    actions=CRUD,
    public=False,
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
    rules=routines.RULES[WorkoutSession],
).register(blp)


# ------------------------------------------------------------------------------ the plan


DAY = Resource(
    name="day",
    model=Day,
    schema=DaySchema,
    summary="The days of your routines, repeated in their order.",
    actions=CRUD,
    public=False,
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
    rules=routines.RULES[Day],
).register(blp)

SLOT = Resource(
    name="slot",
    model=Slot,
    schema=SlotSchema,
    summary="The slots (sets) of your days; a slot with several entries is a superset.",
    actions=CRUD,
    public=False,
    filters=FilterSet(
        {
            "day": exact(Slot.day_id, "int"),
            "order": exact(Slot.order, "int"),
            "comment": exact(Slot.comment, "str"),
        }
    ),
    default_ordering=(Slot.order,),
    rules=routines.RULES[Slot],
).register(blp)


SLOT_ENTRY = Resource(
    name="slot-entry",
    model=SlotEntry,
    schema=SlotEntrySchema,
    summary="The exercises of your slots, with their units and rounding.",
    actions=CRUD,
    public=False,
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
    rules=routines.RULES[SlotEntry],
).register(blp)


def config_resource(name: str, model: type[ProgressionConfig]) -> Resource:
    subject = name.removesuffix("-config").replace("-", " ").replace("max ", "maximum ")
    return Resource(
        name=name,
        model=model,
        schema=CONFIG_SCHEMAS[name],
        summary=f"The {subject} of your slot entries, changed per iteration.",
        actions=CRUD,
        public=False,
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
        rules=routines.RULES[model],
    ).register(blp)


CONFIGS = {name: config_resource(name, model) for name, model in CONFIG_MODELS.items()}


# ------------------------------------------------------------------------------ logs


WORKOUT_LOG = Resource(
    name="workoutlog",
    model=WorkoutLog,
    schema=WorkoutLogSchema,
    summary="Your workout logs: one performed set each, with its targets.",
    actions=CRUD,
    public=False,
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
    rules=routines.RULES[WorkoutLog],
).register(blp)


# ------------------------------------------------------------------------------ kept answers
# Answers kept per worker under the reader's data stamp (``rest/owner_answers.py``), which
# covers their routines down to the configs, their sessions and logs. The routine lists and
# ``routine/{id}/`` also show every user's public routines, whose writes renew only their
# owner's stamp: the public routines' generation, read with the stamp, is in their key.


def public_routines(user: Any) -> object:
    return user.public_routine_generation


for _endpoint in ("routine-list", "routine-detail", "public-templates-list"):
    owner_answers.keep_answers_of(f"routines.{_endpoint}", public_routines)
# only the reader's own rows (public-templates/{id}/ answers for its owner alone)
for _resource in (
    "templates",
    "workoutsession",
    "day",
    "slot",
    "slot-entry",
    *CONFIGS,
    "workoutlog",
):
    owner_answers.keep_answers_of(f"routines.{_resource}-list")
    owner_answers.keep_answers_of(f"routines.{_resource}-detail")
owner_answers.keep_answers_of("routines.public-templates-detail")
