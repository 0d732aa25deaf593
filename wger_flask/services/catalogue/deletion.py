"""Deleting catalogue rows: the ``deletion-log`` entries syncing clients read, and the move of
users' routine entries and workout logs to a replacement exercise (upstream's ``DELETE
exercise/{id}/?replaced_by=<uuid>[&transfer_media][&transfer_translations]``).

Everything happens in the request's one transaction (the caller commits): either the row is
gone, its log entries written and the users' data repointed, or nothing changed.

- ``replaced_by``: the uuid of another exercise (translation); an invalid value, an unknown
  uuid or the row's own uuid is ignored, as upstream does (the row is deleted, not replaced).
- Exercise with a replacement: every ``SlotEntry`` and ``WorkoutLog`` of the deleted exercise
  points to the replacement, and so does every personal-record trophy earned on it (the
  trophies domain's ``move_exercise_records``: earned stays earned); ``transfer_media`` moves its images and videos there (they stay,
  without being the main one), ``transfer_translations`` moves the translations in languages
  the replacement lacks. Without a replacement they are deleted with it (as are, by the
  database's cascade, the users' entries and logs of it: upstream's rule).
- Every deleted exercise, translation, image and video gets its entry (``base``,
  ``translation``, ``image``, ``video``).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, select, update

from wger_flask.database import db
from wger_flask.models.catalogue import (
    DeletionLog,
    Exercise,
    ExerciseImage,
    ExerciseVideo,
    Translation,
)
from wger_flask.models.routines import SlotEntry, WorkoutLog
from wger_flask.rest.filtering import query_flag
from wger_flask.services import body, trophies

MODEL_TYPES = {
    Exercise: "base",
    Translation: "translation",
    ExerciseImage: "image",
    ExerciseVideo: "video",
}


def _uuid(raw: str | None) -> uuid.UUID | None:
    if not raw:
        return None
    try:
        return uuid.UUID(raw.strip())
    except ValueError:
        return None


def replacement(model: type[Any], row: Any, raw: str | None) -> Any | None:
    """The row named by ``replaced_by``, or None (invalid, unknown or the row itself)."""
    wanted = _uuid(raw)
    if wanted is None or wanted == row.uuid:
        return None
    return db.session.execute(select(model).where(model.uuid == wanted)).scalar_one_or_none()


def log(model_type: str, row_uuid: uuid.UUID, replaced_by: uuid.UUID | None = None) -> None:
    db.session.add(
        DeletionLog(
            model_type=model_type,
            uuid=row_uuid,
            replaced_by=replaced_by,
            comment="Deleted through the API",
        )
    )


def _flag(args: Mapping[str, str], name: str) -> bool:
    """Upstream's flags count by presence (``?transfer_media``), unless the value is a false
    by the one boolean rule (``False``, ``false``)."""
    return name in args and query_flag(args, name, default=True)


def _delete_translations(ids: list[int]) -> None:
    if not ids:
        return
    uuids = db.session.execute(select(Translation.uuid).where(Translation.id.in_(ids))).scalars()
    for row_uuid in uuids:
        log("translation", row_uuid)
    # aliases, comments and author history go by the database's cascade
    db.session.execute(delete(Translation).where(Translation.id.in_(ids)))


def media_files(row: Any) -> list[str]:
    """The stored files of an image (original and thumbnails) or a video."""
    if isinstance(row, ExerciseImage):
        return [row.image, row.thumbnail_small, row.thumbnail_medium]
    return [row.video]


def _delete_media(model: type[Any], exercise_id: int) -> list[str]:
    files: list[str] = []
    rows = db.session.execute(select(model).where(model.exercise_id == exercise_id)).scalars()
    for row in rows:
        before_media_delete(row)
        files.extend(media_files(row))
        db.session.delete(row)
    return files


def before_exercise_delete(exercise: Exercise, args: Mapping[str, str]) -> list[str]:
    """Everything a deleted exercise takes with it; the caller deletes the row, commits, and
    then removes the returned media files (kept if the commit fails)."""
    target = replacement(Exercise, exercise, args.get("replaced_by"))
    log("base", exercise.uuid, target.uuid if target is not None else None)
    translation_ids = list(
        db.session.execute(
            select(Translation.id).where(Translation.exercise_id == exercise.id)
        ).scalars()
    )
    if target is not None:
        for model in (SlotEntry, WorkoutLog):
            db.session.execute(
                update(model)
                .where(model.exercise_id == exercise.id)
                .values(exercise_id=target.id)
                .execution_options(synchronize_session=False)
            )
        # the personal records earned on it go with its logs, and so do the one-rep-max
        # categories that name it
        trophies.move_exercise_records(db.session.connection(), exercise.id, target.id)
        body.replace_exercise(exercise.id, target.id)
        if _flag(args, "transfer_media"):
            for media_model in (ExerciseImage, ExerciseVideo):
                db.session.execute(
                    update(media_model)
                    .where(media_model.exercise_id == exercise.id)
                    .values(exercise_id=target.id, is_main=False)
                    .execution_options(synchronize_session=False)
                )
        if _flag(args, "transfer_translations"):
            taken = select(Translation.language_id).where(Translation.exercise_id == target.id)
            moved = list(
                db.session.execute(
                    select(Translation.id).where(
                        Translation.exercise_id == exercise.id,
                        Translation.language_id.not_in(taken),
                    )
                ).scalars()
            )
            if moved:
                db.session.execute(
                    update(Translation)
                    .where(Translation.id.in_(moved))
                    .values(exercise_id=target.id)
                    .execution_options(synchronize_session=False)
                )
            translation_ids = [pk for pk in translation_ids if pk not in set(moved)]
    _delete_translations(translation_ids)
    files = _delete_media(ExerciseImage, exercise.id) + _delete_media(ExerciseVideo, exercise.id)
    db.session.flush()
    # the ORM must not try to detach children that are gone or moved
    db.session.expire(exercise, ["translations", "images", "videos"])
    db.session.expire_all()
    return files


def before_translation_delete(translation: Translation, args: Mapping[str, str]) -> None:
    target = replacement(Translation, translation, args.get("replaced_by"))
    log("translation", translation.uuid, target.uuid if target is not None else None)
    db.session.expire(translation, ["aliases", "notes"])


def before_media_delete(row: Any) -> None:
    """The log entry of a deleted image or video (its files go with the media layer)."""
    log(MODEL_TYPES[type(row)], row.uuid)
