"""Schemas of the catalogue: the shared lookups, and exercises flat (one row, ids for relations) and nested (exerciseinfo)."""

from __future__ import annotations

from typing import Any

from flask import request
from marshmallow import fields, validate

from wger_flask.models.catalogue import (
    Equipment,
    Exercise,
    ExerciseCategory,
    Language,
    License,
    Muscle,
    Translation,
)
from wger_flask.schemas.base import BaseSchema
from wger_flask.schemas.fields import (
    DateTime,
    DecimalString,
    Related,
    RelatedIds,
    UUIDString,
    existing,
)


class LanguageSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    short_name = fields.String(
        validate=validate.Length(max=2), metadata={"description": "ISO 639-1"}
    )
    full_name = fields.String(validate=validate.Length(max=30))
    full_name_en = fields.String(validate=validate.Length(max=30))


class LicenseSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    full_name = fields.String(validate=validate.Length(max=60))
    short_name = fields.String(validate=validate.Length(max=15))
    url = fields.String(allow_none=True, validate=validate.Length(max=200))


class RepetitionUnitSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(validate=validate.Length(max=100))
    unit_type = fields.String(validate=validate.OneOf(["REPETITIONS", "TIME", "DISTANCE"]))
    multiplier = fields.Integer(allow_none=True)


class RoutineWeightUnitSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(validate=validate.Length(max=100))


MUSCLE_IMAGE_PATH = "static/images/muscles/{kind}/muscle-{id}.svg"
IMAGE_STYLES = ["1", "2", "3", "4", "5"]
_DATETIME = DateTime()


def absolute_url(path: str) -> str:
    """An absolute URL on the request's own scheme and host (worked out once per request)."""
    environ = request.environ
    host_url = environ.get("wger.host_url")
    if host_url is None:
        host_url = environ["wger.host_url"] = request.host_url
    return host_url + path.lstrip("/")


def author_history(row: Any) -> list[str]:
    """The distinct authors a catalogue row credited over its saves, oldest first, its current
    one included (``authors`` is kept by every save; the shipped rows have only their own)."""
    seen = dict.fromkeys(getattr(row, "authors", None) or ())
    if row.license_author:
        seen.setdefault(row.license_author, None)
    return list(seen)


def thumbnail_urls(image: Any) -> dict[str, str] | None:
    """An exercise image's thumbnails (made once, at upload), or None for an image without."""
    small = getattr(image, "thumbnail_small", "")
    medium = getattr(image, "thumbnail_medium", "")
    if not (small and medium):
        return None
    return {"small": absolute_url("media/" + small), "medium": absolute_url("media/" + medium)}


class LicenseFieldsMixin(BaseSchema):
    license = fields.Integer(attribute="license_id", validate=existing(License))
    license_title = fields.String(validate=validate.Length(max=300))
    license_object_url = fields.String(validate=validate.Length(max=200))
    license_author = fields.String(validate=validate.Length(max=3500))
    license_author_url = fields.String(validate=validate.Length(max=200))
    license_derivative_source_url = fields.String(validate=validate.Length(max=200))


class ExerciseCategorySchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(validate=validate.Length(max=100))


class EquipmentSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(validate=validate.Length(max=50))


class MuscleSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(
        validate=validate.Length(max=50),
        metadata={"description": 'In latin, e.g. "Pectoralis major"'},
    )
    name_en = fields.String(validate=validate.Length(max=50))
    is_front = fields.Boolean()
    image_url_main = fields.Method(
        "main_image", dump_only=True, metadata={"type": "string", "nullable": True}
    )
    image_url_secondary = fields.Method(
        "secondary_image", dump_only=True, metadata={"type": "string", "nullable": True}
    )

    def main_image(self, muscle: Muscle) -> str:
        return absolute_url(MUSCLE_IMAGE_PATH.format(kind="main", id=muscle.id))

    def secondary_image(self, muscle: Muscle) -> str:
        return absolute_url(MUSCLE_IMAGE_PATH.format(kind="secondary", id=muscle.id))


class ExerciseSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    uuid = UUIDString(dump_only=True)
    created = DateTime(dump_only=True)
    last_update = DateTime(dump_only=True)
    category = Related(ExerciseCategory, required=True)
    muscles = RelatedIds(Muscle)
    muscles_secondary = RelatedIds(Muscle)
    equipment = RelatedIds(Equipment)
    variation_group = UUIDString(allow_none=True)
    license_author = fields.String(validate=validate.Length(max=3500))


class ExerciseTranslationSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    uuid = UUIDString(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(max=200))
    exercise = Related(Exercise, required=True)
    description = fields.String(dump_only=True)
    # What is stored may be shorter than a new text must be (the shipped catalogue has empty
    # ones): the 40-character minimum is the request's (ExerciseTranslationRequestSchema).
    description_source = fields.String(required=True)
    created = DateTime(dump_only=True)
    language = Related(Language, required=True)
    license_author = fields.String(validate=validate.Length(max=3500))


class ExerciseTranslationRequestSchema(ExerciseTranslationSchema):
    """A translation as written: its source text at least 40 characters (upstream's rule)."""

    description_source = fields.String(required=True, validate=validate.Length(min=40))


class ExerciseAliasSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    uuid = UUIDString(dump_only=True)
    translation = Related(Translation, required=True)
    alias = fields.String(required=True, validate=validate.Length(max=200))


class ExerciseCommentSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    uuid = UUIDString(dump_only=True)
    translation = Related(Translation, required=True)
    comment = fields.String(required=True, validate=validate.Length(max=200))


class MediaSchemaMixin(LicenseFieldsMixin):
    """Fields images and videos share."""

    id = fields.Integer(dump_only=True)
    uuid = UUIDString(dump_only=True)
    exercise = Related(Exercise, required=True)
    is_main = fields.Boolean()
    author_history = fields.Function(
        author_history, dump_only=True, metadata={"type": "array", "items": {"type": "string"}}
    )


class ExerciseImageSchema(MediaSchemaMixin):
    exercise_uuid = UUIDString(attribute="exercise.uuid", dump_only=True)
    image = fields.Function(
        lambda image: absolute_url("media/" + image.image),
        dump_only=True,
        metadata={"type": "string", "format": "uri"},
    )
    thumbnails = fields.Function(
        lambda image: thumbnail_urls(image),
        dump_only=True,
        metadata={
            "type": "object",
            "nullable": True,
            "properties": {
                "small": {"type": "string", "format": "uri"},
                "medium": {"type": "string", "format": "uri"},
            },
            "required": ["medium", "small"],
        },
    )
    style = fields.String(validate=validate.OneOf(IMAGE_STYLES))
    is_ai_generated = fields.Boolean()


class ExerciseVideoInfoSchema(MediaSchemaMixin):
    video = fields.Function(
        lambda video: absolute_url("media/" + video.video),
        dump_only=True,
        metadata={"type": "string", "format": "uri"},
    )
    size = fields.Integer(dump_only=True)
    duration = DecimalString(12, 2, dump_only=True)
    width = fields.Integer(dump_only=True)
    height = fields.Integer(dump_only=True)
    codec = fields.String(dump_only=True)
    codec_long = fields.String(dump_only=True)


class ExerciseVideoSchema(ExerciseVideoInfoSchema):
    exercise_uuid = UUIDString(attribute="exercise.uuid", dump_only=True)


class DeletionLogSchema(BaseSchema):
    model_type = fields.String(validate=validate.OneOf(["base", "translation", "image", "video"]))
    uuid = UUIDString(dump_only=True)
    replaced_by = UUIDString(dump_only=True, allow_none=True)
    timestamp = DateTime(dump_only=True)
    comment = fields.String(validate=validate.Length(max=200))


# --------------------------------------------------------------------------------------
# exerciseinfo: one exercise with everything a client shows, nested


class ExerciseInfoAliasSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    uuid = UUIDString(dump_only=True)
    alias = fields.String()


class ExerciseTranslationInfoSchema(LicenseFieldsMixin):
    id = fields.Integer(dump_only=True)
    uuid = UUIDString(dump_only=True)
    name = fields.String()
    exercise = fields.Integer(attribute="exercise_id")
    description = fields.String()
    description_source = fields.String()
    created = DateTime(dump_only=True)
    language = fields.Integer(attribute="language_id")
    aliases = fields.Nested(ExerciseInfoAliasSchema, many=True, dump_only=True)
    notes = fields.Nested(ExerciseCommentSchema, many=True, dump_only=True)
    author_history = fields.Function(
        author_history, metadata={"type": "array", "items": {"type": "string"}}
    )


class ExerciseInfoSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    uuid = UUIDString(dump_only=True)
    created = DateTime(dump_only=True)
    last_update = DateTime(dump_only=True)
    last_update_global = fields.Method(
        "newest_update", dump_only=True, metadata={"type": "string", "format": "date-time"}
    )
    category = fields.Nested(ExerciseCategorySchema, dump_only=True)
    muscles = fields.Nested(MuscleSchema, many=True, dump_only=True)
    muscles_secondary = fields.Nested(MuscleSchema, many=True, dump_only=True)
    equipment = fields.Nested(EquipmentSchema, many=True, dump_only=True)
    license = fields.Nested(LicenseSchema, dump_only=True)
    license_author = fields.String()
    images = fields.Nested(ExerciseImageSchema, many=True, dump_only=True)
    translations = fields.Nested(ExerciseTranslationInfoSchema, many=True, dump_only=True)
    variation_group = UUIDString(allow_none=True)
    videos = fields.Nested(ExerciseVideoInfoSchema, many=True, dump_only=True)
    author_history = fields.Function(
        author_history, metadata={"type": "array", "items": {"type": "string"}}
    )
    total_authors_history = fields.Method(
        "all_authors", metadata={"type": "array", "items": {"type": "string"}}
    )

    def newest_update(self, exercise: Exercise) -> str:
        newest = max(
            [exercise.last_update]
            + [row.last_update for row in exercise.translations]
            + [row.last_update for row in exercise.images]
            + [row.last_update for row in exercise.videos]
        )
        return str(_DATETIME._serialize(newest, None, None))

    def all_authors(self, exercise: Exercise) -> list[str]:
        authors = set(author_history(exercise))
        for rows in (exercise.translations, exercise.images, exercise.videos):
            for row in rows:
                authors.update(author_history(row))
        return sorted(authors)
