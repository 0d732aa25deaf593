"""The exercise catalogue and the shared lookups: languages, licenses, repetition and weight units, exercises with their translations, aliases, comments and media."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid as uuid_module

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from wger_flask.database import Model, db
from wger_flask.models.types import GUID, JSONDocument, UTCDateTime, utcnow


class Language(Model):
    __tablename__ = "core_language"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    short_name: Mapped[str] = mapped_column(String(2), unique=True)
    full_name: Mapped[str] = mapped_column(String(30))
    full_name_en: Mapped[str] = mapped_column(String(30), default="")

    def __repr__(self) -> str:
        return f"<Language {self.short_name}>"


class License(Model):
    __tablename__ = "core_license"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    full_name: Mapped[str] = mapped_column(String(60))
    short_name: Mapped[str] = mapped_column(String(15))
    url: Mapped[str | None] = mapped_column(String(200), nullable=True)


class RepetitionUnit(Model):
    __tablename__ = "core_repetitionunit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    unit_type: Mapped[str] = mapped_column(String(20), default="REPETITIONS")
    multiplier: Mapped[int | None] = mapped_column(Integer, nullable=True)


class WeightUnit(Model):
    __tablename__ = "core_weightunit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))


DEFAULT_LICENSE_ID = 2  # CC-BY-SA 4


class LicensedMixin:
    """The license columns every catalogue row carries (upstream's AbstractLicenseModel)."""

    license_id: Mapped[int] = mapped_column(
        ForeignKey("core_license.id"), default=DEFAULT_LICENSE_ID
    )

    @declared_attr
    def license(cls) -> Mapped[License]:
        return relationship(License)

    license_title: Mapped[str] = mapped_column(String(300), default="")
    license_object_url: Mapped[str] = mapped_column(String(200), default="")
    license_author: Mapped[str] = mapped_column(String(3500), default="")
    license_author_url: Mapped[str] = mapped_column(String(200), default="")
    license_derivative_source_url: Mapped[str] = mapped_column(String(200), default="")


class AuthoredMixin:
    """``authors``: the distinct authors a contributed row credited over its saves, oldest
    first (kept with the row so reads cost nothing; the full log is ``AuthorHistory``). Empty
    for the shipped rows, which credit their ``license_author``."""

    authors: Mapped[list[str]] = mapped_column(JSONDocument, default=list, server_default="[]")


class ExerciseCategory(Model):
    __tablename__ = "exercises_exercisecategory"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))


class Equipment(Model):
    __tablename__ = "exercises_equipment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(50))


class Muscle(Model):
    __tablename__ = "exercises_muscle"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    name_en: Mapped[str] = mapped_column(String(50), default="")
    is_front: Mapped[bool] = mapped_column(Boolean, default=False)


def link_table(name: str, other: str, other_table: str) -> Table:
    """A many-to-many table of exercises, as Django lays it out: an ``id`` of its own (the
    PowerSync rules read these rows with ``SELECT *`` and need one) and a unique pair."""
    return Table(
        name,
        db.metadata,
        Column("id", Integer, primary_key=True),
        Column("exercise_id", ForeignKey("exercises_exercise.id", ondelete="CASCADE")),
        Column(other, ForeignKey(f"{other_table}.id", ondelete="CASCADE")),
        UniqueConstraint("exercise_id", other),
        Index(f"ix_{name}_{other.removesuffix('_id')}", other),
    )


exercise_muscles = link_table("exercises_exercise_muscles", "muscle_id", "exercises_muscle")
exercise_muscles_secondary = link_table(
    "exercises_exercise_muscles_secondary", "muscle_id", "exercises_muscle"
)
exercise_equipment = link_table(
    "exercises_exercise_equipment", "equipment_id", "exercises_equipment"
)


class Exercise(AuthoredMixin, LicensedMixin, Model):
    """An exercise ("base" upstream): category, muscles and equipment; names live in translations."""

    __tablename__ = "exercises_exercise"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[uuid_module.UUID] = mapped_column(GUID, unique=True, default=uuid_module.uuid4)
    category_id: Mapped[int] = mapped_column(
        ForeignKey("exercises_exercisecategory.id"), index=True
    )
    variation_group: Mapped[uuid_module.UUID | None] = mapped_column(
        GUID, nullable=True, index=True
    )
    created: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_update: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    category: Mapped[ExerciseCategory] = relationship()
    muscles: Mapped[list[Muscle]] = relationship(secondary=exercise_muscles, order_by=Muscle.id)
    muscles_secondary: Mapped[list[Muscle]] = relationship(
        secondary=exercise_muscles_secondary, order_by=Muscle.id
    )
    equipment: Mapped[list[Equipment]] = relationship(
        secondary=exercise_equipment, order_by=Equipment.id
    )
    translations: Mapped[list[Translation]] = relationship(
        back_populates="exercise", order_by="Translation.id", passive_deletes=True
    )
    images: Mapped[list[ExerciseImage]] = relationship(
        back_populates="exercise",
        order_by="(ExerciseImage.is_main.desc(), ExerciseImage.id)",
        passive_deletes=True,
    )
    videos: Mapped[list[ExerciseVideo]] = relationship(
        back_populates="exercise",
        order_by="(ExerciseVideo.is_main.desc(), ExerciseVideo.id)",
        passive_deletes=True,
    )


class Translation(AuthoredMixin, LicensedMixin, Model):
    """An exercise's name and description in one language."""

    __tablename__ = "exercises_translation"
    __table_args__ = (UniqueConstraint("exercise_id", "language_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[uuid_module.UUID] = mapped_column(GUID, unique=True, default=uuid_module.uuid4)
    exercise_id: Mapped[int] = mapped_column(
        ForeignKey("exercises_exercise.id", ondelete="CASCADE"), index=True
    )
    language_id: Mapped[int] = mapped_column(ForeignKey("core_language.id"), index=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    description_source: Mapped[str] = mapped_column(Text, default="")
    created: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_update: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    exercise: Mapped[Exercise] = relationship(back_populates="translations")
    language: Mapped[Language] = relationship()
    aliases: Mapped[list[Alias]] = relationship(
        back_populates="translation", order_by="Alias.id", passive_deletes=True
    )
    notes: Mapped[list[ExerciseComment]] = relationship(
        back_populates="translation", order_by="ExerciseComment.id", passive_deletes=True
    )


class Alias(Model):
    __tablename__ = "exercises_alias"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[uuid_module.UUID] = mapped_column(GUID, unique=True, default=uuid_module.uuid4)
    translation_id: Mapped[int] = mapped_column(
        ForeignKey("exercises_translation.id", ondelete="CASCADE"), index=True
    )
    alias: Mapped[str] = mapped_column(String(200))

    translation: Mapped[Translation] = relationship(back_populates="aliases")


class ExerciseComment(Model):
    __tablename__ = "exercises_exercisecomment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[uuid_module.UUID] = mapped_column(GUID, unique=True, default=uuid_module.uuid4)
    translation_id: Mapped[int] = mapped_column(
        ForeignKey("exercises_translation.id", ondelete="CASCADE"), index=True
    )
    comment: Mapped[str] = mapped_column(String(200))

    translation: Mapped[Translation] = relationship(back_populates="notes")


class ExerciseImage(AuthoredMixin, LicensedMixin, Model):
    __tablename__ = "exercises_exerciseimage"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[uuid_module.UUID] = mapped_column(GUID, unique=True, default=uuid_module.uuid4)
    exercise_id: Mapped[int] = mapped_column(
        ForeignKey("exercises_exercise.id", ondelete="CASCADE"), index=True
    )
    image: Mapped[str] = mapped_column(String(255))
    is_main: Mapped[bool] = mapped_column(Boolean, default=False)
    is_ai_generated: Mapped[bool] = mapped_column(Boolean, default=False)
    style: Mapped[str] = mapped_column(String(1), default="4")
    width: Mapped[int | None] = mapped_column(Integer, nullable=True)
    height: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The stored names of the thumbnails made at upload (``services/catalogue/images``).
    thumbnail_small: Mapped[str] = mapped_column(String(255), default="", server_default="")
    thumbnail_medium: Mapped[str] = mapped_column(String(255), default="", server_default="")
    created: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_update: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    exercise: Mapped[Exercise] = relationship(back_populates="images")


class ExerciseVideo(AuthoredMixin, LicensedMixin, Model):
    __tablename__ = "exercises_exercisevideo"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[uuid_module.UUID] = mapped_column(GUID, unique=True, default=uuid_module.uuid4)
    exercise_id: Mapped[int] = mapped_column(
        ForeignKey("exercises_exercise.id", ondelete="CASCADE"), index=True
    )
    video: Mapped[str] = mapped_column(String(255))
    is_main: Mapped[bool] = mapped_column(Boolean, default=False)
    size: Mapped[int] = mapped_column(Integer, default=0)
    duration: Mapped[decimal.Decimal] = mapped_column(Numeric(12, 2), default=0)
    width: Mapped[int] = mapped_column(Integer, default=0)
    height: Mapped[int] = mapped_column(Integer, default=0)
    codec: Mapped[str] = mapped_column(String(30), default="")
    codec_long: Mapped[str] = mapped_column(String(100), default="")
    created: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_update: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    exercise: Mapped[Exercise] = relationship(back_populates="videos")


class DeletionLog(Model):
    """Catalogue rows deleted upstream, so syncing clients can drop them too."""

    __tablename__ = "exercises_deletionlog"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    model_type: Mapped[str] = mapped_column(String(16))
    uuid: Mapped[uuid_module.UUID] = mapped_column(GUID)
    replaced_by: Mapped[uuid_module.UUID | None] = mapped_column(GUID, nullable=True)
    timestamp: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    comment: Mapped[str] = mapped_column(String(200), default="")


class AuthorHistory(Model):
    """One save of a licensed catalogue row: who saved it and the author it credited then
    (moderation data; the row's ``authors`` sum it up for ``author_history``). Exactly one of
    the four row columns is set; the history goes with its row. The saving account is kept for moderation
    and forgotten (NULL) when the account is deleted: the attribution is the license's, not
    the account's.
    """

    __tablename__ = "exercises_authorhistory"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    exercise_id: Mapped[int | None] = mapped_column(
        ForeignKey("exercises_exercise.id", ondelete="CASCADE"), nullable=True, index=True
    )
    translation_id: Mapped[int | None] = mapped_column(
        ForeignKey("exercises_translation.id", ondelete="CASCADE"), nullable=True, index=True
    )
    image_id: Mapped[int | None] = mapped_column(
        ForeignKey("exercises_exerciseimage.id", ondelete="CASCADE"), nullable=True, index=True
    )
    video_id: Mapped[int | None] = mapped_column(
        ForeignKey("exercises_exercisevideo.id", ondelete="CASCADE"), nullable=True, index=True
    )
    license_author: Mapped[str] = mapped_column(String(3500), default="")
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("auth_user.id", ondelete="SET NULL"), nullable=True, index=True
    )
    changed: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class CatalogueGeneration(Model):
    """A number database triggers renew on every write to any catalogue table (one row).

    Whole responses of the catalogue are kept per generation (``services/catalogue/generation``).
    """

    __tablename__ = "exercises_catalogue_generation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class ExerciseStamp(Model):
    """Per exercise, a number database triggers renew whenever what its ``exerciseinfo`` shows
    changes: the exercise, its translations, aliases, notes, images, videos, muscle and
    equipment links, and the names of the category, muscles, equipment and license it nests.

    Each exercise's rendered JSON is kept per stamp (``services/catalogue/rendering``). No
    foreign key: the triggers keep the rows, and a missing row only means "render every time".
    """

    __tablename__ = "exercises_exercise_stamp"

    exercise_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    stamp: Mapped[int] = mapped_column(BigInteger)
