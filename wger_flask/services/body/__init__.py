"""The body domain: measurement categories and measurements (their metric types, official
categories, value limits, aggregation in SQL; weight entries are the body-weight measurements
seen in 2.6's shape, ``WeightEntry``: one row of truth) and gallery photos.

Owns the tables of ``models/body.py`` and the ``gallery/`` folder of the media storage.
May import: ``models`` (``models.routines``' workout logs: the one-rep-max categories read
them; ``models.catalogue``: the exercises they name), ``database`` and the ``media`` domain's
public functions; nothing else.
Public functions for other domains:

- ``export_user(user_id)``: every body row of a user, JSON-ready (account export);
- ``delete_user_files(user_id)``: remove the user's gallery files (account deletion; the rows
  go with the user by ``ON DELETE CASCADE``);
- ``ensure_official_categories(user_id)``: create the official categories (at registration;
  a migration made them for the accounts that existed before);
- ``RULES``: the write rules of each body table (``rules.py``), for every writer;
- ``refresh_calculated(user_id)``: the same for a writer of bulk rows (the importer);
- ``replace_exercise(old_id, new_id)``: one-rep-max categories follow a replaced exercise;
- ``init_calculated(app)``: the session listener that keeps calculated categories (BMI, WHTR,
  one-rep max, one-rep-max total) current, whoever writes their inputs (``calculated.py``);
- ``GALLERY_UPLOAD``: how a gallery photo is stored, replaced and removed;
  ``store_gallery_photo`` (uploads and ``flask import-wger`` alike).
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from flask import current_app
from sqlalchemy import select

from wger_flask.database import db
from wger_flask.models.body import GalleryImage, Measurement, MeasurementCategory, WeightEntry
from wger_flask.rest.dateparse import iso_datetime
from wger_flask.rest.permissions import scope_to_owner
from wger_flask.services import media
from wger_flask.services.body import categories
from wger_flask.services.body.calculated import init_app as init_calculated
from wger_flask.services.body.photos import PhotoRejected, StoredPhoto, store_photo
from wger_flask.services.body.rules import RULES


def gallery_folder(user_id: int) -> str:
    """The media folder of a user's gallery photos."""
    return f"gallery/{int(user_id)}"


def store_gallery_photo(stream: Any, user: Any) -> StoredPhoto:
    """Verify, clean and store a gallery upload of ``user`` (``PhotoRejected`` otherwise)."""
    config = current_app.config
    return store_photo(
        stream, gallery_folder(user.id), config["UPLOAD_MAX_BYTES"], config["UPLOAD_MAX_PIXELS"]
    )


def apply_gallery_photo(row: GalleryImage, stored: StoredPhoto) -> None:
    row.image, row.width, row.height = stored.name, stored.width, stored.height


def remove_files(names: list[str]) -> None:
    """Remove stored files (after the commit that dropped their rows, or of a failed write)."""
    for name in names:
        if name:
            media.storage().delete(name)


def replace_exercise(old_id: int, new_id: int) -> int:
    """Calculated categories naming a catalogue exercise that was replaced name the
    replacement (the catalogue's deletion with ``replaced_by``)."""
    from wger_flask.services.body.calculated import replace_exercise as replace

    return replace(db.session, old_id, new_id)


def refresh_calculated(user_id: int) -> None:
    """Recompute the user's calculated categories (a writer of bulk rows, which the session
    listener does not see: ``flask import-wger`` after a user's rows)."""
    from wger_flask.services.body.calculated import refresh_user

    refresh_user(db.session, user_id)


def ensure_official_categories(user_id: int) -> bool:
    """Create the user's official measurement categories if missing (no commit); whether
    anything was created."""
    return categories.ensure_official_categories(db.session, user_id)


def delete_user_files(user_id: int) -> None:
    """Remove every gallery file of the user (their rows are deleted with the account)."""
    media.storage().delete_folder(gallery_folder(user_id))


def _json_ready(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return iso_datetime(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _rows(stmt: Any) -> list[dict[str, Any]]:
    result = db.session.execute(stmt)
    return [{key: _json_ready(value) for key, value in row._mapping.items()} for row in result]


def export_user(user_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every body row of the user as JSON-ready dicts, keyed by what they are."""
    category = MeasurementCategory.__table__.c
    measurement = Measurement.__table__.c
    image = GalleryImage.__table__.c
    measurement_columns = [column for column in measurement if column.key != "category_id"]
    return {
        # the body-weight measurements seen as weight entries (the same rows, listed twice)
        "weight_entries": _rows(
            scope_to_owner(
                select(WeightEntry.id, WeightEntry.date, WeightEntry.weight),
                WeightEntry,
                user_id,
            ).order_by(WeightEntry.date)
        ),
        "measurement_categories": _rows(
            select(*[column for column in category if column.key != "user_id"])
            .where(category.user_id == user_id)
            .order_by(category.order, category.name)
        ),
        "measurements": _rows(
            select(measurement.category_id.label("category"), *measurement_columns)
            .join_from(Measurement.__table__, MeasurementCategory.__table__)
            .where(category.user_id == user_id)
            .order_by(measurement.date)
        ),
        "gallery": _rows(
            select(image.id, image.date, image.image, image.description, image.width, image.height)
            .where(image.user_id == user_id)
            .order_by(image.date)
        ),
    }


__all__ = [
    "PhotoRejected",
    "RULES",
    "StoredPhoto",
    "apply_gallery_photo",
    "delete_user_files",
    "ensure_official_categories",
    "export_user",
    "gallery_folder",
    "init_calculated",
    "refresh_calculated",
    "replace_exercise",
    "remove_files",
    "store_gallery_photo",
]
