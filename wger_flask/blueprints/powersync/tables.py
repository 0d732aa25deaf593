"""The twelve tables the mobile app 2.x uploads, each pointing at the rules of its own domain:
the REST declaration of the table (its schema, parent checks, ``before_save`` and
``before_delete`` rules) or, for the profile, the profile route's own steps. Nothing here
repeats a rule; when a rule moves, its declaration still points at it.

What the app may do per table is upstream's: the profile only changes; routines and photos are
created through REST (integer ids, photo files) and only changed or deleted here; everything
else is created, changed and deleted.
"""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from wger_flask.blueprints.accounts.profile import apply_changes, profile_writer
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
from wger_flask.services.media import storage
from wger_flask.services.powersync.upload import SyncedTable

INTEGER_MAX = 2**31 - 1
# A meal's and a meal item's place, as the app orders them (upstream's handlers keep it; the
# REST route numbers a new one 1).
ORDER = fields.Integer(strict=False, validate=validate.Range(0, INTEGER_MAX))


def order(value: Any) -> int:
    return ORDER.deserialize(value)


def through(resource: Resource, name: str, **options: Any) -> SyncedTable:
    """A table written through its REST declaration's schema and rules."""

    def load(payload: dict[str, Any], partial: bool) -> dict[str, Any]:
        schema = resource.patch_schema if partial else resource.create_schema
        return schema.load(payload)

    return SyncedTable(
        name=name,
        model=resource.model,
        load=load,
        apply=resource.apply_rules,
        parents=resource.parents,
        before_delete=resource.before_delete,
        **options,
    )


def remove_photo_file(row: Any):
    """After the commit that deleted a photo's row, its file goes (not before: a failed
    commit keeps both)."""
    name = row.image
    return lambda: storage().delete(name)


PROFILE = SyncedTable(
    name="core_userprofile",
    model=UserProfile,
    load=lambda payload, partial: profile_writer.load(payload),
    apply=apply_changes,
    can_create=False,
    can_delete=False,
)

TABLES: dict[str, SyncedTable] = {
    table.name: table
    for table in (
        PROFILE,
        through(
            GALLERY,
            "gallery_image",
            can_create=False,
            ignored=("image",),
            after_delete=remove_photo_file,
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
