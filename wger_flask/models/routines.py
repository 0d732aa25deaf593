"""Routines: days, slots, slot entries, their per-iteration configs, sessions and logs.

Ownership runs routine → day → slot → slot entry → config (each model's ``__owner__`` names
the way up); sessions and logs hold ``user_id`` themselves. Children go with their parent:
the foreign keys cascade in the database, and the ORM relationships let it do so.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from wger_flask.database import Model
from wger_flask.models.types import GUID, Children, UTCDateTime, utc_today, utcnow, uuid7

# Units of the shipped catalogue that upstream uses as defaults.
REPETITIONS_UNIT_ID = 1
UNTIL_FAILURE_UNIT_ID = 2
KILOGRAM_UNIT_ID = 1

CHILDREN: Children = {"cascade": "all, delete-orphan", "passive_deletes": True}
# JSON whose absence is SQL NULL (as upstream's nullable JSONField), not the JSON text "null".
OptionalJSON = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")


class Routine(Model):
    """A training plan of ordered days between a start and an end date."""

    __tablename__ = "manager_routine"
    __owner__ = ()

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("auth_user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(25), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    created: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    start: Mapped[dt.date] = mapped_column(Date)
    end: Mapped[dt.date] = mapped_column(Date)
    is_template: Mapped[bool] = mapped_column(Boolean, default=False)
    is_public: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    fit_in_week: Mapped[bool] = mapped_column(Boolean, default=False)

    days: Mapped[list[Day]] = relationship(
        back_populates="routine", order_by="(Day.order, Day.id)", **CHILDREN
    )


class Day(Model):
    """A training (or rest) day; the routine repeats its days in order."""

    __tablename__ = "manager_day"
    __owner__ = ("routine",)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    routine_id: Mapped[int] = mapped_column(
        ForeignKey("manager_routine.id", ondelete="CASCADE"), index=True
    )
    order: Mapped[int] = mapped_column(Integer, default=1)
    type: Mapped[str] = mapped_column(String(10), default="custom")
    name: Mapped[str] = mapped_column(String(20), default="")
    description: Mapped[str] = mapped_column(String(1000), default="")
    is_rest: Mapped[bool] = mapped_column(Boolean, default=False)
    need_logs_to_advance: Mapped[bool] = mapped_column(Boolean, default=False)
    config: Mapped[Any] = mapped_column(OptionalJSON, nullable=True)

    routine: Mapped[Routine] = relationship(back_populates="days")
    slots: Mapped[list[Slot]] = relationship(
        back_populates="day", order_by="(Slot.order, Slot.id)", **CHILDREN
    )


class Slot(Model):
    """A set of a day: one entry, or several making a superset."""

    __tablename__ = "manager_slot"
    __owner__ = ("day", "routine")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day_id: Mapped[int] = mapped_column(
        ForeignKey("manager_day.id", ondelete="CASCADE"), index=True
    )
    order: Mapped[int] = mapped_column(Integer, default=1)
    comment: Mapped[str] = mapped_column(String(200), default="")
    config: Mapped[Any] = mapped_column(OptionalJSON, nullable=True)

    day: Mapped[Day] = relationship(back_populates="slots")
    entries: Mapped[list[SlotEntry]] = relationship(
        back_populates="slot", order_by="(SlotEntry.order, SlotEntry.id)", **CHILDREN
    )


class SlotEntry(Model):
    """One exercise of a slot, with its units, rounding and progression configs."""

    __tablename__ = "manager_slotentry"
    __owner__ = ("slot", "day", "routine")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slot_id: Mapped[int] = mapped_column(
        ForeignKey("manager_slot.id", ondelete="CASCADE"), index=True
    )
    exercise_id: Mapped[int] = mapped_column(
        ForeignKey("exercises_exercise.id", ondelete="CASCADE"), index=True
    )
    # Units default to repetitions and kilograms on create (in the resource's hook, so that an
    # explicit null stays null: the ORM would take None for "use the default").
    repetition_unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("core_repetitionunit.id", ondelete="CASCADE"), nullable=True
    )
    repetition_rounding: Mapped[decimal.Decimal | None] = mapped_column(
        Numeric(4, 2), nullable=True
    )
    weight_unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("core_weightunit.id", ondelete="CASCADE"), nullable=True
    )
    weight_rounding: Mapped[decimal.Decimal | None] = mapped_column(Numeric(4, 2), nullable=True)
    order: Mapped[int] = mapped_column(Integer, default=1)
    comment: Mapped[str] = mapped_column(String(100), default="")
    type: Mapped[str] = mapped_column(String(10), default="normal")
    class_name: Mapped[str | None] = mapped_column(String(50), nullable=True)
    config: Mapped[Any] = mapped_column(OptionalJSON, nullable=True)

    slot: Mapped[Slot] = relationship(back_populates="entries")
    weight_configs: Mapped[list[WeightConfig]] = relationship(
        **CHILDREN, back_populates="slot_entry", order_by="WeightConfig.iteration"
    )
    max_weight_configs: Mapped[list[MaxWeightConfig]] = relationship(
        **CHILDREN, back_populates="slot_entry", order_by="MaxWeightConfig.iteration"
    )
    repetitions_configs: Mapped[list[RepetitionsConfig]] = relationship(
        **CHILDREN, back_populates="slot_entry", order_by="RepetitionsConfig.iteration"
    )
    max_repetitions_configs: Mapped[list[MaxRepetitionsConfig]] = relationship(
        **CHILDREN, back_populates="slot_entry", order_by="MaxRepetitionsConfig.iteration"
    )
    set_nr_configs: Mapped[list[SetsConfig]] = relationship(
        **CHILDREN, back_populates="slot_entry", order_by="SetsConfig.iteration"
    )
    max_set_nr_configs: Mapped[list[MaxSetsConfig]] = relationship(
        **CHILDREN, back_populates="slot_entry", order_by="MaxSetsConfig.iteration"
    )
    rir_configs: Mapped[list[RiRConfig]] = relationship(
        **CHILDREN, back_populates="slot_entry", order_by="RiRConfig.iteration"
    )
    max_rir_configs: Mapped[list[MaxRiRConfig]] = relationship(
        **CHILDREN, back_populates="slot_entry", order_by="MaxRiRConfig.iteration"
    )
    rest_configs: Mapped[list[RestConfig]] = relationship(
        **CHILDREN, back_populates="slot_entry", order_by="RestConfig.iteration"
    )
    max_rest_configs: Mapped[list[MaxRestConfig]] = relationship(
        **CHILDREN, back_populates="slot_entry", order_by="MaxRestConfig.iteration"
    )


# Every progression config class is also a model (``class WeightConfig(ProgressionConfig,
# Model)``): to a type checker the mixin is one already, so its tables and columns are known.
if TYPE_CHECKING:
    _ConfigBase = Model
else:
    _ConfigBase = object


class ProgressionConfig(_ConfigBase):
    """A change of one property of a slot entry from one iteration on (upstream's
    AbstractChangeConfig): ``r``eplace the value, or add/subtract it (``abs``) or that
    percentage of the running value (``percent``); ``repeat`` keeps applying it, and
    ``requirements`` make it wait for logs that met the previous prescription."""

    __owner__ = ("slot_entry", "slot", "day", "routine")
    # The value's column type, and the SlotEntry relationship listing the rows of a class.
    value_type: ClassVar[Any] = Numeric(6, 2)
    entry_attribute: ClassVar[str]

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    iteration: Mapped[int] = mapped_column(Integer)
    operation: Mapped[str] = mapped_column(String(1), default="r")
    step: Mapped[str] = mapped_column(String(10), default="abs")
    repeat: Mapped[bool] = mapped_column(Boolean, default=False)
    requirements: Mapped[Any] = mapped_column(OptionalJSON, nullable=True)

    @declared_attr
    def slot_entry_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("manager_slotentry.id", ondelete="CASCADE"))

    @declared_attr
    def value(cls) -> Mapped[decimal.Decimal]:
        return mapped_column(cls.value_type)

    @declared_attr
    def slot_entry(cls) -> Mapped[SlotEntry]:
        return relationship(SlotEntry, back_populates=cls.entry_attribute)

    @declared_attr.directive
    def __table_args__(cls) -> tuple[UniqueConstraint]:
        return (UniqueConstraint("slot_entry_id", "iteration"),)


class WeightConfig(ProgressionConfig, Model):
    __tablename__ = "manager_weightconfig"
    entry_attribute = "weight_configs"


class MaxWeightConfig(ProgressionConfig, Model):
    __tablename__ = "manager_maxweightconfig"
    entry_attribute = "max_weight_configs"


class RepetitionsConfig(ProgressionConfig, Model):
    __tablename__ = "manager_repetitionsconfig"
    entry_attribute = "repetitions_configs"


class MaxRepetitionsConfig(ProgressionConfig, Model):
    __tablename__ = "manager_maxrepetitionsconfig"
    entry_attribute = "max_repetitions_configs"


class SetsConfig(ProgressionConfig, Model):
    __tablename__ = "manager_setsconfig"
    entry_attribute = "set_nr_configs"
    value_type = Integer()


class MaxSetsConfig(ProgressionConfig, Model):
    __tablename__ = "manager_maxsetsconfig"
    entry_attribute = "max_set_nr_configs"
    value_type = Integer()


class RestConfig(ProgressionConfig, Model):
    __tablename__ = "manager_restconfig"
    entry_attribute = "rest_configs"
    value_type = Integer()


class MaxRestConfig(ProgressionConfig, Model):
    __tablename__ = "manager_maxrestconfig"
    entry_attribute = "max_rest_configs"
    value_type = Integer()


class RiRConfig(ProgressionConfig, Model):
    __tablename__ = "manager_rirconfig"
    entry_attribute = "rir_configs"
    value_type = Numeric(2, 1)


class MaxRiRConfig(ProgressionConfig, Model):
    __tablename__ = "manager_maxrirconfig"
    entry_attribute = "max_rir_configs"
    value_type = Numeric(2, 1)


def _start_of_date(context: DefaultExecutionContext) -> dt.datetime:
    """A session stored with only its ``date`` starts at that date's midnight (UTC); with no
    date either, now. (The API fills both itself: ``services.routines.logs``.)"""
    # SQLAlchemy leaves get_current_parameters() unannotated: it returns the row's dict.
    day = context.get_current_parameters().get("date")  # type: ignore[no-untyped-call]  # see above
    if day is None:
        return utcnow()
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


class WorkoutSession(Model):
    """A performed workout: its date, the routine and day it followed, notes, impression."""

    __tablename__ = "manager_workoutsession"
    __owner__ = ()
    __table_args__ = (
        UniqueConstraint("date", "user_id", "routine_id"),
        Index("ix_manager_workoutsession_routine_date", "routine_id", "date"),
    )

    id: Mapped[uuid.UUID] = mapped_column(GUID, primary_key=True, default=uuid7)
    user_id: Mapped[int] = mapped_column(ForeignKey("auth_user.id", ondelete="CASCADE"), index=True)
    routine_id: Mapped[int | None] = mapped_column(
        ForeignKey("manager_routine.id", ondelete="CASCADE"), nullable=True
    )
    day_id: Mapped[int | None] = mapped_column(
        ForeignKey("manager_day.id", ondelete="CASCADE"), nullable=True, index=True
    )
    date: Mapped[dt.date] = mapped_column(Date, default=utc_today)
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)
    impression: Mapped[str] = mapped_column(String(2), default="2")
    time_start: Mapped[dt.time | None] = mapped_column(Time, nullable=True)
    time_end: Mapped[dt.time | None] = mapped_column(Time, nullable=True)
    # The released 2.7 shape: when it started and ended. ``date``, ``time_start`` and
    # ``time_end`` (2.6) are kept beside them, in step (``services.routines.logs``).
    datetime_start: Mapped[dt.datetime] = mapped_column(
        UTCDateTime, default=_start_of_date, index=True
    )
    datetime_end: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    logs: Mapped[list[WorkoutLog]] = relationship(
        back_populates="session",
        order_by="(WorkoutLog.date, WorkoutLog.repetitions, WorkoutLog.weight)",
        **CHILDREN,
    )


class WorkoutLog(Model):
    """One performed set: exercise, repetitions, weight, RiR and rest, with their targets."""

    __tablename__ = "manager_workoutlog"
    __owner__ = ()

    id: Mapped[uuid.UUID] = mapped_column(GUID, primary_key=True, default=uuid7)
    user_id: Mapped[int] = mapped_column(ForeignKey("auth_user.id", ondelete="CASCADE"))
    date: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    session_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("manager_workoutsession.id", ondelete="CASCADE"), nullable=True, index=True
    )
    next_log_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("manager_workoutlog.id", ondelete="CASCADE"), nullable=True, index=True
    )
    exercise_id: Mapped[int] = mapped_column(
        ForeignKey("exercises_exercise.id", ondelete="CASCADE"), index=True
    )
    routine_id: Mapped[int | None] = mapped_column(
        ForeignKey("manager_routine.id", ondelete="CASCADE"), nullable=True, index=True
    )
    slot_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("manager_slotentry.id", ondelete="CASCADE"), nullable=True, index=True
    )
    iteration: Mapped[int | None] = mapped_column(Integer, nullable=True)
    repetitions_unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("core_repetitionunit.id", ondelete="CASCADE"), nullable=True
    )
    repetitions: Mapped[decimal.Decimal | None] = mapped_column(Numeric(6, 2), nullable=True)
    repetitions_target: Mapped[decimal.Decimal | None] = mapped_column(Numeric(6, 2), nullable=True)
    weight_unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("core_weightunit.id", ondelete="CASCADE"), nullable=True
    )
    weight: Mapped[decimal.Decimal | None] = mapped_column(Numeric(6, 2), nullable=True)
    weight_target: Mapped[decimal.Decimal | None] = mapped_column(Numeric(6, 2), nullable=True)
    rir: Mapped[decimal.Decimal | None] = mapped_column(Numeric(2, 1), nullable=True)
    rir_target: Mapped[decimal.Decimal | None] = mapped_column(Numeric(2, 1), nullable=True)
    rest: Mapped[int | None] = mapped_column(Integer, nullable=True)
    rest_target: Mapped[int | None] = mapped_column(Integer, nullable=True)

    session: Mapped[WorkoutSession | None] = relationship(back_populates="logs")

    __table_args__ = (Index("ix_manager_workoutlog_user_date", "user_id", "date"),)


# The ten config models by the name of their endpoint, in upstream's router order.
CONFIG_MODELS: dict[str, type[ProgressionConfig]] = {
    "weight-config": WeightConfig,
    "max-weight-config": MaxWeightConfig,
    "repetitions-config": RepetitionsConfig,
    "max-repetitions-config": MaxRepetitionsConfig,
    "sets-config": SetsConfig,
    "max-sets-config": MaxSetsConfig,
    "rest-config": RestConfig,
    "max-rest-config": MaxRestConfig,
    "rir-config": RiRConfig,
    "max-rir-config": MaxRiRConfig,
}
