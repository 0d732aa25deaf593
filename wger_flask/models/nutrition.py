"""Nutrition plans, their meals and meal items, and the nutrition diary (log items).

Ownership runs plan → user (``__owner__``): a meal through its plan, a meal item through its meal
and plan, a diary entry through its plan. Every id is a UUID (version 7 made here when the client
sends none), as in the released 2.7 API. Deleting a user deletes their plans, and a plan its
meals, items and diary entries (``ondelete="CASCADE"`` in the database, and in the ORM without
loading the children); deleting a meal keeps the diary entries that named it, as upstream
(``SET NULL``).
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wger_flask.database import Model
from wger_flask.models.types import GUID, Children, UTCDateTime, utc_today, utcnow, uuid7

CHILDREN: Children = {"cascade": "all, delete-orphan", "passive_deletes": True}


class NutritionPlan(Model):
    """A user's nutrition plan: dates, a description, daily goals; meals and a diary."""

    __tablename__ = "nutrition_nutritionplan"
    __owner__ = ()

    id: Mapped[uuid.UUID] = mapped_column(GUID, primary_key=True, default=uuid7)
    user_id: Mapped[int] = mapped_column(ForeignKey("auth_user.id", ondelete="CASCADE"), index=True)
    creation_date: Mapped[dt.date] = mapped_column(Date, default=utc_today)
    start: Mapped[dt.date] = mapped_column(Date, default=utc_today)
    end: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    description: Mapped[str] = mapped_column(String(80), default="")
    only_logging: Mapped[bool] = mapped_column(Boolean, default=False)
    # Upstream keeps this legacy flag (a filter of the API, not a field of its serializer).
    has_goal_calories: Mapped[bool] = mapped_column(Boolean, default=False)
    goal_energy: Mapped[int | None] = mapped_column(Integer, nullable=True)
    goal_protein: Mapped[int | None] = mapped_column(Integer, nullable=True)
    goal_carbohydrates: Mapped[int | None] = mapped_column(Integer, nullable=True)
    goal_fat: Mapped[int | None] = mapped_column(Integer, nullable=True)
    goal_fiber: Mapped[int | None] = mapped_column(Integer, nullable=True)

    meals: Mapped[list[Meal]] = relationship(
        back_populates="plan",
        order_by="(Meal.time.asc().nulls_last(), Meal.id)",
        **CHILDREN,
    )
    log_items: Mapped[list[LogItem]] = relationship(back_populates="plan", **CHILDREN)


class Meal(Model):
    """A meal of a plan ("Breakfast", at 07:30)."""

    __tablename__ = "nutrition_meal"
    __owner__ = ("plan",)

    id: Mapped[uuid.UUID] = mapped_column(GUID, primary_key=True, default=uuid7)
    plan_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("nutrition_nutritionplan.id", ondelete="CASCADE"), index=True
    )
    order: Mapped[int] = mapped_column(Integer, default=1)
    time: Mapped[dt.time | None] = mapped_column(Time, nullable=True)
    name: Mapped[str] = mapped_column(String(25), default="")

    plan: Mapped[NutritionPlan] = relationship(back_populates="meals")
    meal_items: Mapped[list[MealItem]] = relationship(
        back_populates="meal", order_by="(MealItem.order, MealItem.id)", **CHILDREN
    )


class MealItem(Model):
    """An amount of an ingredient in a meal: grams, or a count of one of its weight units."""

    __tablename__ = "nutrition_mealitem"
    __owner__ = ("meal", "plan")

    id: Mapped[uuid.UUID] = mapped_column(GUID, primary_key=True, default=uuid7)
    meal_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("nutrition_meal.id", ondelete="CASCADE"), index=True
    )
    ingredient_id: Mapped[int] = mapped_column(
        ForeignKey("nutrition_ingredient.id", ondelete="CASCADE"), index=True
    )
    weight_unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("nutrition_ingredientweightunit.id", ondelete="CASCADE"),
        nullable=True,
        index=True,
    )
    order: Mapped[int] = mapped_column(Integer, default=1)
    amount: Mapped[decimal.Decimal] = mapped_column(Numeric(6, 2))

    meal: Mapped[Meal] = relationship(back_populates="meal_items")


class LogItem(Model):
    """A diary entry: an amount of an ingredient eaten at a time, against a plan (and meal)."""

    __tablename__ = "nutrition_logitem"
    __owner__ = ("plan",)
    __table_args__ = (Index("ix_nutrition_logitem_plan_datetime", "plan_id", "datetime"),)

    id: Mapped[uuid.UUID] = mapped_column(GUID, primary_key=True, default=uuid7)
    plan_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("nutrition_nutritionplan.id", ondelete="CASCADE")
    )
    meal_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("nutrition_meal.id", ondelete="SET NULL"), nullable=True, index=True
    )
    ingredient_id: Mapped[int] = mapped_column(
        ForeignKey("nutrition_ingredient.id", ondelete="CASCADE"), index=True
    )
    weight_unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("nutrition_ingredientweightunit.id", ondelete="CASCADE"),
        nullable=True,
        index=True,
    )
    datetime: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    amount: Mapped[decimal.Decimal] = mapped_column(Numeric(6, 2))
    # Upstream's model has it, its API does not; the mobile app's local schema declares it, so
    # the PowerSync rules carry it (always empty: nothing writes it).
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)

    plan: Mapped[NutritionPlan] = relationship(back_populates="log_items")
