"""Trophies: the shipped catalogue, what each user earned, and the running aggregates of the
user's workouts that keep statistics and trophies current without re-reading the history.

``UserStatistics`` holds one row of running totals per user, ``SessionFact`` one row per
workout session (its local day and start time in the user's time zone), and a personal record
is a ``UserTrophy`` row pointing at the log that set it. ``services.trophies`` maintains them.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    Time,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wger_flask.database import Model
from wger_flask.models.types import GUID, JSONDocument, UTCDateTime, utcnow

TROPHY_TYPES = ("time", "volume", "count", "sequence", "date", "pr", "other")


class Trophy(Model):
    """A trophy of the catalogue: how it is checked (``checker_class`` and its parameters)."""

    __tablename__ = "trophies_trophy"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(GUID, unique=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    trophy_type: Mapped[str] = mapped_column(String(20), default="other")
    checker_class: Mapped[str] = mapped_column(String(255))
    checker_params: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    is_hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    is_progressive: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_repeatable: Mapped[bool] = mapped_column(Boolean, default=False)
    order: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class UserTrophy(Model):
    """A trophy a user earned. A repeatable personal-record trophy is earned once per record,
    each row naming the log that set it (``log_id``) and its estimated one-repetition max."""

    __tablename__ = "trophies_usertrophy"
    __owner__ = ()
    __table_args__ = (
        Index("ix_trophies_usertrophy_user_earned", "user_id", "earned_at"),
        Index("ix_trophies_usertrophy_record", "user_id", "exercise_id", "record_at", "log_id"),
        # A trophy that is not a record is earned at most once (concurrent awards collide).
        Index(
            "uq_trophies_usertrophy_once",
            "user_id",
            "trophy_id",
            unique=True,
            sqlite_where=text("log_id IS NULL"),
            postgresql_where=text("log_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("auth_user.id", ondelete="CASCADE"))
    trophy_id: Mapped[int] = mapped_column(
        ForeignKey("trophies_trophy.id", ondelete="CASCADE"), index=True
    )
    earned_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    progress: Mapped[float] = mapped_column(Float, default=100.0)
    is_notified: Mapped[bool] = mapped_column(Boolean, default=False)
    context_data: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument, nullable=True)
    # Personal records only: the log that set it, its exercise, date and estimate.
    log_id: Mapped[uuid.UUID | None] = mapped_column(
        GUID, ForeignKey("manager_workoutlog.id", ondelete="CASCADE"), nullable=True, index=True
    )
    exercise_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    record_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    one_rep_max: Mapped[decimal.Decimal | None] = mapped_column(Numeric(10, 2), nullable=True)

    trophy: Mapped[Trophy] = relationship()


class UserStatistics(Model):
    """A user's running workout totals (one row per user), kept current on every write.

    Streaks are stored as the run that ends at the last workout day; the API answers that run
    as the *current* streak, as upstream does (``services.trophies.reading.current_streak``).
    """

    __tablename__ = "trophies_userstatistics"
    __owner__ = ()

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("auth_user.id", ondelete="CASCADE"), unique=True
    )
    # Lifted volume (weight × repetitions, in kg) in milligrams: exact integer sums everywhere.
    volume_mg: Mapped[int] = mapped_column(BigInteger, default=0)
    total_workouts: Mapped[int] = mapped_column(Integer, default=0)
    streak_run: Mapped[int] = mapped_column(Integer, default=0)
    longest_streak: Mapped[int] = mapped_column(Integer, default=0)
    last_workout_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    earliest_workout_time: Mapped[dt.time | None] = mapped_column(Time, nullable=True)
    latest_workout_time: Mapped[dt.time | None] = mapped_column(Time, nullable=True)
    weekend_run: Mapped[int] = mapped_column(Integer, default=0)
    longest_weekend_streak: Mapped[int] = mapped_column(Integer, default=0)
    last_complete_weekend_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    # The longest pause between two consecutive workout days, in days (the Phoenix trophy).
    longest_gap: Mapped[int] = mapped_column(Integer, default=0)
    worked_out_jan_1: Mapped[bool] = mapped_column(Boolean, default=False)
    personal_records: Mapped[int] = mapped_column(Integer, default=0)
    last_updated: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Writes happened while the user had trophies switched off: recompute before the next use.
    stale: Mapped[bool] = mapped_column(Boolean, default=False)


class SessionFact(Model):
    """One workout session as the statistics count it: its day and start time, local to the
    user's time zone. Goes with its session (the foreign key cascades)."""

    __tablename__ = "trophies_sessionfact"
    __table_args__ = (
        Index("ix_trophies_sessionfact_user_day", "user_id", "day"),
        Index("ix_trophies_sessionfact_user_time", "user_id", "start_time"),
        Index("ix_trophies_sessionfact_user_month_day", "user_id", "month_day"),
    )

    session_id: Mapped[uuid.UUID] = mapped_column(
        GUID, ForeignKey("manager_workoutsession.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("auth_user.id", ondelete="CASCADE"))
    day: Mapped[dt.date] = mapped_column(Date)
    month_day: Mapped[int] = mapped_column(Integer)  # month × 100 + day: 101 is 1 January
    start_time: Mapped[dt.time | None] = mapped_column(Time, nullable=True)
