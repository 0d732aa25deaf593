"""The exercise catalogue: public reads, kept per catalogue generation; writes by
contributors (``services.catalogue.may_contribute``: a trustworthy account or one with the add
permission adds and edits, the delete permission deletes; 401 anonymous, 403 otherwise),
through the catalogue's write rules (``services/catalogue/rules.py``)."""

from __future__ import annotations

from typing import Any

from flask import g
from sqlalchemy import Select, exists, select
from werkzeug.datastructures import MultiDict

from wger_flask.blueprints.catalogue import media
from wger_flask.blueprints.catalogue.caching import (
    exerciseinfo_detail,
    exerciseinfo_page,
    kept_per_generation,
)
from wger_flask.models.catalogue import (
    Alias,
    DeletionLog,
    Equipment,
    Exercise,
    ExerciseCategory,
    ExerciseComment,
    ExerciseImage,
    ExerciseVideo,
    Muscle,
    Translation,
)
from wger_flask.rest.filtering import IN, FilterSet, custom, exact
from wger_flask.rest.resources import CRUD, Resource
from wger_flask.rest.smorest import Blueprint
from wger_flask.schemas.catalogue import (
    DeletionLogSchema,
    EquipmentSchema,
    ExerciseAliasSchema,
    ExerciseCategorySchema,
    ExerciseCommentSchema,
    ExerciseImageSchema,
    ExerciseInfoSchema,
    ExerciseSchema,
    ExerciseTranslationRequestSchema,
    ExerciseTranslationSchema,
    ExerciseVideoSchema,
    MuscleSchema,
)
from wger_flask.services import catalogue
from wger_flask.services.catalogue import search as exercise_search

blp = Blueprint("exercises", __name__, url_prefix="/api/v2", description="The exercise catalogue")


def with_translations(stmt: Select[*tuple[Any, ...]], user: Any) -> Select[*tuple[Any, ...]]:
    """Upstream lists only exercises that have at least one translation."""
    return stmt.where(exists(select(Translation.id).where(Translation.exercise_id == Exercise.id)))


def requested_languages(codes: str | None) -> list[int] | None:
    """The language ids of ``language__code`` (unknown codes mean English), looked up once per
    request: the search and the language filter both need them."""
    memo: dict[str | None, list[int] | None] = g.setdefault("exercise_languages", {})
    if codes not in memo:
        memo[codes] = exercise_search.language_ids(codes, unknown_means_english=True)
    return memo[codes]


def search_by_name(
    stmt: Select[*tuple[Any, ...]], term: str, args: MultiDict[str, str]
) -> Select[*tuple[Any, ...]]:
    return exercise_search.search(stmt, term, requested_languages(args.get("language__code")))


def filter_by_language(
    stmt: Select[*tuple[Any, ...]], codes: str, args: MultiDict[str, str]
) -> Select[*tuple[Any, ...]]:
    languages = requested_languages(codes)
    return stmt if not languages else exercise_search.in_languages(stmt, languages)


def name_contains(
    stmt: Select[*tuple[Any, ...]], term: str, args: MultiDict[str, str]
) -> Select[*tuple[Any, ...]]:
    """``name__exact``: despite its name upstream matches names and aliases containing the term."""
    return exercise_search.search(stmt, term, None).order_by(None)


# Upstream's router order for this part of the API root.
EXERCISE_INFO = Resource(
    name="exerciseinfo",
    model=Exercise,
    schema=ExerciseInfoSchema,
    summary="Exercises with everything a client shows: category, muscles, equipment, "
    "translations with aliases and notes, images and videos.",
    filters=FilterSet(
        {
            "id": exact(Exercise.id, "int", IN),
            "uuid": exact(Exercise.uuid, "uuid"),
            "category": exact(Exercise.category_id, "int", IN),
            "muscles": exact(Exercise.muscles, "int", IN),
            "muscles_secondary": exact(Exercise.muscles_secondary, "int", IN),
            "equipment": exact(Exercise.equipment, "int", IN),
            "variation_group": exact(Exercise.variation_group, "uuid", IN),
            "name__search": custom(
                search_by_name,
                description="Case-insensitive search in names and aliases, ranked by relevance "
                "unless `ordering` is given.",
            ),
            "name__exact": custom(
                name_contains, description="Names or aliases containing the term."
            ),
            "language__code": custom(
                filter_by_language,
                description="Filter by language code. Multiple values may be separated by commas. "
                "Unknown codes fall back to English.",
            ),
        }
    ),
    default_ordering=(Exercise.id,),
    page_renderer=exerciseinfo_page,
    detail_renderer=exerciseinfo_detail,
    etag=True,
    answers=kept_per_generation,
).register(blp)

EXERCISE_TRANSLATION = Resource(
    name="exercise-translation",
    model=Translation,
    schema=ExerciseTranslationSchema,
    write_schema=ExerciseTranslationRequestSchema,
    summary="An exercise's name and description in one language.",
    actions=CRUD,
    rules=catalogue.RULES[Translation],
    filters=FilterSet(
        {
            "uuid": exact(Translation.uuid, "uuid"),
            "created": exact(Translation.created, "datetime"),
            "exercise": exact(Translation.exercise_id, "int"),
            "description": exact(Translation.description, "str"),
            "name": exact(Translation.name, "str"),
            "language": exact(Translation.language_id, "int"),
        }
    ),
    default_ordering=(Translation.name, Translation.id),
    etag=True,
    answers=kept_per_generation,
).register(blp)

EXERCISE = Resource(
    name="exercise",
    model=Exercise,
    schema=ExerciseSchema,
    summary="Exercises: category, muscles and equipment (names are in exercise-translation).",
    actions=CRUD,
    rules=catalogue.RULES[Exercise],
    scope=with_translations,
    filters=FilterSet(
        {
            "category": exact(Exercise.category_id, "int"),
            "muscles": exact(Exercise.muscles, "int"),
            "muscles_secondary": exact(Exercise.muscles_secondary, "int"),
            "equipment": exact(Exercise.equipment, "int"),
        }
    ),
    default_ordering=(Exercise.id,),
    etag=True,
    answers=kept_per_generation,
).register(blp)

EQUIPMENT = Resource(
    name="equipment",
    model=Equipment,
    schema=EquipmentSchema,
    summary="Equipment exercises use.",
    filters=FilterSet({"name": exact(Equipment.name, "str")}),
    default_ordering=(Equipment.name, Equipment.id),
    etag=True,
    answers=kept_per_generation,
).register(blp)

DELETION_LOG = Resource(
    name="deletion-log",
    model=DeletionLog,
    schema=DeletionLogSchema,
    summary="Catalogue rows deleted upstream, so syncing clients can drop them too.",
    filters=FilterSet({"model_type": exact(DeletionLog.model_type, "str")}),
    default_ordering=(DeletionLog.id,),
    etag=True,
    answers=kept_per_generation,
).register(blp)

EXERCISE_CATEGORY = Resource(
    name="exercisecategory",
    model=ExerciseCategory,
    schema=ExerciseCategorySchema,
    summary="Exercise categories (arms, legs, ...).",
    filters=FilterSet({"name": exact(ExerciseCategory.name, "str")}),
    default_ordering=(ExerciseCategory.name, ExerciseCategory.id),
    etag=True,
    answers=kept_per_generation,
).register(blp)

VIDEO = Resource(
    name="video",
    model=ExerciseVideo,
    schema=ExerciseVideoSchema,
    summary="Exercise videos: MP4 or WebM, uploaded as multipart (field `video`), verified by "
    "decoding (none are shipped with this server's catalogue).",
    actions=CRUD,
    rules=catalogue.RULES[ExerciseVideo],
    upload=media.VIDEO_UPLOAD,
    filters=FilterSet(
        {
            "is_main": exact(ExerciseVideo.is_main, "bool"),
            "exercise": exact(ExerciseVideo.exercise_id, "int"),
            "license": exact(ExerciseVideo.license_id, "int"),
            "license_author": exact(ExerciseVideo.license_author, "str"),
        }
    ),
    default_ordering=(ExerciseVideo.is_main.desc(), ExerciseVideo.id),
    etag=True,
    answers=kept_per_generation,
).register(blp)

EXERCISE_IMAGE = Resource(
    name="exerciseimage",
    model=ExerciseImage,
    schema=ExerciseImageSchema,
    summary="Exercise images: JPEG, PNG or WebP, uploaded as multipart (field `image`), "
    "verified by decoding, with thumbnails made at upload (none are shipped with this "
    "server's catalogue).",
    actions=CRUD,
    rules=catalogue.RULES[ExerciseImage],
    upload=media.IMAGE_UPLOAD,
    filters=FilterSet(
        {
            "is_main": exact(ExerciseImage.is_main, "bool"),
            "exercise": exact(ExerciseImage.exercise_id, "int"),
            "license": exact(ExerciseImage.license_id, "int"),
            "license_author": exact(ExerciseImage.license_author, "str"),
        }
    ),
    default_ordering=(ExerciseImage.is_main.desc(), ExerciseImage.id),
    etag=True,
    answers=kept_per_generation,
).register(blp)


media.register_thumbnails(blp, EXERCISE_IMAGE)


def comments_in_language(
    stmt: Select[*tuple[Any, ...]], language_id: int, args: MultiDict[str, str]
) -> Select[*tuple[Any, ...]]:
    return stmt.where(
        exists(
            select(Translation.id).where(
                Translation.id == ExerciseComment.translation_id,
                Translation.language_id == language_id,
            )
        )
    )


EXERCISE_COMMENT = Resource(
    name="exercisecomment",
    model=ExerciseComment,
    schema=ExerciseCommentSchema,
    summary="Notes on how to do an exercise correctly, per translation.",
    actions=CRUD,
    rules=catalogue.RULES[ExerciseComment],
    filters=FilterSet(
        {
            "comment": exact(ExerciseComment.comment, "str"),
            "translation": exact(ExerciseComment.translation_id, "int"),
            "language": custom(comments_in_language, kind="int", description="Language id"),
        }
    ),
    default_ordering=(ExerciseComment.id,),
    etag=True,
    answers=kept_per_generation,
).register(blp)

EXERCISE_ALIAS = Resource(
    name="exercisealias",
    model=Alias,
    schema=ExerciseAliasSchema,
    summary="Alternative names of an exercise, per translation.",
    actions=CRUD,
    rules=catalogue.RULES[Alias],
    filters=FilterSet(
        {
            "alias": exact(Alias.alias, "str"),
            "translation": exact(Alias.translation_id, "int"),
        }
    ),
    default_ordering=(Alias.id,),
    etag=True,
    answers=kept_per_generation,
).register(blp)

MUSCLE = Resource(
    name="muscle",
    model=Muscle,
    schema=MuscleSchema,
    summary="The muscles exercises work, with the images that highlight them.",
    filters=FilterSet(
        {
            "name": exact(Muscle.name, "str"),
            "is_front": exact(Muscle.is_front, "bool"),
            "name_en": exact(Muscle.name_en, "str"),
        }
    ),
    default_ordering=(Muscle.name, Muscle.id),
    etag=True,
    answers=kept_per_generation,
).register(blp)
