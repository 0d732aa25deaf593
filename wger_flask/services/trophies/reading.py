"""Reading what the trophy aggregates say: the statistics as the API shows them, every
visible trophy with the caller's progress, the catalogue a user may see, an account export."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, or_, select

from wger_flask.extensions import db
from wger_flask.models.trophies import Trophy, UserStatistics, UserTrophy
from wger_flask.rest.dateparse import iso_datetime
from wger_flask.services.trophies import checkers, store
from wger_flask.services.trophies.history import kg_of

SATURDAY = 5


def current_streak(stats: Any) -> int:
    """The run of consecutive workout days that ends on the last workout day, however long
    ago that was: the value upstream's servers answer (their statistics row, kept by each new
    workout; docs/trophies.md says why the decaying variant of upstream's recompute is not
    used). The same for the incremental and the recomputed statistics, at any hour."""
    return stats.streak_run if stats.last_workout_date is not None else 0


def current_weekend_streak(stats: Any) -> int:
    """The run of consecutive complete weekends that ends on the last complete one (upstream's
    kept value, as ``current_streak``)."""
    return stats.weekend_run if stats.last_complete_weekend_date is not None else 0


def statistics_row(stats: Any) -> dict[str, Any]:
    """A statistics row as upstream's serializer shows it."""
    return {
        "id": stats.id,
        "total_weight_lifted": f"{kg_of(stats.volume_mg)}",
        "total_workouts": stats.total_workouts,
        "current_streak": current_streak(stats),
        "longest_streak": stats.longest_streak,
        "last_workout_date": _iso(stats.last_workout_date),
        "earliest_workout_time": _iso(stats.earliest_workout_time),
        "latest_workout_time": _iso(stats.latest_workout_time),
        "weekend_workout_streak": current_weekend_streak(stats),
        "last_complete_weekend_date": _iso(stats.last_complete_weekend_date),
        "worked_out_jan_1": stats.worked_out_jan_1,
        "last_updated": _iso(stats.last_updated),
    }


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return iso_datetime(value)  # as the API's datetimes
    text: str = value.isoformat()
    return text


# ------------------------------------------------------------------------------ the catalogue


def visible_trophies(stmt: Select[*tuple[Any, ...]], user: Any) -> Select[*tuple[Any, ...]]:
    """Active trophies; hidden ones only once the user earned them (staff see all)."""
    stmt = stmt.where(Trophy.is_active.is_(True))
    if user is not None and user.is_staff:
        return stmt
    if user is None:
        return stmt.where(Trophy.is_hidden.is_(False))
    earned = select(UserTrophy.trophy_id).where(UserTrophy.user_id == user.id)
    return stmt.where(or_(Trophy.is_hidden.is_(False), Trophy.id.in_(earned)))


@dataclass
class Progress:
    """One row of ``trophy/progress/``."""

    trophy: Any
    is_earned: bool
    earned_at: dt.datetime | None
    progress: float
    current_value: str | None
    target_value: str | None
    progress_display: str | None


def trophy_progress(user: Any, include_repeatable: bool = False) -> list[Progress]:
    """Every trophy the user may see with their progress (two statements whatever the
    history: the trophies with the user's awards, and the statistics row)."""
    earned_at = (
        select(func.max(UserTrophy.earned_at))
        .where(UserTrophy.user_id == user.id, UserTrophy.trophy_id == Trophy.id)
        .scalar_subquery()
    )
    stmt = select(Trophy, earned_at.label("earned_at")).where(Trophy.is_active.is_(True))
    if not include_repeatable:
        stmt = stmt.where(Trophy.is_repeatable.is_(False))
    rows = db.session.execute(stmt.order_by(Trophy.order, Trophy.name)).all()
    stats = db.session.execute(
        select(UserStatistics).where(UserStatistics.user_id == user.id)
    ).scalar()
    facts = (
        store.facts_for_checkers(_stats_mapping(stats), ())
        if stats is not None
        else checkers.Facts()
    )
    result = []
    for trophy, when in rows:
        if trophy.is_hidden and when is None and not user.is_staff:
            continue
        result.append(_progress_of(trophy, when, facts))
    return result


def _stats_mapping(stats: UserStatistics) -> dict[str, Any]:
    return {column.key: getattr(stats, column.key) for column in UserStatistics.__table__.c}


def _progress_of(trophy: Trophy, when: dt.datetime | None, facts: checkers.Facts) -> Progress:
    if when is not None:
        return Progress(trophy, True, when, 100.0, None, None, None)
    if not trophy.is_progressive:
        return Progress(trophy, False, None, 0.0, None, None, None)
    verdict = checkers.check(trophy.checker_class, facts, trophy.checker_params)
    display = (
        f"{verdict.current}/{verdict.target}"
        if verdict.current is not None and verdict.target is not None
        else None
    )
    return Progress(trophy, False, None, verdict.progress, verdict.current, verdict.target, display)


# ------------------------------------------------------------------------------ export


def export_user(user_id: int) -> dict[str, list[dict[str, Any]]]:
    """The user's statistics and earned trophies as JSON-ready rows (the account export)."""
    stats = db.session.execute(
        select(UserStatistics).where(UserStatistics.user_id == user_id)
    ).scalar()
    earned = db.session.execute(
        select(UserTrophy, Trophy.uuid, Trophy.name)
        .join(Trophy, Trophy.id == UserTrophy.trophy_id)
        .where(UserTrophy.user_id == user_id)
        .order_by(UserTrophy.earned_at, UserTrophy.id)
    ).all()
    return {
        "user_statistics": [statistics_row(stats)] if stats is not None else [],
        "user_trophies": [
            {
                "id": row.id,
                "trophy": row.trophy_id,
                "trophy_uuid": str(uuid),
                "trophy_name": name,
                "earned_at": _iso(row.earned_at),
                "progress": row.progress,
                "is_notified": row.is_notified,
                "context_data": row.context_data,
            }
            for row, uuid, name in earned
        ],
    }
