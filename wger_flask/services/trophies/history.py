"""What a user's logged workouts add up to, as plain functions of hand-buildable histories.

The incremental tracker and the full recompute both use these functions, so the two agree by
construction: a session counts one workout on its *local* day (``session_moment``), a log adds
``weight × repetitions`` in kg (``volume_mg``), and a log is a personal record when its
estimated one-repetition max beats the latest earlier record of the exercise, or is its first log
(``personal_records``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from wger_flask.services.accounts import UTC, zone_named

KILOGRAM_UNIT = 1
POUND_UNIT = 2
POUND_IN_KG = Decimal(0.45359237)  # upstream's factor, the float's exact value
FOUR_PLACES = Decimal("0.0001")
MILLIGRAMS_PER_KG = 1_000_000
SATURDAY, SUNDAY = 5, 6
# The user's zone from the profile's IANA name: the accounts domain's one rule.
zone_of = zone_named


def today_in(zone: dt.tzinfo, now: dt.datetime | None = None) -> dt.date:
    return (now or dt.datetime.now(UTC)).astimezone(zone).date()


# ------------------------------------------------------------------------------ entries


@dataclass(frozen=True)
class LogEntry:
    """The parts of a workout log the statistics read."""

    id: uuid.UUID
    exercise_id: int
    date: dt.datetime
    weight: Decimal | None = None
    weight_unit_id: int | None = KILOGRAM_UNIT
    repetitions: Decimal | None = None
    repetitions_unit_id: int | None = 1
    rir: Decimal | None = None
    session_id: uuid.UUID | None = None
    iteration: int | None = None

    @property
    def key(self) -> tuple[dt.datetime, str]:
        """Chronological order of logs: by date, then id (a total order)."""
        return (self.date, str(self.id))


@dataclass(frozen=True)
class SessionEntry:
    """The parts of a workout session the statistics read."""

    id: uuid.UUID
    date: dt.date
    time_start: dt.time | None = None
    datetime_start: dt.datetime | None = None


def weight_in_kg(weight: Decimal | None, unit_id: int | None) -> Decimal | None:
    """A weight in kg to 4 places, as upstream's ``AbstractWeight(weight, mode).kg`` gives it
    (the weight and the converted value each rounded half to even): pounds are converted,
    every other unit is taken as kg, as upstream takes it."""
    if weight is None:
        return None
    if unit_id == POUND_UNIT:
        return (Decimal(weight).quantize(FOUR_PLACES) * POUND_IN_KG).quantize(FOUR_PLACES)
    return Decimal(weight).quantize(FOUR_PLACES)


def volume_mg(log: LogEntry) -> int:
    """Weight × repetitions of one log, in milligrams, as upstream's statistics recompute
    (``_calculate_total_weight``) adds it: every log with a weight and repetitions, whatever
    their units; 0 when either is missing."""
    kg = weight_in_kg(log.weight, log.weight_unit_id)
    if kg is None or log.repetitions is None:
        return 0
    volume = kg * Decimal(log.repetitions) * MILLIGRAMS_PER_KG
    return int(volume.to_integral_value(ROUND_HALF_UP))


def kg_of(milligrams: int) -> Decimal:
    return (Decimal(milligrams) / MILLIGRAMS_PER_KG).quantize(Decimal("0.01"), ROUND_HALF_UP)


def one_rep_max(log: LogEntry) -> Decimal | None:
    """Upstream's estimate: Brzycki's weight × 36 / (37 − repetitions to failure), in the unit
    the weight was logged in (pounds stay pounds), rounded to 2 places as upstream rounds its
    float; the repetitions to failure are the repetitions plus the reps in reserve, whatever
    their unit (a 60 s plank with weight 0 estimates -0.0).

    None where upstream's estimate fails: no weight, no repetitions, or exactly 37 to failure.
    """
    if log.weight is None or log.repetitions is None:
        return None
    to_failure = Decimal(log.repetitions) + (Decimal(log.rir) if log.rir is not None else 0)
    if to_failure == 37:
        return None
    estimate = Decimal(log.weight) * (Decimal(36) / (Decimal(37) - to_failure))
    return Decimal(repr(round(float(estimate), 2)))


@dataclass(frozen=True)
class LastRecord:
    """The latest record of an exercise before some log: its estimate (None when upstream
    could not estimate it)."""

    estimate: Decimal | None


def is_record(estimate: Decimal | None, last: LastRecord | None) -> bool:
    """Upstream's rule (``PersonalRecordChecker.check``): the first log of an exercise is a
    record, whatever it weighs; a later one when its estimate exists and beats the latest
    record's (or that record has none)."""
    if last is None:
        return True
    if estimate is None:
        return False
    return last.estimate is None or estimate > last.estimate


def personal_records(logs: Iterable[LogEntry]) -> list[tuple[LogEntry, Decimal | None]]:
    """The logs that set a record, with their estimate, each exercise's logs taken in
    chronological order (``is_record`` against the latest record before each)."""
    by_exercise: dict[int, list[LogEntry]] = defaultdict(list)
    for log in logs:
        by_exercise[log.exercise_id].append(log)
    records = []
    for exercise_logs in by_exercise.values():
        last: LastRecord | None = None
        for log in sorted(exercise_logs, key=lambda entry: entry.key):
            estimate = one_rep_max(log)
            if is_record(estimate, last):
                last = LastRecord(estimate)
                records.append((log, estimate))
    return records


# ------------------------------------------------------------------------------ days


def session_moment(session: SessionEntry, zone: dt.tzinfo) -> tuple[dt.date, dt.time | None]:
    """The local day and start time of a session. The start time is ``time_start`` only
    (upstream's ``_calculate_workout_times``: sessions without one have no time of day, so the
    session the server makes for a log sent without one neither earns nor spoils an early-bird
    or night-owl trophy; 2.7 clients' ``datetime_start`` sets ``time_start`` when written). The
    day: ``date`` when ``time_start`` is there, else ``datetime_start`` read in the user's zone,
    unless it is only a bare date's midnight (a 2.6 client's ``date``)."""
    if session.time_start is not None:
        return session.date, session.time_start.replace(microsecond=0)
    instant = session.datetime_start
    if instant is None:
        return session.date, None
    if instant.tzinfo is None:  # a naive instant is UTC, as the database stores it
        instant = instant.replace(tzinfo=UTC)
    local = instant.astimezone(zone)
    if session.date is not None and _is_midnight_of(session.date, instant, local):
        return session.date, None
    return local.date(), None


def _is_midnight_of(day: dt.date, instant: dt.datetime, local: dt.datetime) -> bool:
    midnight = dt.datetime.combine(day, dt.time.min)
    return local.replace(tzinfo=None) == midnight or (
        instant.astimezone(UTC).replace(tzinfo=None) == midnight
    )


def month_day(day: dt.date) -> int:
    return day.month * 100 + day.day


@dataclass(frozen=True)
class DayFacts:
    """Streak figures of a set of workout days."""

    last_day: dt.date | None = None
    streak_run: int = 0  # consecutive days ending on last_day
    longest_streak: int = 0
    weekend_run: int = 0  # consecutive complete weekends ending on last_complete_weekend
    longest_weekend_streak: int = 0
    last_complete_weekend: dt.date | None = None  # its Saturday
    longest_gap: int = 0  # most days between two consecutive workout days


def runs(points: Sequence[dt.date], step: int) -> tuple[int, int]:
    """(length of the run ending at the last point, longest run) of sorted points spaced
    ``step`` days apart."""
    run = longest = 0
    previous: dt.date | None = None
    for point in points:
        run = run + 1 if previous is not None and (point - previous).days == step else 1
        longest = max(longest, run)
        previous = point
    return run, longest


def day_facts(days: Iterable[dt.date]) -> DayFacts:
    """Streaks, weekend streaks and the longest pause of a set of workout days."""
    ordered = sorted(set(days))
    if not ordered:
        return DayFacts()
    present = set(ordered)
    streak_run, longest = runs(ordered, 1)
    saturdays = [
        day
        for day in ordered
        if day.weekday() == SATURDAY and day + dt.timedelta(days=1) in present
    ]
    weekend_run, longest_weekend = runs(saturdays, 7)
    gaps = [(later - earlier).days for earlier, later in zip(ordered, ordered[1:], strict=False)]
    return DayFacts(
        last_day=ordered[-1],
        streak_run=streak_run,
        longest_streak=longest,
        weekend_run=weekend_run,
        longest_weekend_streak=longest_weekend,
        last_complete_weekend=saturdays[-1] if saturdays else None,
        longest_gap=max(gaps, default=0),
    )


def extend_days(facts: DayFacts, day: dt.date) -> DayFacts:
    """``day_facts`` of the days plus a new ``day`` after all of them, without the days."""
    if facts.last_day is None:
        return day_facts([day])
    gap = (day - facts.last_day).days
    streak_run = facts.streak_run + 1 if gap == 1 else 1
    weekend_run, last_weekend = facts.weekend_run, facts.last_complete_weekend
    # A Sunday completes a weekend when its Saturday was the last workout day.
    if day.weekday() == SUNDAY and gap == 1:
        saturday = facts.last_day
        following = last_weekend is not None and (saturday - last_weekend).days == 7
        weekend_run = weekend_run + 1 if following else 1
        last_weekend = saturday
    return DayFacts(
        last_day=day,
        streak_run=streak_run,
        longest_streak=max(facts.longest_streak, streak_run),
        weekend_run=weekend_run,
        longest_weekend_streak=max(facts.longest_weekend_streak, weekend_run),
        last_complete_weekend=last_weekend,
        longest_gap=max(facts.longest_gap, gap),
    )


# ------------------------------------------------------------------------------ everything


@dataclass
class Summary:
    """Everything the statistics hold, computed from a whole history."""

    total_workouts: int = 0
    volume_mg: int = 0
    days: DayFacts = field(default_factory=DayFacts)
    earliest_time: dt.time | None = None
    latest_time: dt.time | None = None
    month_days: frozenset[int] = frozenset()
    records: list[tuple[LogEntry, Decimal | None]] = field(default_factory=list)
    moments: dict[uuid.UUID, tuple[dt.date, dt.time | None]] = field(default_factory=dict)


def summarize(
    sessions: Iterable[SessionEntry], logs: Iterable[LogEntry], zone: dt.tzinfo
) -> Summary:
    """The statistics of a history of sessions and logs, for a user living in ``zone``."""
    moments = {session.id: session_moment(session, zone) for session in sessions}
    times = [time for _, time in moments.values() if time is not None]
    days = [day for day, _ in moments.values()]
    logs = list(logs)
    return Summary(
        total_workouts=len(moments),
        volume_mg=sum(volume_mg(log) for log in logs),
        days=day_facts(days),
        earliest_time=min(times, default=None),
        latest_time=max(times, default=None),
        month_days=frozenset(month_day(day) for day in days),
        records=personal_records(logs),
        moments=moments,
    )
