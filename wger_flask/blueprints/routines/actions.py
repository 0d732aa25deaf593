"""The computed routes of a routine: its structure, its plan per date (display and gym
mode), its logs and its statistics.

Each reads with a fixed number of statements whatever the routine's size
(``services.routine_reads``); the services compute the rest in memory.
"""

from __future__ import annotations

from typing import Any

from flask import Response

from wger_flask.blueprints.routines.resources import ROUTINE, blp
from wger_flask.models.types import utc_today
from wger_flask.rest import negotiation, owner_answers
from wger_flask.rest.actions import action
from wger_flask.rest.errors import APIError, not_found
from wger_flask.rest.loading import Record
from wger_flask.rest.serialization import compile_dumper
from wger_flask.schemas.routines.logs import WorkoutLogSchema, WorkoutSessionSchema
from wger_flask.schemas.routines.payloads import (
    LogDisplaySchema,
    LogStatsDataSchema,
    PlanPayloads,
    StructurePayload,
    WorkoutDayDataDisplayModeSchema,
    WorkoutDayDataGymModeSchema,
    stats_payload,
)
from wger_flask.schemas.routines.tree import RoutineStructureSchema
from wger_flask.services.routines import reads as routine_reads
from wger_flask.services.routines.plan import DISPLAY, GYM, routine_plan
from wger_flask.services.routines.stats import log_statistics

dump_session = compile_dumper(WorkoutSessionSchema)
dump_log = compile_dumper(WorkoutLogSchema)


def routine_tree(pk: str, user: Any) -> Record:
    """The routine with everything in it, if ``user`` may read it; a 404 otherwise."""
    routine = routine_reads.load_tree(ROUTINE.detail_statement(pk, user))
    if routine is None:
        raise not_found()
    if routine.user_id != user.id:
        # another user's public template: its tree (and its owner's sessions and logs) are
        # under its owner's data stamp, not the reader's
        owner_answers.not_kept()
    return routine


def owned_routine(pk: str, user: Any) -> Record:
    """Logs and statistics are the owner's own, even of a public template: 403 for others."""
    routine = ROUTINE.read_object(pk, user)
    if routine.user_id != user.id:
        raise APIError(403)
    return routine


# ------------------------------------------------------------------------------ views


def structure(id: str) -> Response:
    """Return the full object structure of the routine."""
    user = ROUTINE.authorize_read()
    return negotiation.render(StructurePayload().routine(routine_tree(id, user)))


def date_sequence_display(id: str) -> Response:
    """Return the day sequence of the routine, the sets of a slot grouped for display."""
    return _date_sequence(id, DISPLAY)


def date_sequence_gym(id: str) -> Response:
    """Return the day sequence of the routine, set by set as done in the gym."""
    return _date_sequence(id, GYM)


def _date_sequence(pk: str, mode: str) -> Response:
    routine = routine_tree(pk, ROUTINE.authorize_read())
    plans = routine_plan(
        routine.days,
        routine.start,
        routine.end,
        mode=mode,
        today=utc_today(),
        fit_in_week=routine.fit_in_week,
        session_dates=routine_reads.session_dates(routine),
        logs_by_entry=routine_reads.logs_by_entry(routine),
        unit_names=routine_reads.unit_names(),
    )
    return negotiation.render(PlanPayloads().dates(plans))


def logs(id: str) -> Response:
    """Returns the logs for the routine, grouped by session."""
    routine = owned_routine(id, ROUTINE.authorize_read())
    sessions = routine_reads.sessions_with_logs(routine.id)
    return negotiation.render(
        [
            {"session": dump_session(session), "logs": [dump_log(log) for log in session.logs]}
            for session in sessions
        ]
    )


def stats(id: str) -> Response:
    """Returns the statistics of the routine's logs: volume, sets and intensity."""
    routine = owned_routine(id, ROUTINE.authorize_read())
    sessions = routine_reads.sessions_with_logs(routine.id)
    muscles = routine_reads.muscles_of_logged_exercises(routine.id)
    result = log_statistics(((session.date, session.logs) for session in sessions), muscles)
    return negotiation.render(stats_payload(result))


# ------------------------------------------------------------------------------ routes

OWNERS_ONLY = {403: "Another user's template: only its owner reads this", 404: "Not found"}
EVERY_DATE = "Every date of the routine (a bare list, not paginated)"

ACTIONS = [
    ("structure", structure, "routine_structure_retrieve", RoutineStructureSchema, "The routine"),
    (
        "date-sequence-display",
        date_sequence_display,
        "routine_date_sequence_display_list",
        WorkoutDayDataDisplayModeSchema(many=True),
        EVERY_DATE,
    ),
    (
        "date-sequence-gym",
        date_sequence_gym,
        "routine_date_sequence_gym_list",
        WorkoutDayDataGymModeSchema(many=True),
        EVERY_DATE,
    ),
    (
        "logs",
        logs,
        "routine_logs_list",
        LogDisplaySchema(many=True),
        "The sessions of the routine with their logs (a bare list)",
    ),
    ("stats", stats, "routine_stats_retrieve", LogStatsDataSchema, "The statistics"),
]

for path, view, operation_id, schema, description in ACTIONS:
    action(
        blp,
        ROUTINE,
        path,
        detail=True,
        operation_id=operation_id,
        endpoint=f"routine-{path}",
        response=schema,
        description=description,
        errors=OWNERS_ONLY,
    )(view)


# Kept per worker under the reader's data stamp (``rest/owner_answers.py``): the tree, sessions
# and logs of the reader's own routines (another user's public template is read, not kept:
# ``routine_tree``; logs and stats are the owner's only). Besides those rows, the date sequences
# read the unit names and today's date (which days may advance), the statistics the primary
# muscles of the logged exercises: the exercise catalogue's generation covers the units and
# muscles, read with the stamp.


def catalogue_and_today(user: Any) -> object:
    return user.exercise_catalogue_generation, utc_today()


def catalogue(user: Any) -> object:
    return user.exercise_catalogue_generation


owner_answers.keep_answers_of("routines.routine-structure")
owner_answers.keep_answers_of("routines.routine-date-sequence-display", catalogue_and_today)
owner_answers.keep_answers_of("routines.routine-date-sequence-gym", catalogue_and_today)
owner_answers.keep_answers_of("routines.routine-logs")
owner_answers.keep_answers_of("routines.routine-stats", catalogue)
