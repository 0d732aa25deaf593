"""One checker per ``checker_class``: a plain function of a user's facts and the trophy's
``checker_params`` that says whether the trophy is earned and how far along the user is.

Every checker reads only time-independent facts (the longest streak rather than the current
one), so a trophy earned from a history stays earned for that history, and the incremental
tracker and the full recompute award the same trophies. Invalid parameters earn nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Facts:
    """What the checkers read of a user's workouts."""

    total_workouts: int = 0
    volume_kg: Decimal = Decimal(0)
    longest_streak: int = 0
    longest_weekend_streak: int = 0
    earliest_time: dt.time | None = None
    latest_time: dt.time | None = None
    longest_gap: int = 0
    month_days: frozenset[int] = frozenset()  # month × 100 + day of the workout days
    personal_records: int = 0


@dataclass(frozen=True)
class Verdict:
    """A checker's answer: earned, progress 0–100, and the figures behind it."""

    earned: bool
    progress: float
    current: str | None = None
    target: str | None = None


NOTHING = Verdict(False, 0.0)


def _positive_int(params: Mapping[str, Any], name: str) -> int | None:
    value = params.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return None
    return value


def _number(value: Decimal | int) -> str:
    """A figure as text: whole numbers without decimals, others with two."""
    if value == int(value):
        return str(int(value))
    return f"{Decimal(value):.2f}"


def _towards(current: Decimal | int, target: Decimal | int) -> Verdict:
    progress = min(float(current) / float(target) * 100, 100.0)
    return Verdict(current >= target, progress, _number(current), _number(target))


def workout_count_based(facts: Facts, params: Mapping[str, Any]) -> Verdict:
    """``{"count": n}``: n workouts (sessions) logged."""
    target = _positive_int(params, "count")
    return NOTHING if target is None else _towards(facts.total_workouts, target)


def streak(facts: Facts, params: Mapping[str, Any]) -> Verdict:
    """``{"days": n}``: a workout on each of n consecutive days, at any time."""
    target = _positive_int(params, "days")
    return NOTHING if target is None else _towards(facts.longest_streak, target)


def weekend_warrior(facts: Facts, params: Mapping[str, Any]) -> Verdict:
    """``{"weekends": n}``: n consecutive weekends with a workout on Saturday AND Sunday."""
    target = _positive_int(params, "weekends")
    return NOTHING if target is None else _towards(facts.longest_weekend_streak, target)


def volume(facts: Facts, params: Mapping[str, Any]) -> Verdict:
    """``{"kg": n}``: n kg lifted in total (weight × repetitions, pounds converted)."""
    target = params.get("kg")
    if isinstance(target, bool) or not isinstance(target, int | float) or target <= 0:
        return NOTHING
    return _towards(facts.volume_kg, Decimal(str(target)))


def _clock(text: Any) -> dt.time | None:
    try:
        hours, _, minutes = str(text).partition(":")
        return dt.time(int(hours), int(minutes or 0))
    except ValueError:
        return None


def time_based(facts: Facts, params: Mapping[str, Any]) -> Verdict:
    """``{"before": "HH:MM"}`` or ``{"after": "HH:MM"}``: a workout started strictly before
    (after) that local time."""
    if "before" in params:
        limit = _clock(params["before"])
        if limit is None:
            return NOTHING
        earned = facts.earliest_time is not None and facts.earliest_time < limit
    elif "after" in params:
        limit = _clock(params["after"])
        if limit is None:
            return NOTHING
        earned = facts.latest_time is not None and facts.latest_time > limit
    else:
        return NOTHING
    return Verdict(earned, 100.0 if earned else 0.0)


def date_based(facts: Facts, params: Mapping[str, Any]) -> Verdict:
    """``{"month": m, "day": d}``: a workout on that day of any year."""
    month, day = _positive_int(params, "month"), _positive_int(params, "day")
    if month is None or day is None or month > 12 or day > 31:
        return NOTHING
    earned = month * 100 + day in facts.month_days
    return Verdict(earned, 100.0 if earned else 0.0)


def inactivity_return(facts: Facts, params: Mapping[str, Any]) -> Verdict:
    """``{"inactive_days": n}``: a workout n or more days after the one before it."""
    target = _positive_int(params, "inactive_days")
    if target is None:
        return NOTHING
    earned = facts.longest_gap >= target
    return Verdict(earned, 100.0 if earned else 0.0)


def personal_record(facts: Facts, params: Mapping[str, Any]) -> Verdict:
    """A new best estimated one-repetition max of an exercise (earned once per record)."""
    earned = facts.personal_records > 0
    return Verdict(earned, 100.0 if earned else 0.0)


Checker = Callable[[Facts, Mapping[str, Any]], Verdict]

CHECKERS: dict[str, Checker] = {
    "workout_count_based": workout_count_based,
    "streak": streak,
    "weekend_warrior": weekend_warrior,
    "volume": volume,
    "time_based": time_based,
    "date_based": date_based,
    "inactivity_return": inactivity_return,
    "personal_record": personal_record,
}

# Which facts each checker reads: after a write only the trophies whose facts moved are checked.
ASPECTS: dict[str, str] = {
    "workout_count_based": "count",
    "streak": "days",
    "weekend_warrior": "days",
    "volume": "volume",
    "time_based": "times",
    "date_based": "days",
    "inactivity_return": "days",
    "personal_record": "records",
}


def check(checker_class: str, facts: Facts, params: Mapping[str, Any] | None) -> Verdict:
    """The verdict of a trophy's checker; an unknown checker earns nothing."""
    checker = CHECKERS.get(checker_class)
    if checker is None or not isinstance(params, Mapping):
        return NOTHING
    return checker(facts, params)


def date_targets(trophies: Any) -> set[int]:
    """The month-days (month × 100 + day) the date trophies ask about, 1 January always."""
    targets = {101}
    for trophy in trophies:
        params = trophy.checker_params
        if trophy.checker_class == "date_based" and isinstance(params, Mapping):
            month, day = _positive_int(params, "month"), _positive_int(params, "day")
            if month and day:
                targets.add(month * 100 + day)
    return targets
