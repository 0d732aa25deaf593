"""``flask export-wger``: this server's users and what they own written into an empty database
of upstream wger's schema (migrated by upstream's ``manage.py migrate``), so nobody is locked
in; ``flask import-wger`` reads it back (the round trip is a test).

Columns are copied by name (this server keeps upstream's table and column names), in the
target's own types: UUIDs as upstream stores them (32 hex characters in SQLite's ``char(32)``,
native on PostgreSQL), JSON as text where the column is text. What upstream's schema has and
this server lacks gets upstream's default; what this server adds and upstream's schema lacks
(the 2.7 instants of a session, a profile's time zone where the target has none) is left out.
The catalogue rows the users' data names (lookups, the exercises used or contributed, the
ingredients eaten) are written too, where missing, so the target is complete.

Not exported, because this server keeps only digests of them: API keys and recovery codes (the
users make new ones); TOTP secrets are exported, so authenticator apps keep working. Statistics
and trophies are not exported: upstream recomputes them.
"""

from __future__ import annotations

import decimal
import json
import shutil
import uuid
from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    Uuid,
    func,
    insert,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB

from wger_flask.database import AnySession
from wger_flask.models.accounts import Authenticator, User, UserProfile
from wger_flask.models.body import (
    BODY_WEIGHT,
    GalleryImage,
    Measurement,
    MeasurementCategory,
    WeightEntry,
)
from wger_flask.models.catalogue import (
    Alias,
    AuthorHistory,
    Equipment,
    Exercise,
    ExerciseCategory,
    ExerciseComment,
    Language,
    License,
    Muscle,
    RepetitionUnit,
    Translation,
    WeightUnit,
    exercise_equipment,
    exercise_muscles,
    exercise_muscles_secondary,
)
from wger_flask.models.ingredients import Ingredient
from wger_flask.models.nutrition import LogItem, Meal, MealItem, NutritionPlan
from wger_flask.models.routines import (
    CONFIG_MODELS,
    Day,
    Routine,
    Slot,
    SlotEntry,
    WorkoutLog,
    WorkoutSession,
)
from wger_flask.rest.permissions import scope_to_owner
from wger_flask.services import media
from wger_flask.services.wger_import.source import connect

LOOKUPS = (Language, License, WeightUnit, RepetitionUnit, ExerciseCategory, Muscle, Equipment)


class ExportError(ValueError):
    """The target is not an empty upstream database."""


@dataclass
class ExportReport:
    users: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0
    notes: list[str] = field(default_factory=list)

    def add(self, table: str, number: int) -> None:
        self.rows[table] = self.rows.get(table, 0) + number


class Target:
    """The upstream database written to, its tables reflected."""

    def __init__(self, url: str) -> None:
        self.engine = connect(url, read_only=False)
        self.metadata = MetaData()
        try:
            self.metadata.reflect(self.engine)
        except Exception as error:
            self.engine.dispose()
            raise ExportError(f"Cannot read the target: {error}") from None
        if "auth_user" not in self.metadata.tables:
            self.engine.dispose()
            raise ExportError("The target has no upstream schema (run upstream's migrate first).")
        self.connection = self.engine.connect()
        users = self.connection.execute(select(func.count()).select_from(self.table("auth_user")))
        taken = users.scalar_one()
        self.connection.rollback()
        if taken:
            self.close()
            raise ExportError("The target already holds users: export into an empty database.")
        self.weight_entry_id = 0

    def table(self, name: str) -> Table:
        return self.metadata.tables[name]

    def has(self, name: str) -> bool:
        return name in self.metadata.tables

    def close(self) -> None:
        self.connection.close()
        self.engine.dispose()


def _target_value(value: Any, column: Any) -> Any:
    kind = column.type
    if isinstance(value, uuid.UUID):
        return value if isinstance(kind, Uuid) else value.hex
    if isinstance(value, dict | list):
        return value if isinstance(kind, JSON | JSONB) else json.dumps(value)
    if isinstance(value, decimal.Decimal) and not isinstance(kind, Numeric):
        return str(value)
    return value


def _default(column: Any) -> Any:
    if column.nullable or column.primary_key:
        return None
    if isinstance(column.type, Boolean):
        return False
    if isinstance(column.type, Integer | Numeric):
        return 0
    if isinstance(column.type, String | Text):
        return ""
    return None


def write(target: Target, report: ExportReport, name: str, rows: Iterable[dict[str, Any]]) -> None:
    """Rows (this server's column names) into the target's table of the same name."""
    if not target.has(name):
        return
    table = target.table(name)
    shaped = []
    for row in rows:
        values = {}
        for column in table.columns:
            if column.name in row:
                values[column.name] = _target_value(row[column.name], column)
            elif not (column.primary_key and column.autoincrement):
                values[column.name] = _default(column)
        shaped.append(values)
    if shaped:
        target.connection.execute(insert(table), shaped)
        report.add(name, len(shaped))


def _rows(session: AnySession, model_or_table: Any, *where: Any) -> list[dict[str, Any]]:
    table = getattr(model_or_table, "__table__", model_or_table)
    return [dict(row._mapping) for row in session.execute(select(table).where(*where))]


def _missing(target: Target, name: str, rows: list[dict[str, Any]], key: str = "id") -> list[Any]:
    """The rows whose key the target does not have yet (catalogue rows shared by users)."""
    if not rows or not target.has(name):
        return []
    column = target.table(name).c[key]
    wanted = [_target_value(row[key], column) for row in rows]
    have: set[Any] = set()
    for start in range(0, len(wanted), 500):
        have.update(
            target.connection.execute(
                select(column).where(column.in_(wanted[start : start + 500]))
            ).scalars()
        )
    return [row for row, value in zip(rows, wanted, strict=True) if value not in have]


def run_export(session: AnySession, target_url: str, *, media_folder: str | None) -> ExportReport:
    """Export every user (one target transaction each) into an empty upstream database."""
    target = Target(target_url)
    report = ExportReport()
    try:
        with target.connection.begin():
            for model in LOOKUPS:
                write(
                    target,
                    report,
                    model.__tablename__,
                    _missing(target, model.__tablename__, _rows(session, model)),
                )
        last = 0
        while True:
            ids = list(
                session.execute(
                    select(User.id).where(User.id > last).order_by(User.id).limit(200)
                ).scalars()
            )
            if not ids:
                break
            for user_id in ids:
                with target.connection.begin():
                    _export_user(session, target, report, user_id, media_folder)
                report.users += 1
            last = ids[-1]
            session.expire_all()
    finally:
        target.close()
    return report


def _export_user(
    session: AnySession,
    target: Target,
    report: ExportReport,
    user_id: int,
    media_folder: str | None,
) -> None:
    user = _rows(session, User, User.id == user_id)[0]
    write(
        target,
        report,
        "auth_user",
        [{**user, "password": user["password_hash"], "first_name": "", "last_name": ""}],
    )
    if user["email"]:
        write(
            target,
            report,
            "account_emailaddress",
            [
                {
                    "user_id": user_id,
                    "email": user["email"],
                    "verified": user["email_verified"],
                    "primary": True,
                }
            ],
        )
    profile = _rows(session, UserProfile, UserProfile.user_id == user_id)
    write(
        target,
        report,
        "core_userprofile",
        [{key: value for key, value in row.items() if key != "id"} for row in profile],
    )
    totp = _rows(
        session, Authenticator, Authenticator.user_id == user_id, Authenticator.type == "totp"
    )
    write(
        target,
        report,
        "mfa_authenticator",
        [
            {
                "type": "totp",
                "data": {"secret": row["data"]["secret"]},
                "user_id": user_id,
                "created_at": row["created"],
                "last_used_at": row["last_used"],
            }
            for row in totp
        ],
    )
    _export_catalogue(session, target, report, user_id)
    _export_routines(session, target, report, user_id)
    _export_nutrition(session, target, report, user_id)
    _export_body(session, target, report, user_id, media_folder)


def _export_catalogue(
    session: AnySession, target: Target, report: ExportReport, user_id: int
) -> None:
    """The exercises and ingredients the user's rows name, and those they contributed."""
    used = set(
        session.execute(
            select(WorkoutLog.exercise_id).where(WorkoutLog.user_id == user_id)
        ).scalars()
    )
    used |= set(
        session.execute(
            select(SlotEntry.exercise_id)
            .join(Slot, SlotEntry.slot_id == Slot.id)
            .join(Day, Slot.day_id == Day.id)
            .join(Routine, Day.routine_id == Routine.id)
            .where(Routine.user_id == user_id)
        ).scalars()
    )
    contributed = set(
        session.execute(
            select(AuthorHistory.exercise_id).where(
                AuthorHistory.user_id == user_id, AuthorHistory.exercise_id.is_not(None)
            )
        ).scalars()
    )
    exercises = _missing(
        target, "exercises_exercise", _rows(session, Exercise, Exercise.id.in_(used | contributed))
    )
    write(target, report, "exercises_exercise", exercises)
    exercise_ids = [row["id"] for row in exercises]
    for link in (exercise_muscles, exercise_muscles_secondary, exercise_equipment):
        write(target, report, link.name, _rows(session, link, link.c.exercise_id.in_(exercise_ids)))
    translations = _rows(session, Translation, Translation.exercise_id.in_(exercise_ids))
    write(target, report, "exercises_translation", translations)
    translation_ids = [row["id"] for row in translations]
    write(
        target,
        report,
        "exercises_alias",
        _rows(session, Alias, Alias.translation_id.in_(translation_ids)),
    )
    write(
        target,
        report,
        "exercises_exercisecomment",
        _rows(session, ExerciseComment, ExerciseComment.translation_id.in_(translation_ids)),
    )
    history = []
    for row in exercises:
        if row["id"] not in contributed:
            continue
        saves = _rows(session, AuthorHistory, AuthorHistory.exercise_id == row["id"])
        for position, save in enumerate(
            saves
            or [
                {
                    "user_id": None,
                    "license_author": row["license_author"],
                    "changed": row["created"],
                }
            ]
        ):
            history.append(
                {
                    **row,
                    "history_date": save["changed"],
                    "history_type": "+" if position == 0 else "~",
                    "history_user_id": save["user_id"],
                    "license_author": save["license_author"],
                }
            )
    write(target, report, "exercises_historicalexercise", history)
    eaten = set(
        session.execute(
            select(MealItem.ingredient_id)
            .join(Meal, MealItem.meal_id == Meal.id)
            .join(NutritionPlan, Meal.plan_id == NutritionPlan.id)
            .where(NutritionPlan.user_id == user_id)
        ).scalars()
    )
    eaten |= set(
        session.execute(
            select(LogItem.ingredient_id)
            .join(NutritionPlan, LogItem.plan_id == NutritionPlan.id)
            .where(NutritionPlan.user_id == user_id)
        ).scalars()
    )
    write(
        target,
        report,
        "nutrition_ingredient",
        _missing(
            target, "nutrition_ingredient", _rows(session, Ingredient, Ingredient.id.in_(eaten))
        ),
    )


def _export_routines(
    session: AnySession, target: Target, report: ExportReport, user_id: int
) -> None:
    routines = _rows(session, Routine, Routine.user_id == user_id)
    write(target, report, "manager_routine", routines)
    days = _rows(session, Day, Day.routine_id.in_([row["id"] for row in routines]))
    write(target, report, "manager_day", days)
    slots = _rows(session, Slot, Slot.day_id.in_([row["id"] for row in days]))
    write(target, report, "manager_slot", slots)
    entries = _rows(session, SlotEntry, SlotEntry.slot_id.in_([row["id"] for row in slots]))
    write(target, report, "manager_slotentry", entries)
    entry_ids = [row["id"] for row in entries]
    for model in CONFIG_MODELS.values():
        write(
            target,
            report,
            model.__tablename__,
            _rows(session, model, model.slot_entry_id.in_(entry_ids)),
        )
    write(
        target,
        report,
        "manager_workoutsession",
        _rows(session, WorkoutSession, WorkoutSession.user_id == user_id),
    )
    logs = _rows(session, WorkoutLog, WorkoutLog.user_id == user_id)
    # upstream's foreign keys are deferred: a log may name a later log
    write(target, report, "manager_workoutlog", logs)


def _export_nutrition(
    session: AnySession, target: Target, report: ExportReport, user_id: int
) -> None:
    plans = _rows(session, NutritionPlan, NutritionPlan.user_id == user_id)
    write(target, report, "nutrition_nutritionplan", plans)
    plan_ids = [row["id"] for row in plans]
    meals = _rows(session, Meal, Meal.plan_id.in_(plan_ids))
    write(target, report, "nutrition_meal", meals)
    write(
        target,
        report,
        "nutrition_mealitem",
        _rows(session, MealItem, MealItem.meal_id.in_([row["id"] for row in meals])),
    )
    write(
        target, report, "nutrition_logitem", _rows(session, LogItem, LogItem.plan_id.in_(plan_ids))
    )


def _export_body(
    session: AnySession,
    target: Target,
    report: ExportReport,
    user_id: int,
    media_folder: str | None,
) -> None:
    entries = []
    # the body-weight readings, as upstream's weight entries (in the profile's unit): upstream
    # keeps them in their own table, so they go there and not into its measurements as well
    weights = scope_to_owner(
        select(WeightEntry.id, WeightEntry.user_id, WeightEntry.date, WeightEntry.weight),
        WeightEntry,
        user_id,
    ).order_by(WeightEntry.date)
    for row in (dict(found._mapping) for found in session.execute(weights)):
        target.weight_entry_id += 1
        entries.append({**row, "id": target.weight_entry_id, "uuid": row["id"]})
    if target.has("weight_weightentry") and isinstance(
        target.table("weight_weightentry").c.id.type, Integer
    ):
        write(target, report, "weight_weightentry", entries)
    else:  # a target of the released 2.7 schema: the UUID is the id
        write(target, report, "weight_weightentry", [{**row, "id": row["uuid"]} for row in entries])
    categories = _rows(session, MeasurementCategory, MeasurementCategory.user_id == user_id)
    readings = _rows(
        session,
        Measurement,
        Measurement.category_id.in_(
            [row["id"] for row in categories if row["metric_type"] != BODY_WEIGHT]
        ),
    )
    in_use = {row["category_id"] for row in readings}
    columns: Container[str] = (
        target.table("measurements_category").c.keys()
        if target.has("measurements_category")
        else ()
    )
    if "is_official" not in columns:
        # an older schema knows no official categories: those with readings go as plain ones
        categories = [row for row in categories if not row["is_official"] or row["id"] in in_use]
    write(target, report, "measurements_category", categories)
    write(target, report, "measurements_measurement", readings)
    images = _rows(session, GalleryImage, GalleryImage.user_id == user_id)
    write(target, report, "gallery_image", images)
    if media_folder:
        storage = media.storage()
        for row in images:
            destination = Path(media_folder) / row["image"]
            destination.parent.mkdir(parents=True, exist_ok=True)
            with storage.open(row["image"]) as source, destination.open("wb") as handle:
                shutil.copyfileobj(source, handle)
            report.files += 1
