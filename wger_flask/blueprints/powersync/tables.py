"""The twelve tables the mobile app 2.x uploads, each pointing at its own domain: the table's
REST declaration gives the schema the body is read with and the domain rules every writer runs
(``services/<domain>/rules.py`` through ``rest.writes``); the profile, which has no
declaration, is read with the profile route's schema and written with the rules the app
registered for it. Nothing here repeats a rule.

What the app may do per table is upstream's: the profile only changes; routines and photos are
created through REST (integer ids, photo files) and only changed or deleted here; everything
else is created, changed and deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import fields, validate

from wger_flask.blueprints.accounts.profile import profile_writer
from wger_flask.blueprints.body.resources import (
    GALLERY,
    MEASUREMENT,
    MEASUREMENT_CATEGORY,
    WEIGHT_ENTRY,
)
from wger_flask.blueprints.nutrition.resources import LOG_ITEM, MEAL, MEAL_ITEM, NUTRITION_PLAN
from wger_flask.blueprints.routines.resources import ROUTINE, WORKOUT_LOG, WORKOUT_SESSION
from wger_flask.models.accounts import UserProfile
from wger_flask.rest.resources import Resource
from wger_flask.services.powersync.upload import SyncedTable

INTEGER_MAX = 2**31 - 1
# A meal's and a meal item's place, as the app orders them (upstream's handlers keep it; the
# REST route numbers a new one 1).
ORDER = fields.Integer(strict=False, validate=validate.Range(0, INTEGER_MAX))


def order(value: Any) -> int:
    number: int = ORDER.deserialize(value)
    return number


def through(resource: Resource, name: str, **options: Any) -> SyncedTable:
    """A table written with its REST declaration's schema and domain rules."""

    def load(payload: dict[str, Any], partial: bool) -> dict[str, Any]:
        schema = resource.patch_schema if partial else resource.create_schema
        loaded: dict[str, Any] = schema.load(payload)
        return loaded

    return SyncedTable(name=name, model=resource.model, load=load, rules=resource.rules, **options)


def photo_files(row: Any) -> Callable[[], None]:
    """A photo's stored files, removed once the commit that deleted its row succeeded."""
    upload = GALLERY.upload
    assert upload is not None  # the gallery takes uploads
    files = upload.files_of(row)
    return lambda: upload.remove(files)


PROFILE = SyncedTable(
    name="core_userprofile",
    model=UserProfile,
    load=lambda payload, partial: profile_writer.load(payload),
    can_create=False,
    can_delete=False,
)

TABLES: dict[str, SyncedTable] = {
    table.name: table
    for table in (
        PROFILE,
        through(
            GALLERY, "gallery_image", can_create=False, ignored=("image",), files_of=photo_files
        ),
        through(ROUTINE, "manager_routine", can_create=False),
        through(WORKOUT_SESSION, "manager_workoutsession"),
        through(WORKOUT_LOG, "manager_workoutlog"),
        through(MEASUREMENT_CATEGORY, "measurements_category"),
        through(MEASUREMENT, "measurements_measurement"),
        through(NUTRITION_PLAN, "nutrition_nutritionplan"),
        through(MEAL, "nutrition_meal", kept_on_create={"order": order}),
        through(MEAL_ITEM, "nutrition_mealitem", kept_on_create={"order": order}),
        through(LOG_ITEM, "nutrition_logitem"),
        through(WEIGHT_ENTRY, "weight_weightentry"),
    )
}
