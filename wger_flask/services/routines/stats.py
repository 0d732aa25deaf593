"""Statistics of a routine's logs: volume, sets and intensity per iteration, week, day and
over the whole routine (the mesocycle), each by exercise and by (primary) muscle.

As upstream: only logs in kilograms and plain repetitions count; every log is one set; the
volume is weight × repetitions (0 when either is missing); the intensity is the Brzycki
fraction of the one-repetition maximum, averaged over the logs that have both values. Upper
and lower body totals are not computed (always 0), as upstream.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from wger_flask.models.routines import KILOGRAM_UNIT_ID, REPETITIONS_UNIT_ID

# Brzycki: 1RM = weight / (1.0278 - 0.0278 × repetitions); upstream builds the constants from
# floats, and so do we, so the digits agree.
BRZYCKI_INTERCEPT = Decimal(1.0278)
BRZYCKI_SLOPE = Decimal(0.0278)
ZERO = Decimal(0)


@dataclass(slots=True)
class LogData:
    """Sums (or averages) of one group: by exercise, by muscle, and in total."""

    exercises: dict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    muscle: dict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    upper_body: Decimal = ZERO
    lower_body: Decimal = ZERO
    total: Decimal = ZERO

    def add(self, exercise: int, muscles: Iterable[int], value: Decimal) -> None:
        self.exercises[exercise] += value
        self.total += value
        for muscle in muscles:
            self.muscle[muscle] += value

    def divide_by(self, counts: LogData) -> None:
        """Turn sums into averages; a group without counts keeps its sum (upstream)."""
        self.total = _divide(self.total, counts.total)
        self.upper_body = _divide(self.upper_body, counts.upper_body)
        self.lower_body = _divide(self.lower_body, counts.lower_body)
        for key in self.muscle:
            self.muscle[key] = _divide(self.muscle[key], counts.muscle[key])
        for key in self.exercises:
            self.exercises[key] = _divide(self.exercises[key], counts.exercises[key])


@dataclass(slots=True)
class GroupedLogData:
    """One measure grouped four ways."""

    iteration: dict[Any, LogData] = field(default_factory=lambda: defaultdict(LogData))
    weekly: dict[int, LogData] = field(default_factory=lambda: defaultdict(LogData))
    daily: dict[dt.date, LogData] = field(default_factory=lambda: defaultdict(LogData))
    mesocycle: LogData = field(default_factory=LogData)

    def add(
        self, when: tuple[Any, int, dt.date], exercise: int, muscles: Sequence[int], value: Decimal
    ) -> None:
        iteration, week, date = when
        for group in (self.iteration[iteration], self.weekly[week], self.daily[date]):
            group.add(exercise, muscles, value)
        self.mesocycle.add(exercise, muscles, value)

    def divide_by(self, counts: GroupedLogData) -> None:
        self.mesocycle.divide_by(counts.mesocycle)
        groups: tuple[tuple[dict[Any, LogData], dict[Any, LogData]], ...] = (
            (self.daily, counts.daily),
            (self.weekly, counts.weekly),
            (self.iteration, counts.iteration),
        )
        for mine, theirs in groups:
            for key, data in mine.items():
                data.divide_by(theirs[key])


@dataclass(slots=True)
class RoutineStats:
    volume: GroupedLogData = field(default_factory=GroupedLogData)
    intensity: GroupedLogData = field(default_factory=GroupedLogData)
    sets: GroupedLogData = field(default_factory=GroupedLogData)


def _divide(numerator: Decimal, denominator: Decimal) -> Decimal:
    return numerator / denominator if denominator != 0 else numerator


def intensity(weight: Decimal, repetitions: Decimal) -> Decimal:
    """The fraction of the estimated one-repetition maximum that ``weight`` is."""
    denominator = BRZYCKI_INTERCEPT - BRZYCKI_SLOPE * Decimal(repetitions)
    if denominator == 0:
        return ZERO
    one_rep_max = Decimal(weight) / denominator
    return Decimal(weight) / one_rep_max if one_rep_max != 0 else ZERO


def counted(log: Any) -> bool:
    """Only kilograms and plain repetitions are comparable (upstream leaves the rest out)."""
    return bool(
        log.weight_unit_id == KILOGRAM_UNIT_ID and log.repetitions_unit_id == REPETITIONS_UNIT_ID
    )


def log_statistics(
    sessions: Iterable[tuple[dt.date, Iterable[Any]]],
    muscles_by_exercise: Mapping[int, Sequence[int]],
) -> RoutineStats:
    """Statistics of ``sessions`` (their date and counted logs, in order).

    Logs need ``iteration``, ``exercise_id``, ``weight``, ``repetitions`` and their units.
    """
    result, counts = RoutineStats(), GroupedLogData()
    for date, logs in sessions:
        for log in logs:
            if not counted(log):
                continue
            when = (log.iteration, date.isocalendar().week, date)
            muscles = muscles_by_exercise.get(log.exercise_id, ())
            both = log.weight is not None and log.repetitions is not None
            volume = log.weight * log.repetitions if both else ZERO
            result.volume.add(when, log.exercise_id, muscles, volume)
            result.sets.add(when, log.exercise_id, muscles, Decimal(1))
            if both:
                counts.add(when, log.exercise_id, muscles, Decimal(1))
                result.intensity.add(
                    when, log.exercise_id, muscles, intensity(log.weight, log.repetitions)
                )
    result.intensity.divide_by(counts)
    return result
