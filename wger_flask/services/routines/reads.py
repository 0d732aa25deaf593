"""Reading a routine for its computed routes, with a fixed number of statements.

The tree (routine → days → slots → entries → the ten config tables) is read one level per
statement (the ten config tables together), each level selected by the routine's id through
joins, so no statement grows with the routine (no list of parent ids to bind) and none is
issued per day, slot or entry: 5 statements whatever the routine's size.
Rows become light ``Record`` objects (config rows named tuples) that the structure writer
and the plan services read.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict, namedtuple
from typing import Any

from sqlalchemy import (
    BindParameter,
    Numeric,
    Select,
    String,
    bindparam,
    cast,
    inspect,
    literal,
    literal_column,
    select,
    union_all,
)

from wger_flask.extensions import db
from wger_flask.models.catalogue import RepetitionUnit, WeightUnit, exercise_muscles
from wger_flask.models.routines import (
    Day,
    Routine,
    Slot,
    SlotEntry,
    WorkoutLog,
    WorkoutSession,
)
from wger_flask.rest.loading import Record, model_columns, records_of
from wger_flask.services.routines.progression import rules_of

# SlotEntry relationship → config model, for every config table.
CONFIG_RELATIONS = {
    name: relationship.mapper.class_
    for name, relationship in inspect(SlotEntry).relationships.items()
    if name.endswith("_configs")
}


# The statements of the tree, built once: each execution only binds the routine's id.
ROUTINE_ID: BindParameter[int] = bindparam("routine_id")
DAYS = select(*model_columns(Day)).where(Day.routine_id == ROUTINE_ID).order_by(Day.order, Day.id)
SLOTS = (
    select(*model_columns(Slot))
    .join(Day, Day.id == Slot.day_id)
    .where(Day.routine_id == ROUTINE_ID)
    .order_by(Slot.order, Slot.id)
)
ENTRIES = (
    select(*model_columns(SlotEntry))
    .join(Slot, Slot.id == SlotEntry.slot_id)
    .join(Day, Day.id == Slot.day_id)
    .where(Day.routine_id == ROUTINE_ID)
    .order_by(SlotEntry.order, SlotEntry.id)
)
ENTRY_IDS = ENTRIES.with_only_columns(SlotEntry.id).order_by(None)
_ROUTINE_ENTRIES = ENTRY_IDS.cte("routine_entries")
# The ten config tables in one statement: each row says which relation of its entry it is
# in; every value read as a decimal (the integer ones are turned back where they are shown).
CONFIGS = union_all(
    *(
        select(
            literal_column(f"'{name}'", String).label("relation"),
            model.id.label("id"),
            model.slot_entry_id.label("slot_entry_id"),
            model.iteration.label("iteration"),
            cast(model.value, Numeric(6, 2)).label("value"),
            model.operation.label("operation"),
            model.step.label("step"),
            model.repeat.label("repeat"),
            model.requirements.label("requirements"),
        ).where(model.slot_entry_id.in_(select(_ROUTINE_ENTRIES.c.id)))
        for name, model in CONFIG_RELATIONS.items()
    )
).order_by("slot_entry_id", "iteration")
ConfigRow = namedtuple(  # read-only and the cheapest to make and read: there are thousands
    "ConfigRow",
    "relation id slot_entry_id iteration value operation step repeat requirements",
)


def _records(stmt: Select[*tuple[Any, ...]], **parameters: Any) -> list[Record]:
    """Rows of a Core statement as records (fetched at once: no per-row round trips)."""
    return records_of(db.session.connection().execute(stmt, parameters))


def _attach(parents: list[Record], children: list[Record], key: str, name: str) -> None:
    """Give every parent the list of its children (in the children's order)."""
    grouped: dict[Any, list[Record]] = defaultdict(list)
    for child in children:
        grouped[getattr(child, key)].append(child)
    for parent in parents:
        setattr(parent, name, grouped.get(parent.id, []))


def load_tree(routine_stmt: Select[*tuple[Any, ...]]) -> Record | None:
    """The routine selected by ``routine_stmt`` (a select of Routine) with its whole tree."""
    routines = _records(routine_stmt.with_only_columns(*model_columns(Routine)).limit(1))
    if not routines:
        return None
    routine = routines[0]
    days = _records(DAYS, routine_id=routine.id)
    slots = _records(SLOTS, routine_id=routine.id)
    entries = _records(ENTRIES, routine_id=routine.id)
    _attach_configs(entries, routine.id)
    _attach(slots, entries, "slot_id", "entries")
    _attach(days, slots, "day_id", "slots")
    routine.days = days
    return routine


def _attach_configs(entries: list[Record], routine_id: int) -> None:
    """Give every entry its rows of each config table (one statement for the ten)."""
    result = db.session.connection().execute(CONFIGS, {"routine_id": routine_id})
    grouped: dict[tuple[str, int], list[ConfigRow]] = defaultdict(list)
    for row in result.all():  # by entry and iteration: each group comes in order
        grouped[row[0], row[2]].append(ConfigRow._make(row))
    for entry in entries:
        for name in CONFIG_RELATIONS:
            setattr(entry, name, grouped.get((name, entry.id), []))


def unit_names() -> dict[str, dict[int, str]]:
    """The names of weight and repetition units (one statement)."""
    stmt = union_all(
        select(literal("weight"), WeightUnit.id, WeightUnit.name),
        select(literal("repetitions"), RepetitionUnit.id, RepetitionUnit.name),
    )
    names: dict[str, dict[int, str]] = {"weight": {}, "repetitions": {}}
    for kind, unit_id, name in db.session.connection().execute(stmt):
        names[kind][unit_id] = name
    return names


def session_dates(routine: Record) -> dict[int, set[dt.date]]:
    """The dates the owner logged sessions for the days that wait for logs (none needed: no
    statement)."""
    if not any(day.need_logs_to_advance for day in routine.days):
        return {}
    stmt = (
        select(WorkoutSession.day_id, WorkoutSession.date)
        .join(Day, Day.id == WorkoutSession.day_id)
        .where(Day.routine_id == routine.id, WorkoutSession.user_id == routine.user_id)
    )
    dates: dict[int, set[dt.date]] = defaultdict(set)
    for day_id, date in db.session.connection().execute(stmt):
        assert day_id is not None  # joined to its day
        dates[day_id].add(date)
    return dates


def logs_by_entry(routine: Record) -> dict[int, dict[Any, list[Any]]]:
    """The owner's logs of the routine's entries, by entry and iteration, when a config has
    requirements that read them (otherwise no statement)."""
    entries = [entry for day in routine.days for slot in day.slots for entry in slot.entries]
    rows = (row for entry in entries for name in CONFIG_RELATIONS for row in getattr(entry, name))
    if not any(row.requirements and rules_of(row) for row in rows):
        return {}
    stmt = select(
        WorkoutLog.slot_entry_id,
        WorkoutLog.iteration,
        WorkoutLog.weight,
        WorkoutLog.repetitions,
        WorkoutLog.rir,
        WorkoutLog.rest,
    ).where(
        WorkoutLog.slot_entry_id.in_(ENTRY_IDS),
        WorkoutLog.user_id == routine.user_id,
    )
    logs: dict[int, dict[Any, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for row in db.session.connection().execute(stmt, {"routine_id": routine.id}):
        logs[row.slot_entry_id][row.iteration].append(row)
    return logs


def sessions_with_logs(routine_id: int) -> list[Record]:
    """The routine's sessions by date, each with its ``logs`` in upstream's order."""
    sessions = _records(
        select(*model_columns(WorkoutSession))
        .where(WorkoutSession.routine_id == routine_id)
        .order_by(WorkoutSession.date, WorkoutSession.id)
    )
    logs = _records(
        select(*model_columns(WorkoutLog))
        .join(WorkoutSession, WorkoutSession.id == WorkoutLog.session_id)
        .where(WorkoutSession.routine_id == routine_id)
        .order_by(WorkoutLog.date, WorkoutLog.repetitions, WorkoutLog.weight, WorkoutLog.id)
    )
    _attach(sessions, logs, "session_id", "logs")
    return sessions


def muscles_of_logged_exercises(routine_id: int) -> dict[int, list[int]]:
    """The primary muscles of the exercises logged in the routine's sessions."""
    logged = (
        select(WorkoutLog.exercise_id)
        .join(WorkoutSession, WorkoutSession.id == WorkoutLog.session_id)
        .where(WorkoutSession.routine_id == routine_id)
    )
    stmt = (
        select(exercise_muscles.c.exercise_id, exercise_muscles.c.muscle_id)
        .where(exercise_muscles.c.exercise_id.in_(logged))
        .order_by(exercise_muscles.c.muscle_id)
    )
    muscles: dict[int, list[int]] = defaultdict(list)
    for exercise_id, muscle_id in db.session.connection().execute(stmt):
        muscles[exercise_id].append(muscle_id)
    return muscles
