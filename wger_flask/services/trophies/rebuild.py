"""Recomputing a user's statistics, records and trophies from the logs themselves.

The reference the incremental tracker must agree with: it reads the whole history (the
``trophies recompute`` command, a user's first tracked write, a time-zone change, a cascade).
Earned rows that stay earned keep their ``earned_at``; nothing else is kept.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, insert, select

from wger_flask.models.routines import WorkoutLog, WorkoutSession
from wger_flask.models.trophies import SessionFact, UserTrophy
from wger_flask.services.trophies import checkers, store
from wger_flask.services.trophies.history import (
    Summary,
    day_facts,
    month_day,
    session_moment,
    summarize,
    zone_of,
)

EARNED = UserTrophy.__table__


def history_summary(connection: Connection, user_id: int, time_zone: str) -> Summary:
    sessions = connection.execute(
        select(*store.session_columns()).where(WorkoutSession.user_id == user_id)
    )
    logs = connection.execute(select(*store.LOG_COLUMNS).where(WorkoutLog.user_id == user_id))
    return summarize(
        [store.session_entry(row) for row in sessions],
        [store.log_entry(row) for row in logs],
        zone_of(time_zone),
    )


def recompute_user(connection: Connection, user_id: int) -> bool:
    """Rebuild one user's aggregates from their logs; False when trophies are switched off
    for them (or the user is gone)."""
    state = store.load_state(connection, user_id)
    if not state.enabled:
        if state.stats is not None:
            store.mark_stale(connection, user_id)
        return False
    summary = history_summary(connection, user_id, state.time_zone)
    connection.execute(delete(SessionFact).where(SessionFact.user_id == user_id))
    store.replace_facts(connection, user_id, [], summary.moments)
    trophies = store.catalogue(connection, user_id)
    records = _reconcile_records(connection, user_id, store.record_trophy(trophies), summary)
    stats = store.with_day_facts(
        {
            "volume_mg": summary.volume_mg,
            "total_workouts": summary.total_workouts,
            "earliest_workout_time": summary.earliest_time,
            "latest_workout_time": summary.latest_time,
            "worked_out_jan_1": 101 in summary.month_days,
            "personal_records": records,
        },
        summary.days,
    )
    store.save_stats(connection, user_id, stats, new=state.stats is None)
    facts = store.facts_for_checkers(stats, summary.month_days)
    store.settle(connection, user_id, trophies, facts, set(checkers.ASPECTS.values()))
    return True


def _reconcile_records(
    connection: Connection, user_id: int, trophy_id: int | None, summary: Summary
) -> int:
    """Keep the record rows still right, drop the others, add the missing ones."""
    if trophy_id is None:
        return 0
    held: dict[Any, Any] = {
        row.log_id: (row.one_rep_max, row.context_data)
        for row in connection.execute(
            select(EARNED.c.log_id, EARNED.c.one_rep_max, EARNED.c.context_data).where(
                EARNED.c.user_id == user_id, EARNED.c.trophy_id == trophy_id
            )
        )
    }
    wanted = {log.id: (log, estimate) for log, estimate in summary.records}
    # a record stays when its estimate and its context are still what the log says
    stale = [
        log_id
        for log_id, (value, context) in held.items()
        if log_id not in wanted
        or not _same_estimate(value, wanted[log_id][1])
        or context != store.record_context(*wanted[log_id])
    ]
    if stale:
        connection.execute(
            delete(EARNED).where(
                EARNED.c.user_id == user_id,
                EARNED.c.trophy_id == trophy_id,
                EARNED.c.log_id.in_(stale),
            )
        )
    missing = [
        store.record_row(user_id, trophy_id, log, estimate)
        for log_id, (log, estimate) in wanted.items()
        if log_id not in held or log_id in stale
    ]
    if missing:
        connection.execute(insert(EARNED), missing)
    return len(wanted)


def _same_estimate(held: Any, wanted: Any) -> bool:
    if held is None or wanted is None:
        return held is None and wanted is None
    return float(held) == float(wanted)


def rezone_user(connection: Connection, user_id: int) -> None:
    """After a time-zone change: the local days and times of the sessions again (reading the
    sessions, not the logs: volume and records do not depend on the zone)."""
    state = store.load_state(connection, user_id)
    if not state.enabled or state.stats is None or state.stats["stale"]:
        recompute_user(connection, user_id)
        return
    zone = zone_of(state.time_zone)
    sessions = connection.execute(
        select(*store.session_columns()).where(WorkoutSession.user_id == user_id)
    )
    moments = {row[0]: session_moment(store.session_entry(row), zone) for row in sessions}
    connection.execute(delete(SessionFact).where(SessionFact.user_id == user_id))
    store.replace_facts(connection, user_id, [], moments)
    times = [time for _, time in moments.values() if time is not None]
    month_days = {month_day(day) for day, _ in moments.values()}
    stats = store.with_day_facts(dict(state.stats), day_facts(day for day, _ in moments.values()))
    stats["earliest_workout_time"] = min(times, default=None)
    stats["latest_workout_time"] = max(times, default=None)
    stats["worked_out_jan_1"] = 101 in month_days
    store.save_stats(connection, user_id, stats, new=False)
    facts = store.facts_for_checkers(stats, month_days)
    trophies = store.catalogue(connection, user_id)
    store.settle(connection, user_id, trophies, facts, {"days", "times"})
