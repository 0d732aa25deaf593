"""Core lookup tables: languages, licenses, repetition and weight units."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from wger_flask.extensions import db


class Language(db.Model):
    __tablename__ = "core_language"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    short_name: Mapped[str] = mapped_column(String(2), unique=True)
    full_name: Mapped[str] = mapped_column(String(30))
    full_name_en: Mapped[str] = mapped_column(String(30), default="")

    def __repr__(self) -> str:
        return f"<Language {self.short_name}>"


class License(db.Model):
    __tablename__ = "core_license"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    full_name: Mapped[str] = mapped_column(String(60))
    short_name: Mapped[str] = mapped_column(String(15))
    url: Mapped[str | None] = mapped_column(String(200), nullable=True)


class RepetitionUnit(db.Model):
    __tablename__ = "core_repetitionunit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    unit_type: Mapped[str] = mapped_column(String(20), default="REPETITIONS")
    multiplier: Mapped[int | None] = mapped_column(Integer, nullable=True)


class WeightUnit(db.Model):
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
