"""Calculated categories (``dynamic_type`` other than ``NONE``): the server keeps their readings
(``source: "calculated"``) from the user's other data, in the transaction that changed it.

| type | params | one reading per | value |
|---|---|---|---|
| ``BMI`` | none | body-weight reading | kg ÷ m², with the latest height reading at or before it (else the first after) |
| ``WHTR`` | ``waist_category`` | reading of that category | waist ÷ height (both in cm), height as for BMI |
| ``ONE_REP_MAX`` | ``exercise``, ``formula`` | workout log of the exercise with a mass and repetitions | Epley ``w × (1 + r / 30)`` or Brzycki ``w × 36 / (37 − r)``, kg |
| ``ONE_RM_TOTAL`` | ``exercises``, ``formula`` | day with a log of one of them, once each has an estimate | the sum of each exercise's best estimate so far, kg |

Values are rounded half up to the readings' two places. A reading's id is derived from what it
was computed from (``uuid5`` of the category and the source reading, log or day), so a
recomputation updates rows in place instead of replacing them (syncing clients see updates,
not churn); readings whose source is gone are deleted.

``refresh_user(session, user_id)`` recomputes every calculated category of a user. The session
listener (``init_app``) calls it before the commit of any transaction that wrote a reading (a
weight entry is one), a category or a workout log of that user, whoever wrote it (REST, the PowerSync upload, the
importer, a command).

May import: models (body, routines: the logs it reads), SQLAlchemy and ``database``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from wger_flask.database import AnySession, listen_to_sessions
from wger_flask.models.body import (
    NO_DYNAMIC_TYPE,
    Measurement,
    MeasurementCategory,
    WeightEntry,
)
from wger_flask.models.routines import Routine, WorkoutLog, WorkoutSession

CALCULATED = "calculated"
INFO_KEY = "wger_body_calculated_users"
TWO_PLACES = Decimal("0.01")
POUND_IN_KG = Decimal("0.45359237")
INCH_IN_CM = Decimal("2.54")
KILOGRAM_UNIT, POUND_UNIT = 1, 2  # core_weightunit
REPETITION_UNIT = 1  # core_repetitionunit "Repetitions"
FORMULAS = ("epley", "brzycki")
DEFAULT_UNITS = {"BMI": "kg/m²", "WHTR": "", "ONE_REP_MAX": "kg", "ONE_RM_TOTAL": "kg"}


@dataclass(frozen=True)
class Reading:
    """A reading as the calculations read it: when, what, in which unit."""

    id: Any
    date: dt.datetime
    value: Decimal
    unit: str


# ------------------------------------------------------------------------------ the formulas


def rounded(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, ROUND_HALF_UP)


def in_kg(value: Decimal, unit: str) -> Decimal | None:
    if unit == "kg":
        return value
    if unit == "lb":
        return value * POUND_IN_KG
    return None


def in_cm(value: Decimal, unit: str) -> Decimal | None:
    if unit == "cm":
        return value
    if unit == "in":
        return value * INCH_IN_CM
    if unit == "m":
        return value * 100
    return None


def bmi(weight_kg: Decimal, height_cm: Decimal) -> Decimal:
    """Body mass index: kg ÷ m²."""
    metres = height_cm / 100
    return rounded(weight_kg / (metres * metres))


def one_rep_max(weight_kg: Decimal, repetitions: Decimal, formula: str) -> Decimal | None:
    """Epley ``w × (1 + r / 30)`` or Brzycki ``w × 36 / (37 − r)`` (None from 37 repetitions,
    where Brzycki's divisor ends)."""
    if weight_kg <= 0 or repetitions <= 0:
        return None
    if formula == "brzycki":
        if repetitions >= 37:
            return None
        return rounded(weight_kg * 36 / (37 - repetitions))
    return rounded(weight_kg * (1 + repetitions / 30))


def height_at(heights: list[tuple[dt.datetime, Decimal]], moment: dt.datetime) -> Decimal | None:
    """The latest height (cm) measured at or before ``moment``; else the first one after."""
    before = [value for date, value in heights if date <= moment]
    if before:
        return before[-1]
    return heights[0][1] if heights else None


# ------------------------------------------------------------------------------ per category


def _reading_id(category_id: uuid.UUID, source: Any) -> uuid.UUID:
    return uuid.uuid5(category_id, str(source))


def _readings(session: AnySession, category_id: uuid.UUID, unit: str) -> list[Reading]:
    rows = session.execute(
        select(Measurement.id, Measurement.date, Measurement.value, Measurement.extra_data)
        .where(Measurement.category_id == category_id)
        .order_by(Measurement.date, Measurement.id)
    ).all()
    readings = []
    for row_id, date, value, extra in rows:
        reading_unit = extra.get("unit") if isinstance(extra, dict) else None
        readings.append(Reading(row_id, date, Decimal(value), reading_unit or unit))
    return readings


def _category_of(session: AnySession, user_id: int, metric: str) -> MeasurementCategory | None:
    return session.execute(
        select(MeasurementCategory).where(
            MeasurementCategory.user_id == user_id, MeasurementCategory.metric_type == metric
        )
    ).scalar_one_or_none()


def _heights(session: AnySession, user_id: int) -> list[tuple[dt.datetime, Decimal]]:
    category = _category_of(session, user_id, "height")
    if category is None:
        return []
    heights = []
    for reading in _readings(session, category.id, category.unit):
        cm = in_cm(reading.value, reading.unit)
        if cm is not None and cm > 0:
            heights.append((reading.date, cm))
    return heights


def _per_height(
    session: AnySession,
    category: MeasurementCategory,
    source: MeasurementCategory | None,
    compute: Callable[[Reading, Decimal], Decimal | None],
) -> dict[uuid.UUID, Reading]:
    """One reading per reading of ``source``: ``compute`` of it and the height (cm) at its
    date; none without a source, heights, or a value ``compute`` can work with."""
    heights = _heights(session, category.user_id)
    if source is None or not heights:
        return {}
    wanted = {}
    for reading in _readings(session, source.id, source.unit):
        height_cm = height_at(heights, reading.date)
        value = None if height_cm is None else compute(reading, height_cm)
        if value is not None:
            key = _reading_id(category.id, reading.id)
            wanted[key] = Reading(key, reading.date, value, category.unit)
    return wanted


def bmi_readings(session: AnySession, category: MeasurementCategory) -> dict[uuid.UUID, Reading]:
    def from_weight(reading: Reading, height_cm: Decimal) -> Decimal | None:
        kg = in_kg(reading.value, reading.unit)
        return None if kg is None else bmi(kg, height_cm)

    weight = _category_of(session, category.user_id, "body_weight")
    return _per_height(session, category, weight, from_weight)


def whtr_readings(session: AnySession, category: MeasurementCategory) -> dict[uuid.UUID, Reading]:
    def from_waist(reading: Reading, height_cm: Decimal) -> Decimal | None:
        waist_cm = in_cm(reading.value, reading.unit)
        return None if waist_cm is None else rounded(waist_cm / height_cm)

    params = category.dynamic_params or {}
    waist = session.execute(
        select(MeasurementCategory).where(
            MeasurementCategory.user_id == category.user_id,
            MeasurementCategory.id == _as_uuid(params.get("waist_category")),
        )
    ).scalar_one_or_none()
    return _per_height(session, category, waist, from_waist)


def _estimates(
    session: AnySession, user_id: int, exercises: Iterable[int], formula: str
) -> list[tuple[Any, dt.datetime, int, Decimal]]:
    """(log id, date, exercise, estimate) of the user's logs of ``exercises``, oldest first."""
    rows = session.execute(
        select(
            WorkoutLog.id,
            WorkoutLog.date,
            WorkoutLog.exercise_id,
            WorkoutLog.weight,
            WorkoutLog.weight_unit_id,
            WorkoutLog.repetitions,
            WorkoutLog.repetitions_unit_id,
        )
        .where(WorkoutLog.user_id == user_id, WorkoutLog.exercise_id.in_(list(exercises)))
        .order_by(WorkoutLog.date, WorkoutLog.id)
    ).all()
    estimates = []
    for log_id, date, exercise, weight, weight_unit, repetitions, repetitions_unit in rows:
        if weight is None or repetitions is None or repetitions_unit not in (None, REPETITION_UNIT):
            continue
        unit = {KILOGRAM_UNIT: "kg", POUND_UNIT: "lb"}.get(weight_unit or KILOGRAM_UNIT)
        kg = in_kg(Decimal(weight), unit) if unit else None
        estimate = None if kg is None else one_rep_max(kg, Decimal(repetitions), formula)
        if estimate is not None:
            estimates.append((log_id, date, exercise, estimate))
    return estimates


def one_rep_max_readings(
    session: AnySession, category: MeasurementCategory
) -> dict[uuid.UUID, Reading]:
    params = category.dynamic_params or {}
    formula = params.get("formula", "epley")
    wanted = {}
    for log_id, date, _, estimate in _estimates(
        session, category.user_id, [params["exercise"]], formula
    ):
        key = _reading_id(category.id, log_id)
        wanted[key] = Reading(key, date, estimate, category.unit)
    return wanted


def total_readings(session: AnySession, category: MeasurementCategory) -> dict[uuid.UUID, Reading]:
    params = category.dynamic_params or {}
    exercises = list(dict.fromkeys(params["exercises"]))
    best: dict[int, Decimal] = {}
    by_day: dict[dt.date, dt.datetime] = {}
    totals: dict[dt.date, Decimal] = {}
    estimates = _estimates(session, category.user_id, exercises, params.get("formula", "epley"))
    days: dict[dt.date, list[tuple[dt.datetime, int, Decimal]]] = defaultdict(list)
    for _, date, exercise, estimate in estimates:
        days[date.date()].append((date, exercise, estimate))
    for day in sorted(days):
        for date, exercise, estimate in days[day]:
            best[exercise] = max(best.get(exercise, estimate), estimate)
            by_day[day] = date  # the day's last log
        if len(best) == len(exercises):
            totals[day] = sum(best.values(), Decimal(0))
    wanted = {}
    for day, total in totals.items():
        key = _reading_id(category.id, day.isoformat())
        wanted[key] = Reading(key, by_day[day], rounded(total), category.unit)
    return wanted


CALCULATIONS = {
    "BMI": bmi_readings,
    "WHTR": whtr_readings,
    "ONE_REP_MAX": one_rep_max_readings,
    "ONE_RM_TOTAL": total_readings,
}


def _as_uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def replace_exercise(session: AnySession, old_id: int, new_id: int) -> int:
    """The one-rep-max categories naming exercise ``old_id`` (deleted from the catalogue with
    ``replaced_by``, its logs moved to ``new_id``) name ``new_id`` instead; how many changed.
    Their readings follow at the commit (the listener sees the changed categories)."""
    changed = 0
    categories = session.execute(
        select(MeasurementCategory).where(
            MeasurementCategory.dynamic_type.in_(("ONE_REP_MAX", "ONE_RM_TOTAL"))
        )
    ).scalars()
    for category in categories:
        params = dict(category.dynamic_params or {})
        if params.get("exercise") == old_id:
            params["exercise"] = new_id
        elif old_id in (params.get("exercises") or []):
            swapped = [new_id if pk == old_id else pk for pk in params["exercises"]]
            params["exercises"] = list(dict.fromkeys(swapped))
        else:
            continue
        category.dynamic_params = params
        changed += 1
    return changed


# ------------------------------------------------------------------------------ keeping them


def refresh_category(session: AnySession, category: MeasurementCategory) -> None:
    """Make the category's stored readings the computed ones (insert, update, delete)."""
    wanted = CALCULATIONS[category.dynamic_type](session, category)
    stored = {
        row.id: row
        for row in session.execute(
            select(Measurement).where(Measurement.category_id == category.id)
        ).scalars()
    }
    gone = [row_id for row_id in stored if row_id not in wanted]
    if gone:
        session.execute(
            delete(Measurement)
            .where(Measurement.id.in_(gone))
            .execution_options(synchronize_session="fetch")
        )
    for key, reading in wanted.items():
        row = stored.get(key)
        if row is None:
            session.add(
                Measurement(
                    id=key,
                    category_id=category.id,
                    date=reading.date,
                    value=reading.value,
                    notes="",
                    source=CALCULATED,
                )
            )
        elif (row.date, Decimal(row.value)) != (reading.date, reading.value):
            row.date, row.value = reading.date, reading.value


def refresh_user(session: AnySession, user_id: int) -> None:
    """Recompute every calculated category of the user."""
    categories = session.execute(
        select(MeasurementCategory).where(
            MeasurementCategory.user_id == user_id,
            MeasurementCategory.dynamic_type != NO_DYNAMIC_TYPE,
        )
    ).scalars()
    for category in list(categories):
        if category.dynamic_type in CALCULATIONS:
            refresh_category(session, category)


# ------------------------------------------------------------------------------ the listener


# deleting one of these deletes its workout logs by the database's cascade, unseen here
CASCADING_INTO_LOGS = (WorkoutSession, Routine)


def _users_touched(session: Session, objects: Iterable[Any]) -> set[int]:
    users: set[int] = set()
    for obj in objects:
        cascades = isinstance(obj, CASCADING_INTO_LOGS) and obj in session.deleted
        if cascades or isinstance(obj, (WorkoutLog, MeasurementCategory)):
            users.add(obj.user_id)
        elif isinstance(obj, (Measurement, WeightEntry)) and obj.source != CALCULATED:
            # a weight entry is a body-weight reading seen as 2.6 shows it: an input of BMI
            owner = session.execute(
                select(MeasurementCategory.user_id).where(MeasurementCategory.id == obj.category_id)
            ).scalar_one_or_none()
            if owner is not None:
                users.add(owner)
    return users


def after_flush(session: Session, flush_context: Any) -> None:
    """Note the users whose inputs this flush wrote."""
    touched = [*session.new, *session.dirty, *session.deleted]
    inputs = (WorkoutLog, MeasurementCategory, Measurement, WeightEntry, *CASCADING_INTO_LOGS)
    if not any(isinstance(obj, inputs) for obj in touched):
        return
    session.info.setdefault(INFO_KEY, set()).update(_users_touched(session, touched))


def before_commit(session: Session) -> None:
    """Recompute the noted users' calculated categories, in the same transaction (the
    commit's own flush comes after this event: flush first, so this one's writes count)."""
    if session.new or session.dirty or session.deleted:
        session.flush()
    users = session.info.pop(INFO_KEY, None)
    if not users:
        return
    for user_id in sorted(users):
        refresh_user(session, user_id)
    session.flush()
    session.info.pop(INFO_KEY, None)  # our own writes are not an input


def forget(session: Session, *args: Any) -> None:
    session.info.pop(INFO_KEY, None)


def init_app(app: Any) -> None:
    """Listen to this app's sessions (idempotent: apps in one process share ``db``)."""
    for name, listener in (
        ("after_flush", after_flush),
        ("before_commit", before_commit),
        ("after_rollback", forget),
    ):
        listen_to_sessions(name, listener)


__all__ = ["CALCULATED", "DEFAULT_UNITS", "FORMULAS", "init_app", "refresh_user"]
