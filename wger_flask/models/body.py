"""Body tracking: measurement categories and measurements (weight entries are the body-weight
measurements), gallery photos.

Every row belongs to one user (``auth_user``, deleted with it). Measurements reach their user
through their category. Times are stored as naive UTC (``UTCDateTime``).
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
    and_,
    case,
    func,
    literal,
    select,
    text,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from wger_flask.database import Model
from wger_flask.models.accounts import UserProfile
from wger_flask.models.types import GUID, UTCDateTime, utcnow, uuid7

CUSTOM = "custom"
NO_DYNAMIC_TYPE = "NONE"
SOURCES = ("user", "apple", "google", "calculated")
CHART_TYPES = ("bar", "delta", "distribution", "heatmap", "line")
# JSON whose absence is SQL NULL (upstream's nullable JSONField), not the JSON text "null".
OptionalJSON = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")


class MeasurementCategory(Model):
    """What a user measures (a custom tape-measure category, or a typed metric such as body
    weight); a group (blood pressure, sleep) holds no entries and parents its components."""

    __tablename__ = "measurements_category"
    __owner__ = ()
    __table_args__ = (
        # One typed category per user and metric; custom ones repeat freely.
        Index(
            "uq_measurements_category_user_metric",
            "user_id",
            "metric_type",
            unique=True,
            sqlite_where=text("metric_type != 'custom'"),
            postgresql_where=text("metric_type != 'custom'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(GUID, primary_key=True, default=uuid7)
    user_id: Mapped[int] = mapped_column(ForeignKey("auth_user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str] = mapped_column(String(30), default="")
    metric_type: Mapped[str] = mapped_column(String(30), default=CUSTOM)
    is_official: Mapped[bool] = mapped_column(Boolean, default=False)
    order: Mapped[int] = mapped_column(Integer, default=0)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        GUID, ForeignKey("measurements_category.id", ondelete="CASCADE"), nullable=True, index=True
    )
    chart_type: Mapped[str | None] = mapped_column(String(20), nullable=True)
    chart_config: Mapped[Any] = mapped_column(OptionalJSON, nullable=True)
    dynamic_type: Mapped[str] = mapped_column(String(20), default=NO_DYNAMIC_TYPE)
    dynamic_params: Mapped[Any] = mapped_column(OptionalJSON, nullable=True)


class Measurement(Model):
    """One reading in a category: value, moment, where it came from."""

    __tablename__ = "measurements_measurement"
    __owner__ = ("category",)
    __table_args__ = (
        Index("ix_measurements_measurement_category_date", "category_id", "date"),
        # A health import sends the same reading again: its external id finds it.
        UniqueConstraint("category_id", "external_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(GUID, primary_key=True, default=uuid7)
    category_id: Mapped[uuid.UUID] = mapped_column(
        GUID, ForeignKey("measurements_category.id", ondelete="CASCADE")
    )
    date: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    value: Mapped[decimal.Decimal] = mapped_column(Numeric(8, 2))
    notes: Mapped[str] = mapped_column(String(100), default="")
    source: Mapped[str] = mapped_column(String(12), default="user")
    external_id: Mapped[uuid.UUID | None] = mapped_column(GUID, nullable=True)
    extra_data: Mapped[Any] = mapped_column(OptionalJSON, nullable=True)

    category: Mapped[MeasurementCategory] = relationship(lazy="raise")


BODY_WEIGHT = "body_weight"
POUND_IN_KG = decimal.Decimal("0.45359237")
# typed, so that no column's two places round the factor on the way in (PostgreSQL would)
_pound_in_kg = literal(POUND_IN_KG, Numeric(12, 8))
_readings = Measurement.__table__
_weight_owner = MeasurementCategory.__table__.alias("weight_owner")
_profile = UserProfile.__table__.alias("weight_profile")
# The unit a body-weight reading was taken in (its own, else its category's), and the unit a
# weight entry speaks (the owner's profile, kg by default: upstream's 2.6 weight entries). As SQL
# for what SQL must compute (``?weight__gt=``, ``?ordering=weight``, the export): per row, two
# correlated look-ups. A page does not read them: it reads its category's ``WeightScale`` once
# and converts in Python (``services/body/categories.weight_shown``).
_reading_unit = func.coalesce(
    _readings.c.extra_data["unit"].as_string(),
    select(_weight_owner.c.unit)
    .where(_weight_owner.c.id == _readings.c.category_id)
    .scalar_subquery(),
)
_entry_unit = func.coalesce(
    select(_profile.c.weight_unit)
    .select_from(_weight_owner.join(_profile, _profile.c.user_id == _weight_owner.c.user_id))
    .where(_weight_owner.c.id == _readings.c.category_id)
    .scalar_subquery(),
    "kg",
)
_scales = (
    select(
        _weight_owner.c.id.label("category_id"),
        _weight_owner.c.user_id,
        _weight_owner.c.unit.label("category_unit"),
        func.coalesce(_profile.c.weight_unit, "kg").label("entry_unit"),
    )
    .select_from(_weight_owner.outerjoin(_profile, _profile.c.user_id == _weight_owner.c.user_id))
    .subquery("weight_scale")
)


class WeightScale(Model):
    """Read-only: what a category's readings need to be shown as weight entries: its user, its
    unit and the unit of its user's profile (kg without one). One row per category, read once
    for a page of weight entries (their ``scale``) instead of once per row."""

    __table__ = _scales  # type: ignore[assignment]  # a SELECT (SQLAlchemy maps one), no Table
    __mapper_args__ = {"primary_key": [_scales.c.category_id]}

    category_id: Mapped[uuid.UUID]
    user_id: Mapped[int]
    category_unit: Mapped[str]
    entry_unit: Mapped[str]


class WeightEntry(Model):
    """A body-weight measurement seen as upstream's weight entry: one row of truth.

    The weight entries of the 2.6 shape and the body-weight measurements of the 2.7 clients are
    the same rows of ``measurements_measurement`` (in the user's ``body_weight`` category), so a
    weight written through either route is read through both (docs/body.md, "One row of
    truth"). This second mapper on the table keeps the 2.6 names: ``user_id`` is read through
    the category, and ``weight`` is the reading's ``value`` in the profile's weight unit (a
    reading taken in the other unit, as a 2.7 client may log one, is converted, so every
    reader of weight entries (the 2.7 MCP server's calorie calculator) sees one scale). A
    write sets ``value`` (``rules.check_weight_entry``). The owner path joins only the
    ``body_weight`` category, so another category's reading is never a weight entry (a 404 by
    construction).
    """

    __table__ = _readings
    __owner__ = ("category",)
    # a 2.7 field a weight entry does not show (a row made here leaves it NULL)
    __mapper_args__ = {"exclude_properties": ["external_id"]}

    id: Mapped[uuid.UUID]
    category_id: Mapped[uuid.UUID]
    date: Mapped[dt.datetime]
    value: Mapped[decimal.Decimal]
    notes: Mapped[str]
    source: Mapped[str]
    extra_data: Mapped[Any]
    weight: Mapped[decimal.Decimal] = column_property(
        type_coerce(
            case(
                (
                    and_(_reading_unit == "lb", _entry_unit == "kg"),
                    func.round(_readings.c.value * _pound_in_kg, 2),
                ),
                (
                    and_(_reading_unit == "kg", _entry_unit == "lb"),
                    func.round(_readings.c.value / _pound_in_kg, 2),
                ),
                else_=_readings.c.value,
            ),
            Numeric(8, 2),
        ),
        deferred=True,
    )
    user_id: Mapped[int] = column_property(
        select(_weight_owner.c.user_id)
        .where(_weight_owner.c.id == _readings.c.category_id)
        .scalar_subquery(),
        deferred=True,
    )
    # what the schema shows ``weight`` and ``user`` from: one row per category, read once a page
    scale: Mapped[WeightScale] = relationship(
        primaryjoin=lambda: WeightEntry.category_id == WeightScale.category_id,
        foreign_keys=lambda: [WeightEntry.category_id],
        lazy="raise",
        viewonly=True,
    )

    category: Mapped[MeasurementCategory] = relationship(
        primaryjoin=lambda: and_(
            WeightEntry.category_id == MeasurementCategory.id,
            MeasurementCategory.metric_type == BODY_WEIGHT,
        ),
        lazy="raise",
        viewonly=True,
    )


class GalleryImage(Model):
    """A progress photo: the file lives in the media storage, its name here."""

    __tablename__ = "gallery_image"
    __owner__ = ()

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("auth_user.id", ondelete="CASCADE"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    image: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(String(1000), default="")
    width: Mapped[int] = mapped_column(Integer, default=0)
    height: Mapped[int] = mapped_column(Integer, default=0)
