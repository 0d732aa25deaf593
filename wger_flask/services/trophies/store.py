"""The SQL of the trophy aggregates: a user's statistics row, session facts, personal records
and earned trophies. Every function takes the transaction's connection; nothing commits."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import Connection, and_, delete, func, insert, or_, select, update

from wger_flask.models.accounts import UserProfile
from wger_flask.models.routines import WorkoutLog, WorkoutSession
from wger_flask.models.trophies import SessionFact, Trophy, UserStatistics, UserTrophy
from wger_flask.models.types import utcnow
from wger_flask.services.trophies import checkers
from wger_flask.services.trophies.history import (
    DayFacts,
    LastRecord,
    LogEntry,
    SessionEntry,
    is_record,
    kg_of,
    month_day,
    one_rep_max,
)

CENT = Decimal("0.01")

STATS = UserStatistics.__table__
FACTS = SessionFact.__table__
EARNED = UserTrophy.__table__


@dataclass
class State:
    """A user's profile switches and statistics row (None: not made yet)."""

    time_zone: str = ""
    enabled: bool = True
    stats: dict[str, Any] | None = None


# The advisory-lock namespace of per-user trophy work on PostgreSQL ("tr" in ASCII).
LOCK_SPACE = 0x7472


def load_state(connection: Connection, user_id: int) -> State:
    """The statistics row and the profile. On PostgreSQL the user's trophy work is serialized
    first (a transaction-scoped advisory lock): concurrent writes of one user, even their very
    first, apply one after the other on committed data. SQLite serializes writers anyway."""
    if connection.dialect.name == "postgresql":
        connection.execute(select(func.pg_advisory_xact_lock(LOCK_SPACE, user_id)))
    profile = (UserProfile.time_zone, UserProfile.trophies_enabled)
    row = connection.execute(
        select(STATS, *profile)
        .select_from(STATS)
        .outerjoin(UserProfile, UserProfile.user_id == STATS.c.user_id)
        .where(STATS.c.user_id == user_id)
    ).first()
    if row is None:
        found = connection.execute(select(*profile).where(UserProfile.user_id == user_id)).first()
        return State(found[0], bool(found[1])) if found else State()
    values = row._asdict()
    enabled = values.pop("trophies_enabled")
    return State(values.pop("time_zone") or "", enabled is None or bool(enabled), values)


def day_facts_of(stats: Mapping[str, Any]) -> DayFacts:
    return DayFacts(
        last_day=stats["last_workout_date"],
        streak_run=stats["streak_run"],
        longest_streak=stats["longest_streak"],
        weekend_run=stats["weekend_run"],
        longest_weekend_streak=stats["longest_weekend_streak"],
        last_complete_weekend=stats["last_complete_weekend_date"],
        longest_gap=stats["longest_gap"],
    )


def with_day_facts(stats: dict[str, Any], days: DayFacts) -> dict[str, Any]:
    return {
        **stats,
        "last_workout_date": days.last_day,
        "streak_run": days.streak_run,
        "longest_streak": days.longest_streak,
        "weekend_run": days.weekend_run,
        "longest_weekend_streak": days.longest_weekend_streak,
        "last_complete_weekend_date": days.last_complete_weekend,
        "longest_gap": days.longest_gap,
    }


def save_stats(connection: Connection, user_id: int, stats: dict[str, Any], new: bool) -> None:
    values = {key: value for key, value in stats.items() if key not in ("id", "user_id")}
    values["last_updated"] = utcnow()
    values["stale"] = False
    if new:
        connection.execute(insert(STATS).values(user_id=user_id, **values))
    else:
        connection.execute(update(STATS).where(STATS.c.user_id == user_id).values(**values))


def mark_stale(connection: Connection, user_id: int) -> None:
    connection.execute(update(STATS).where(STATS.c.user_id == user_id).values(stale=True))


def facts_for_checkers(stats: Mapping[str, Any], month_days: Iterable[int]) -> checkers.Facts:
    return checkers.Facts(
        total_workouts=stats["total_workouts"],
        volume_kg=kg_of(stats["volume_mg"]),
        longest_streak=stats["longest_streak"],
        longest_weekend_streak=stats["longest_weekend_streak"],
        earliest_time=stats["earliest_workout_time"],
        latest_time=stats["latest_workout_time"],
        longest_gap=stats["longest_gap"],
        month_days=frozenset(month_days),
        personal_records=stats["personal_records"],
    )


# ------------------------------------------------------------------------------ session facts


def replace_facts(
    connection: Connection,
    user_id: int,
    removed: Iterable[uuid.UUID],
    added: Mapping[uuid.UUID, tuple[dt.date, dt.time | None]],
) -> None:
    removed = list(removed)
    if removed:
        connection.execute(delete(FACTS).where(FACTS.c.session_id.in_(removed)))
    if added:
        rows = [
            {
                "session_id": session_id,
                "user_id": user_id,
                "day": day,
                "month_day": month_day(day),
                "start_time": time,
            }
            for session_id, (day, time) in added.items()
        ]
        connection.execute(insert(FACTS), rows)


def workout_days(connection: Connection, user_id: int) -> list[dt.date]:
    """Every workout day of the user (one row per day: the aggregate, not the sessions' logs)."""
    stmt = (
        select(FACTS.c.day).where(FACTS.c.user_id == user_id).group_by(FACTS.c.day).order_by("day")
    )
    return list(connection.execute(stmt).scalars())


def time_range(connection: Connection, user_id: int) -> tuple[dt.time | None, dt.time | None]:
    """The earliest and latest local start time of the user's sessions (two index seeks)."""
    timed = (
        select(FACTS.c.start_time)
        .where(FACTS.c.user_id == user_id, FACTS.c.start_time.is_not(None))
        .limit(1)
    )
    first = timed.order_by(FACTS.c.start_time).scalar_subquery()
    last = timed.order_by(FACTS.c.start_time.desc()).scalar_subquery()
    found = connection.execute(select(first, last)).one()
    return found[0], found[1]


def present_month_days(connection: Connection, user_id: int, targets: set[int]) -> set[int]:
    stmt = (
        select(FACTS.c.month_day)
        .where(FACTS.c.user_id == user_id, FACTS.c.month_day.in_(sorted(targets)))
        .distinct()
    )
    return set(connection.execute(stmt).scalars())


# ------------------------------------------------------------------------------ trophies


@dataclass(frozen=True)
class CatalogueEntry:
    id: int
    checker_class: str
    checker_params: Any
    is_repeatable: bool
    held: bool = False


# The active trophies per database, read again after CATALOGUE_SECONDS: the catalogue only
# changes when shipped data is loaded, and a write should not decode it every time.
CATALOGUE_SECONDS = 300.0
_CATALOGUE: dict[str, tuple[float, list[CatalogueEntry]]] = {}


def active_trophies(connection: Connection) -> list[CatalogueEntry]:
    key = connection.engine.url.render_as_string()
    cached = _CATALOGUE.get(key)
    if cached is not None and time.monotonic() - cached[0] < CATALOGUE_SECONDS:
        return cached[1]
    stmt = (
        select(Trophy.id, Trophy.checker_class, Trophy.checker_params, Trophy.is_repeatable)
        .where(Trophy.is_active.is_(True))
        .order_by(Trophy.order, Trophy.id)
    )
    entries = [CatalogueEntry(*row) for row in connection.execute(stmt)]
    if entries:
        _CATALOGUE[key] = (time.monotonic(), entries)
    return entries


def catalogue(connection: Connection, user_id: int) -> list[CatalogueEntry]:
    """The active trophies, each with whether the user holds it (one statement)."""
    held = set(
        connection.execute(
            select(EARNED.c.trophy_id).where(EARNED.c.user_id == user_id, EARNED.c.log_id.is_(None))
        ).scalars()
    )
    return [
        CatalogueEntry(
            entry.id,
            entry.checker_class,
            entry.checker_params,
            entry.is_repeatable,
            entry.id in held,
        )
        for entry in active_trophies(connection)
    ]


class NamedChecker(Protocol):
    """A trophy, or its catalogue entry: its id and the checker that awards it."""

    @property
    def id(self) -> int: ...
    @property
    def checker_class(self) -> str: ...


def record_trophy(trophies: Iterable[NamedChecker]) -> int | None:
    for trophy in trophies:
        if trophy.checker_class == "personal_record":
            return trophy.id
    return None


def settle(
    connection: Connection,
    user_id: int,
    trophies: Iterable[Any],
    facts: checkers.Facts,
    aspects: set[str],
) -> None:
    """Award the trophies whose checker now says earned, withdraw those it no longer does
    (only trophies reading one of the facts that moved, ``aspects``)."""
    award, withdraw = [], []
    for trophy in trophies:
        if trophy.is_repeatable or checkers.ASPECTS.get(trophy.checker_class) not in aspects:
            continue
        earned = checkers.check(trophy.checker_class, facts, trophy.checker_params).earned
        if earned and not trophy.held:
            award.append({"user_id": user_id, "trophy_id": trophy.id, "earned_at": utcnow()})
        elif trophy.held and not earned:
            withdraw.append(trophy.id)
    if award:
        connection.execute(insert(EARNED).values(progress=100.0, is_notified=False), award)
    if withdraw:
        connection.execute(
            delete(EARNED).where(
                EARNED.c.user_id == user_id,
                EARNED.c.trophy_id.in_(withdraw),
                EARNED.c.log_id.is_(None),
            )
        )


# ------------------------------------------------------------------------------ records


def _record_filter(user_id: int, trophy_id: int, exercise_id: int) -> Any:
    return and_(
        EARNED.c.user_id == user_id,
        EARNED.c.trophy_id == trophy_id,
        EARNED.c.exercise_id == exercise_id,
    )


def _before(key: tuple[dt.datetime, str]) -> Any:
    date, log_id = key
    return or_(
        EARNED.c.record_at < date, and_(EARNED.c.record_at == date, EARNED.c.log_id < log_id)
    )


def last_record_before(
    connection: Connection, user_id: int, trophy_id: int, exercise_id: int, key: Any
) -> LastRecord | None:
    """The latest record of the exercise set before ``key`` (None when there is none)."""
    stmt = (
        select(EARNED.c.one_rep_max)
        .where(_record_filter(user_id, trophy_id, exercise_id), _before(key))
        .order_by(EARNED.c.record_at.desc(), EARNED.c.log_id.desc())
        .limit(1)
    )
    found = connection.execute(stmt).first()
    if found is None:
        return None
    estimate = found[0]
    return LastRecord(None if estimate is None else Decimal(str(estimate)).quantize(CENT))


def record_row(
    user_id: int, trophy_id: int, log: LogEntry, estimate: Decimal | None
) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "trophy_id": trophy_id,
        "earned_at": utcnow(),
        "progress": 100.0,
        "is_notified": False,
        "log_id": log.id,
        "exercise_id": log.exercise_id,
        "record_at": log.date,
        "one_rep_max": estimate,
        "context_data": record_context(log, estimate),
    }


def record_context(log: LogEntry, estimate: Decimal | None) -> dict[str, Any]:
    """Upstream's ``context_data`` of a personal record (a weight or repetitions of 0 is
    written null, as upstream writes it)."""
    return {
        "log_id": str(log.id),
        "date": log.date.isoformat(),
        "session_id": str(log.session_id) if log.session_id else None,
        "exercise_id": log.exercise_id,
        "repetitions_unit_id": log.repetitions_unit_id,
        "repetitions": float(log.repetitions) if log.repetitions else None,
        "weight_unit_id": log.weight_unit_id,
        "weight": float(log.weight) if log.weight else None,
        "iteration": log.iteration,
        "one_rep_max_estimate": None if estimate is None else float(estimate),
    }


def move_exercise_records(connection: Connection, from_id: int, to_id: int) -> int:
    """The personal records earned on exercise ``from_id`` (deleted with ``replaced_by``, its
    logs moved to ``to_id``) name ``to_id`` from now on, in the row and its ``context_data``:
    an earned trophy stays earned. How many moved."""
    rows = connection.execute(
        select(EARNED.c.id, EARNED.c.context_data).where(EARNED.c.exercise_id == from_id)
    ).all()
    for row_id, context in rows:
        if isinstance(context, dict) and "exercise_id" in context:
            context = {**context, "exercise_id": to_id}
        connection.execute(
            update(EARNED)
            .where(EARNED.c.id == row_id)
            .values(exercise_id=to_id, context_data=context)
        )
    return len(rows)


def add_record_log(connection: Connection, user_id: int, trophy_id: int, log: LogEntry) -> int:
    """A new log of an exercise: a record when it is one against the latest record before
    it; the later records, if any, are then derived again after it (some may stop being
    records). Returns the change in the number of records."""
    last = last_record_before(connection, user_id, trophy_id, log.exercise_id, log.key)
    estimate = one_rep_max(log)
    if not is_record(estimate, last):
        return 0
    date, log_id = log.key
    later = or_(
        EARNED.c.record_at > date, and_(EARNED.c.record_at == date, EARNED.c.log_id > log_id)
    )
    dropped = connection.execute(
        delete(EARNED).where(_record_filter(user_id, trophy_id, log.exercise_id), later)
    ).rowcount
    connection.execute(insert(EARNED), [record_row(user_id, trophy_id, log, estimate)])
    if not dropped:  # the usual case: the newest log of the exercise
        return 1
    return (
        1
        - dropped
        + _derive_records(
            connection,
            user_id,
            trophy_id,
            log.exercise_id,
            log.key,
            LastRecord(estimate),
            after=True,
        )
    )


LOG_COLUMNS = (
    WorkoutLog.id,
    WorkoutLog.exercise_id,
    WorkoutLog.date,
    WorkoutLog.weight,
    WorkoutLog.weight_unit_id,
    WorkoutLog.repetitions,
    WorkoutLog.repetitions_unit_id,
    WorkoutLog.rir,
    WorkoutLog.session_id,
    WorkoutLog.iteration,
)


def log_entry(row: Any) -> LogEntry:
    return LogEntry(*row)


def rebuild_records(
    connection: Connection, user_id: int, trophy_id: int, exercise_id: int, key: Any
) -> int:
    """Re-derive the records of one exercise from ``key`` on (its logs from there only)."""
    last = last_record_before(connection, user_id, trophy_id, exercise_id, key)
    dropped = connection.execute(
        delete(EARNED).where(_record_filter(user_id, trophy_id, exercise_id), ~_before(key))
    ).rowcount
    return _derive_records(connection, user_id, trophy_id, exercise_id, key, last) - dropped


def _derive_records(
    connection: Connection,
    user_id: int,
    trophy_id: int,
    exercise_id: int,
    key: Any,
    last: LastRecord | None,
    *,
    after: bool = False,
) -> int:
    """Write the records among the exercise's logs from ``key`` on (after it with ``after``),
    following ``last``; returns how many."""
    date, log_id = key
    same_date = WorkoutLog.id > log_id if after else WorkoutLog.id >= log_id
    logs = connection.execute(
        select(*LOG_COLUMNS)
        .where(
            WorkoutLog.user_id == user_id,
            WorkoutLog.exercise_id == exercise_id,
            or_(WorkoutLog.date > date, and_(WorkoutLog.date == date, same_date)),
        )
        .order_by(WorkoutLog.date, WorkoutLog.id)
    )
    rows = []
    for row in logs:
        log = log_entry(row)
        estimate = one_rep_max(log)
        if is_record(estimate, last):
            last = LastRecord(estimate)
            rows.append(record_row(user_id, trophy_id, log, estimate))
    if rows:
        connection.execute(insert(EARNED), rows)
    return len(rows)


def session_entry(row: Any) -> SessionEntry:
    return SessionEntry(*row)


def session_columns() -> tuple[Any, ...]:
    """What a session contributes: its id, its 2.6 date and time, its 2.7 start instant."""
    return (
        WorkoutSession.id,
        WorkoutSession.date,
        WorkoutSession.time_start,
        WorkoutSession.datetime_start,
    )
