"""Statistics and trophies kept current in the transaction of every workout write.

SQLAlchemy session events on this app's own sessions (``database.listen_to_sessions``: ``db``'s
session factory, never SQLAlchemy's global ``Session`` class), registered by ``init_app``:
whoever writes a workout log or session through the app's session (the API, the PowerSync
upload, the importer, a command, a test), its user's aggregates change in the same
transaction, after the flush that wrote it:

* ``before_flush`` notes the old values of changed and deleted logs and sessions (and, for a
  deleted session, the logs the database will delete with it);
* ``after_flush`` applies the differences per user: the lifted volume, the workout count, the
  session facts, streaks (extended in place when a session lands on or after the last workout
  day, else re-derived from the per-day aggregate), start times, personal records of the
  exercises touched, then awards or withdraws the trophies whose facts moved.

Writes that delete workouts by cascade (a routine, day, slot or slot entry, also as a bulk
``DELETE``) recompute their owners from the logs, as does switching trophies back on; a new
time zone re-derives the local days and times from the sessions. ``trophies_enabled = false``: nothing is tracked (the row is
marked stale and recomputed when they come back on).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Connection, Delete, func, inspect, select
from sqlalchemy.orm import ORMExecuteState

from wger_flask.database import AnySession, listen_to_sessions
from wger_flask.models.accounts import UserProfile
from wger_flask.models.routines import Day, Routine, Slot, SlotEntry, WorkoutLog, WorkoutSession
from wger_flask.models.trophies import UserTrophy
from wger_flask.services.trophies import checkers, store
from wger_flask.services.trophies.history import (
    LogEntry,
    SessionEntry,
    day_facts,
    extend_days,
    session_moment,
    volume_mg,
    zone_of,
)

INFO_KEY = "trophies.pending"
LOG_FIELDS = (
    "id",
    "exercise_id",
    "date",
    "weight",
    "weight_unit_id",
    "repetitions",
    "repetitions_unit_id",
    "rir",
    "session_id",
    "iteration",
)
SESSION_FIELDS = ("id", "date", "time_start", "datetime_start")
# Rows whose deletion cascades into a user's sessions or logs in the database, with the
# joins from them up to the routine that names the user.
CASCADES: dict[str, tuple[type[Any], list[tuple[type[Any], Any]]]] = {
    Routine.__tablename__: (Routine, []),
    Day.__tablename__: (Day, [(Routine, Day.routine_id == Routine.id)]),
    Slot.__tablename__: (
        Slot,
        [(Day, Slot.day_id == Day.id), (Routine, Day.routine_id == Routine.id)],
    ),
    SlotEntry.__tablename__: (
        SlotEntry,
        [
            (Slot, SlotEntry.slot_id == Slot.id),
            (Day, Slot.day_id == Day.id),
            (Routine, Day.routine_id == Routine.id),
        ],
    ),
}


@dataclass
class Changes:
    """One user's workout writes in a flush: what left and what arrived."""

    removed_logs: list[LogEntry] = field(default_factory=list)
    added_logs: list[LogEntry] = field(default_factory=list)
    removed_sessions: list[SessionEntry] = field(default_factory=list)
    added_sessions: list[SessionEntry] = field(default_factory=list)
    # records whose logs the database deletes (their award rows cascade away with them)
    records_lost: int = 0


@dataclass
class Pending:
    changes: dict[int, Changes] = field(default_factory=lambda: defaultdict(Changes))
    # objects whose new values are read after the flush: (kind, object)
    arriving: list[tuple[str, Any]] = field(default_factory=list)
    recompute: set[int] = field(default_factory=set)
    deleted_logs: list[Any] = field(default_factory=list)
    after_bulk: set[int] = field(default_factory=set)
    rezone: set[int] = field(default_factory=set)


def init_app(app: Any) -> None:
    """Listen to this app's sessions (idempotent: apps in one process share ``db``)."""
    for name, listener in (
        ("before_flush", before_flush),
        ("after_flush", after_flush),
        ("do_orm_execute", on_execute),
        ("before_commit", before_commit),
        ("after_commit", forget),
        ("after_rollback", forget),
    ):
        listen_to_sessions(name, listener)


def pending_of(session: AnySession) -> Pending:
    pending = session.info.get(INFO_KEY)
    if pending is None:
        pending = session.info[INFO_KEY] = Pending()
    return pending


def forget(session: AnySession, *args: Any) -> None:
    session.info.pop(INFO_KEY, None)


# ------------------------------------------------------------------------------ collecting


def _old_value(obj: Any, name: str) -> tuple[Any, bool]:
    """The attribute's value before this flush; False when it cannot be known."""
    history = inspect(obj).attrs[name].history
    if history.deleted:
        return history.deleted[0], True
    if history.unchanged:
        return history.unchanged[0], True
    if history.added:  # set without having been loaded: the old value is unknown
        return None, False
    return getattr(obj, name), True


def _snapshot(obj: Any, names: tuple[str, ...]) -> tuple[tuple[Any, ...], bool]:
    """The values before this flush, and whether all of them are known."""
    values, known = [], True
    for name in names:
        value, ok = _old_value(obj, name)
        values.append(value)
        known = known and ok
    return tuple(values), known


def _changed(obj: Any, names: tuple[str, ...]) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in (*names, "user_id"))


def before_flush(session: AnySession, flush_context: Any, instances: Any) -> None:
    pending = None
    for obj in session.deleted:
        if isinstance(obj, WorkoutLog | WorkoutSession):
            pending = pending or pending_of(session)
            _leaving(session, pending, obj)
        elif getattr(type(obj), "__tablename__", None) in CASCADES:
            pending = pending or pending_of(session)
            pending.recompute |= _owners(session.connection(), type(obj), [obj.id])
    for obj in session.new:
        if isinstance(obj, WorkoutLog | WorkoutSession):
            pending = pending or pending_of(session)
            pending.arriving.append(("log" if isinstance(obj, WorkoutLog) else "session", obj))
    for obj in session.dirty:
        if isinstance(obj, WorkoutLog | WorkoutSession):
            fields = LOG_FIELDS if isinstance(obj, WorkoutLog) else SESSION_FIELDS
            if _changed(obj, fields):
                pending = pending or pending_of(session)
                _leaving(session, pending, obj)
                kind = "log" if isinstance(obj, WorkoutLog) else "session"
                pending.arriving.append((kind, obj))
        elif isinstance(obj, UserProfile):
            switched = _profile_switched(obj)
            if switched:
                pending = pending or pending_of(session)
                (pending.recompute if switched == "on" else pending.rezone).add(obj.user_id)
    if pending is not None:
        _count_lost_records(session, pending)


def _count_lost_records(session: AnySession, pending: Pending) -> None:
    """How many of each user's records leave with the logs deleted in this flush (their
    award rows cascade away in the database, unseen by the tracker)."""
    if not pending.deleted_logs:
        return
    earned = UserTrophy.__table__
    rows = session.connection().execute(
        select(earned.c.user_id, func.count())
        .where(earned.c.log_id.in_(pending.deleted_logs))
        .group_by(earned.c.user_id)
    )
    for user_id, count in rows:
        pending.changes[user_id].records_lost += count
    pending.deleted_logs = []


def _profile_switched(profile: UserProfile) -> str | None:
    """ "on": trophies switched back on (catch up); "zone": a new time zone moves local days."""
    state = inspect(profile)
    switched = state.attrs.trophies_enabled.history
    if switched.has_changes() and switched.added and switched.added[0]:
        return "on"
    if state.attrs.time_zone.history.has_changes():
        return "zone"
    return None


def _leaving(session: AnySession, pending: Pending, obj: Any) -> None:
    """Note the values an existing log or session had before this flush."""
    user_id, known_user = _old_value(obj, "user_id")
    if isinstance(obj, WorkoutLog):
        values, known = _snapshot(obj, LOG_FIELDS)
        if known and known_user:
            pending.changes[user_id].removed_logs.append(LogEntry(*values))
            if obj in session.deleted:
                pending.deleted_logs.append(obj.id)
        else:
            pending.recompute.add(obj.user_id)
        return
    values, known = _snapshot(obj, SESSION_FIELDS)
    if not (known and known_user):
        pending.recompute.add(obj.user_id)
        return
    entry = SessionEntry(*values)
    pending.changes[user_id].removed_sessions.append(entry)
    if obj in session.deleted:  # the database deletes its logs with it
        explicit = {log.id for log in session.deleted if isinstance(log, WorkoutLog)}
        rows = session.connection().execute(
            select(*store.LOG_COLUMNS).where(WorkoutLog.session_id == entry.id)
        )
        cascaded = [store.log_entry(row) for row in rows if row[0] not in explicit]
        pending.changes[user_id].removed_logs.extend(cascaded)
        pending.deleted_logs.extend(log.id for log in cascaded)


def _owners(
    connection: Connection, model: type[Any], ids: Any = None, condition: Any = None
) -> set[Any]:
    """The users whose workouts a deletion of these ``model`` rows cascades into."""
    source, joins = CASCADES[model.__tablename__]
    stmt = select(Routine.user_id).select_from(source)
    for target, on in joins:
        stmt = stmt.join(target, on)
    stmt = stmt.where(source.id.in_(ids) if ids is not None else condition)
    return set(connection.execute(stmt.distinct()).scalars())


def on_execute(state: ORMExecuteState) -> None:
    """A bulk DELETE of rows that cascade into workouts recomputes their owners."""
    if not state.is_delete:
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    connection = state.session.connection()
    # The DELETE's condition, as is (None without one), as ``_owners`` takes it.
    condition: Any = cast(Delete, state.statement).whereclause
    if name in CASCADES:
        model = CASCADES[name][0]
        users = _owners(connection, model, condition=condition)
    elif name in (WorkoutLog.__tablename__, WorkoutSession.__tablename__):
        model = WorkoutLog if name == WorkoutLog.__tablename__ else WorkoutSession
        stmt = select(model.user_id).where(condition).distinct()
        users = set(connection.execute(stmt).scalars())
    else:
        return
    # recomputed at commit: an autoflush may still run between here and the DELETE itself
    pending_of(state.session).after_bulk |= users


# ------------------------------------------------------------------------------ applying


def after_flush(session: AnySession, flush_context: Any) -> None:
    pending = session.info.get(INFO_KEY)
    if pending is None:
        return
    for kind, obj in pending.arriving:
        if kind == "log":
            log = LogEntry(*(getattr(obj, name) for name in LOG_FIELDS))
            pending.changes[obj.user_id].added_logs.append(log)
        else:
            made = SessionEntry(*(getattr(obj, name) for name in SESSION_FIELDS))
            pending.changes[obj.user_id].added_sessions.append(made)
    changes, recompute, rezone = pending.changes, pending.recompute, pending.rezone
    session.info[INFO_KEY] = Pending(after_bulk=pending.after_bulk)
    connection = session.connection()
    from wger_flask.services.trophies.rebuild import recompute_user, rezone_user

    for user_id in recompute:
        recompute_user(connection, user_id)
    for user_id in rezone - recompute:
        rezone_user(connection, user_id)
    for user_id, change in changes.items():
        if user_id not in recompute:
            apply(connection, user_id, change)


def before_commit(session: AnySession) -> None:
    """Owners of workouts a bulk DELETE removed are recomputed before the commit."""
    pending = session.info.get(INFO_KEY)
    if pending is None or not pending.after_bulk:
        return
    users = pending.after_bulk
    pending.after_bulk = set()
    session.flush()
    from wger_flask.services.trophies.rebuild import recompute_user

    connection = session.connection()
    for user_id in users:
        recompute_user(connection, user_id)


def apply(connection: Connection, user_id: int, change: Changes) -> None:
    """One user's differences, in a constant number of statements for the usual writes."""
    state = store.load_state(connection, user_id)
    if not state.enabled:
        if state.stats is not None:
            store.mark_stale(connection, user_id)
        return
    if state.stats is None or state.stats["stale"]:
        from wger_flask.services.trophies.rebuild import recompute_user

        recompute_user(connection, user_id)
        return
    stats = dict(state.stats)
    aspects: set[str] = set()
    volume = sum(map(volume_mg, change.added_logs)) - sum(map(volume_mg, change.removed_logs))
    if volume:
        stats["volume_mg"] += volume
        aspects.add("volume")
    if change.added_sessions or change.removed_sessions:
        aspects |= _apply_sessions(connection, user_id, state, stats, change)
    trophies = None
    if change.added_logs or change.removed_logs:
        trophies = store.catalogue(connection, user_id)
        moved = _apply_records(connection, user_id, trophies, change) - change.records_lost
        if moved:
            stats["personal_records"] += moved
            aspects.add("records")
    if aspects - {"records"}:
        trophies = trophies if trophies is not None else store.catalogue(connection, user_id)
        month_days = set()
        if "days" in aspects:
            targets = checkers.date_targets(trophies)
            month_days = store.present_month_days(connection, user_id, targets)
            stats["worked_out_jan_1"] = 101 in month_days
        facts = store.facts_for_checkers(stats, month_days)
        store.settle(connection, user_id, trophies, facts, aspects - {"records"})
    store.save_stats(connection, user_id, stats, new=False)


def _apply_sessions(
    connection: Connection, user_id: int, state: store.State, stats: dict[str, Any], change: Changes
) -> set[str]:
    zone = zone_of(state.time_zone)
    removed = {entry.id: session_moment(entry, zone) for entry in change.removed_sessions}
    added = {entry.id: session_moment(entry, zone) for entry in change.added_sessions}
    aspects = {"count"} if len(added) != len(removed) else set()
    stats["total_workouts"] += len(added) - len(removed)
    store.replace_facts(connection, user_id, removed, added)
    before = store.day_facts_of(stats)
    new_days = sorted({day for day, _ in added.values()})
    old_days = {day for day, _ in removed.values()}
    last = before.last_day
    if not removed and all(last is None or day >= last for day in new_days):
        days = before
        for day in new_days:
            if day != days.last_day:
                days = extend_days(days, day)
    elif set(new_days) == old_days and len(added) == len(removed):
        days = before  # the same days, moved times only
    else:
        days = day_facts(store.workout_days(connection, user_id))
    if days != before or set(new_days) != old_days:
        # the set of workout days may have changed even where the streaks did not
        stats.update(store.with_day_facts(stats, days))
        aspects.add("days")
    times = [time for _, time in added.values() if time is not None]
    earliest, latest = stats["earliest_workout_time"], stats["latest_workout_time"]
    if removed:
        earliest, latest = store.time_range(connection, user_id)
    elif times:
        earliest = min([*times, earliest] if earliest else times)
        latest = max([*times, latest] if latest else times)
    if (earliest, latest) != (stats["earliest_workout_time"], stats["latest_workout_time"]):
        stats["earliest_workout_time"], stats["latest_workout_time"] = earliest, latest
        aspects.add("times")
    return aspects


def _apply_records(
    connection: Connection, user_id: int, trophies: list[Any], change: Changes
) -> int:
    """Personal records of the exercises whose logs changed; the change in their number."""
    trophy_id = store.record_trophy(trophies)
    if trophy_id is None:
        return 0
    added: dict[int, list[LogEntry]] = defaultdict(list)
    removed: dict[int, list[LogEntry]] = defaultdict(list)
    for log in change.added_logs:
        added[log.exercise_id].append(log)
    for log in change.removed_logs:
        removed[log.exercise_id].append(log)
    moved = 0
    for exercise_id in set(added) | set(removed):
        if exercise_id not in removed and len(added[exercise_id]) == 1:
            moved += store.add_record_log(connection, user_id, trophy_id, added[exercise_id][0])
            continue
        start = min(log.key for log in (*added[exercise_id], *removed[exercise_id]))
        moved += store.rebuild_records(connection, user_id, trophy_id, exercise_id, start)
    return moved
