"""Nutrition: the ingredient catalogue (ingredients, their weight units and images).

Nutrition plans, meals and the diary come later and belong here too. The ingredient table is
the largest public data set (production instances hold hundreds of thousands of rows), so its
indexes follow its queries: the primary key for pages and sync cursors, ``code`` for barcode
look-ups, ``language_id`` and ``last_update`` for the common filters, and a trigram index for
name search (SQLite FTS5 / PostgreSQL ``pg_trgm``, created by the migration). The exact row
count lives in ``nutrition_ingredient_block``, kept by triggers (see ``services/ingredient_counts``).
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid as uuid_module

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wger_flask.database import Model
from wger_flask.models.catalogue import Language, LicensedMixin
from wger_flask.models.types import GUID, UTCDateTime, utcnow

NUTRISCORES = ("a", "b", "c", "d", "e")


def _per_100g(nullable: bool = False) -> Mapped[decimal.Decimal]:
    """A nutrient in grams per 100 g of product: DECIMAL(6, 3) as upstream."""
    return mapped_column(Numeric(6, 3), nullable=nullable)


class Ingredient(LicensedMixin, Model):
    """A food with its nutritional values per 100 g."""

    __tablename__ = "nutrition_ingredient"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[uuid_module.UUID] = mapped_column(GUID, unique=True, default=uuid_module.uuid4)
    remote_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    source_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    source_url: Mapped[str | None] = mapped_column(String(200), nullable=True)
    code: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    common_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    brand: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_update: Mapped[dt.datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, index=True
    )
    last_imported: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    energy: Mapped[int] = mapped_column(Integer)
    protein: Mapped[decimal.Decimal] = _per_100g()
    carbohydrates: Mapped[decimal.Decimal] = _per_100g()
    carbohydrates_sugar: Mapped[decimal.Decimal | None] = _per_100g(nullable=True)
    fat: Mapped[decimal.Decimal] = _per_100g()
    fat_saturated: Mapped[decimal.Decimal | None] = _per_100g(nullable=True)
    fiber: Mapped[decimal.Decimal | None] = _per_100g(nullable=True)
    sodium: Mapped[decimal.Decimal | None] = _per_100g(nullable=True)
    is_vegan: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    is_vegetarian: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    nutriscore: Mapped[str | None] = mapped_column(String(1), nullable=True)
    language_id: Mapped[int] = mapped_column(ForeignKey("core_language.id"), index=True)

    language: Mapped[Language] = relationship()
    weight_units: Mapped[list[IngredientWeightUnit]] = relationship(
        back_populates="ingredient", order_by="IngredientWeightUnit.id"
    )
    image: Mapped[IngredientImage | None] = relationship(back_populates="ingredient", uselist=False)


class IngredientWeightUnit(Model):
    """A household unit of one ingredient ("a slice", "a cup") and what it weighs."""

    __tablename__ = "nutrition_ingredientweightunit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[uuid_module.UUID] = mapped_column(GUID, unique=True, default=uuid_module.uuid4)
    ingredient_id: Mapped[int] = mapped_column(
        ForeignKey("nutrition_ingredient.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    gram: Mapped[int] = mapped_column(Integer)

    ingredient: Mapped[Ingredient] = relationship(back_populates="weight_units")


class IngredientImage(LicensedMixin, Model):
    """The picture of an ingredient (none are shipped; the table serves synced instances)."""

    __tablename__ = "nutrition_image"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[uuid_module.UUID] = mapped_column(GUID, unique=True, default=uuid_module.uuid4)
    ingredient_id: Mapped[int] = mapped_column(
        ForeignKey("nutrition_ingredient.id", ondelete="CASCADE"), unique=True
    )
    image: Mapped[str] = mapped_column(String(255))
    created: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_update: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    size: Mapped[int] = mapped_column(Integer, default=0)
    width: Mapped[int] = mapped_column(Integer, default=0)
    height: Mapped[int] = mapped_column(Integer, default=0)

    ingredient: Mapped[Ingredient] = relationship(back_populates="image")


class IngredientBlock(Model):
    """How many ingredients have ids in one block of 1,024 ids; kept by database triggers.

    The sum is the exact row count; the running sum turns a deep offset into an id range.
    """

    __tablename__ = "nutrition_ingredient_block"

    block: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    rows: Mapped[int] = mapped_column(Integer, default=0)


class IngredientGeneration(Model):
    """A number database triggers renew on every write to the ingredient table (one row).

    Results derived from the table (filtered counts, search rankings) are kept per generation.
    """

    __tablename__ = "nutrition_ingredient_generation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(BigInteger, default=0)
