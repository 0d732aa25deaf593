"""A routine's plan over its dates: the day and iteration of every date and the sets of each
of its slots, in display mode (grouped for reading) or gym mode (set by set).

Plain functions of data: the routine's days carry their ``slots``, slots their ``entries``,
entries their config rows (``weight_configs``, ``set_nr_configs``, ...), as the structure
read loads them. Each entry's progression is computed once for all the iterations the
schedule needs, and equal prescriptions are shared, so the plan costs little more than its
size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from wger_flask.services.routines.progression import Values, progression
from wger_flask.services.routines.schedule import date_sequence
from wger_flask.services.routines.sets import (
    Prescription,
    SetData,
    SlotPlan,
    display_slots,
    gym_slot,
    prescription_key,
    set_data,
)

# The property of each config relationship of a slot entry.
CONFIG_ATTRIBUTES = {
    "weight": "weight_configs",
    "max_weight": "max_weight_configs",
    "repetitions": "repetitions_configs",
    "max_repetitions": "max_repetitions_configs",
    "rir": "rir_configs",
    "max_rir": "max_rir_configs",
    "rest": "rest_configs",
    "max_rest": "max_rest_configs",
    "sets": "set_nr_configs",
    "max_sets": "max_set_nr_configs",
}
DISPLAY, GYM = "display", "gym"


@dataclass(slots=True)
class DayPlan:
    """One date of the plan."""

    date: dt.date
    iteration: int
    day: Any | None
    slots: list[SlotPlan] = field(default_factory=list)
    label: str | None = None  # upstream's labels have no API: always None here


class Prescriptions:
    """The ``SetData`` of every slot entry at every iteration up to ``last_iteration``.

    Entries whose config rows are equal (and wait for no logs) progress alike: their values
    are walked once; equal prescriptions are one object.
    """

    def __init__(
        self,
        last_iteration: int,
        logs_by_entry: Mapping[int, Mapping[Any, Sequence[Any]]],
        unit_names: Mapping[str, Mapping[Any, str]],
    ) -> None:
        self.last_iteration = max(last_iteration, 1)
        self.logs_by_entry = logs_by_entry
        self.unit_names = unit_names
        self._by_entry: dict[int, list[SetData]] = {}
        self._walks: dict[tuple[Any, ...], tuple[list[Values], list[int]]] = {}
        self._shared: dict[tuple[Any, ...], Prescription] = {}

    def of(self, entry: Any, iteration: int) -> SetData:
        """The set of ``entry`` at ``iteration`` (1 to ``last_iteration``)."""
        per_iteration = self._by_entry.get(entry.id)
        if per_iteration is None:
            per_iteration = self._by_entry[entry.id] = self._compute(entry)
        return per_iteration[iteration - 1]

    def _compute(self, entry: Any) -> list[SetData]:
        distinct, positions = self._walk(entry)
        items = []
        for values in distinct:
            key = prescription_key(entry, values)
            item = set_data(entry, values, self.unit_names, self._shared.get(key))
            self._shared[key] = item.prescription
            items.append(item)
        return [items[position] for position in positions]

    def _walk(self, entry: Any) -> tuple[list[Values], list[int]]:
        """The distinct values of ``entry`` and, per iteration, which of them applies."""
        configs = {name: getattr(entry, attribute) for name, attribute in CONFIG_ATTRIBUTES.items()}
        logs = self.logs_by_entry.get(entry.id)
        key = None if logs else rows_signature(configs)
        walked = self._walks.get(key) if key is not None else None
        if walked is None:
            walked = _distinct(
                progression(
                    configs,
                    self.last_iteration,
                    logs_by_iteration=logs or {},
                    weight_rounding=entry.weight_rounding,
                    repetition_rounding=entry.repetition_rounding,
                )
            )
            if key is not None:
                self._walks[key] = walked
        return walked


def rows_signature(configs: Mapping[str, Sequence[Any]]) -> tuple[Any, ...] | None:
    """What the walk of rows without requirements depends on (None for rows with some)."""
    parts = []
    for name, rows in configs.items():
        for row in rows:
            if row.requirements:
                return None
            parts.append((name, row.iteration, row.value, row.operation, row.step, row.repeat))
    return tuple(parts)


def _distinct(values_per_iteration: list[Values]) -> tuple[list[Values], list[int]]:
    positions: dict[Values, int] = {}
    order = [positions.setdefault(values, len(positions)) for values in values_per_iteration]
    return list(positions), order


def routine_plan(
    days: Sequence[Any],
    start: dt.date,
    end: dt.date,
    *,
    mode: str,
    today: dt.date,
    fit_in_week: bool = False,
    session_dates: Mapping[int, Collection[dt.date]] | None = None,
    logs_by_entry: Mapping[int, Mapping[Any, Sequence[Any]]] | None = None,
    unit_names: Mapping[str, Mapping[Any, str]] | None = None,
) -> list[DayPlan]:
    """Every date of the routine with its day, iteration and slots (``mode``: display/gym).

    Dates whose day prescribes exactly the same sets share one list of slots.
    """
    schedule = date_sequence(
        days, start, end, today=today, fit_in_week=fit_in_week, session_dates=session_dates
    )
    last = max((item.iteration or 1 for item in schedule), default=1)
    prescriptions = Prescriptions(last, logs_by_entry or {}, unit_names or {})
    planned: dict[tuple[Any, ...], list[SlotPlan]] = {}
    out = []
    of = prescriptions.of
    for item in schedule:
        if item.day is None:
            out.append(DayPlan(item.date, item.iteration, None))
            continue
        iteration = item.iteration
        slots = [
            (slot.comment, [of(entry, iteration) for entry in slot.entries])
            for slot in item.day.slots
        ]
        key = (item.day.id, *(id(entry_set) for _, sets in slots for entry_set in sets))
        plans = planned.get(key)
        if plans is None:
            plans = planned[key] = _slot_plans(slots, mode)
        out.append(DayPlan(item.date, iteration, item.day, plans))
    return out


def _slot_plans(slots: list[tuple[str, list[SetData]]], mode: str) -> list[SlotPlan]:
    if mode == GYM:
        return [gym_slot(comment, sets) for comment, sets in slots]
    return display_slots(slots)
