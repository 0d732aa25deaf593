"""The sets of a slot at one iteration: prescribed values, superset order, display grouping.

A slot entry's property values (from ``routine_progression``) become a ``Prescription``: rounded
as shown (weight and repetitions to the entry's rounding, RiR to 0.5, rest to 1 s), a "max"
kept only when above its base, units only for the values that are set, and 1 set when no
sets config exists. In the gym, a superset's sets interleave (4, 2 and 3 sets: E1 E2 E3 E1 E2
E3 E1 E3 E1) and every set is done once; for display, consecutive slots of the same single
exercise are shown as one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from wger_flask.services.routines.progression import (
    FIELDS,
    REST_ROUNDING,
    RIR_ROUNDING,
    Values,
    round_to,
)

RPE_CEILING_RIR = 5  # above this RiR upstream approximates the RPE as 4
RPE_FOR_HIGH_RIR = Decimal(4)


@dataclass(frozen=True, slots=True)
class Prescription:
    """What a set prescribes, whoever does it: the values as shown, with their units and
    rounding. Equal prescriptions of different entries are one object (computed once)."""

    sets: Decimal = Decimal(1)
    max_sets: Decimal | None = None
    weight: Decimal | None = None
    max_weight: Decimal | None = None
    weight_unit: int | None = None
    weight_unit_name: str | None = None
    weight_rounding: Decimal | None = None
    repetitions: Decimal | None = None
    max_repetitions: Decimal | None = None
    repetitions_unit: int | None = None
    repetitions_unit_name: str | None = None
    repetitions_rounding: Decimal | None = None
    rir: Decimal | None = None
    max_rir: Decimal | None = None
    rest: Decimal | None = None
    max_rest: Decimal | None = None

    @property
    def rpe(self) -> Decimal | None:
        """The RiR on the RPE scale (10 - RiR)."""
        if not self.rir:
            return None
        if self.rir > RPE_CEILING_RIR:
            return RPE_FOR_HIGH_RIR
        return 10 - self.rir


@dataclass(slots=True)
class SetData:
    """The prescription of one slot entry at one iteration (upstream's SetConfigData)."""

    slot_entry_id: int
    exercise: int
    prescription: Prescription
    type: str = "normal"
    comment: str = ""


def prescription_key(entry: Any, values: Values) -> tuple[Any, ...]:
    """What a prescription depends on besides the unit names."""
    return (
        values,
        entry.weight_rounding,
        entry.repetition_rounding,
        entry.weight_unit_id,
        entry.repetition_unit_id,
    )


def prescription(
    values: Values,
    weight_rounding: Any,
    repetition_rounding: Any,
    weight_unit_id: int | None,
    repetition_unit_id: int | None,
    unit_names: Mapping[str, Mapping[Any, str]],
) -> Prescription:
    """One iteration's property ``values`` as prescribed (``unit_names``:
    ``{"weight": {id: name}, "repetitions": {id: name}}``)."""
    value = dict(zip(FIELDS, values, strict=True))
    weight, repetitions = value["weight"], value["repetitions"]
    weight_unit = weight_unit_id if weight is not None else None
    repetitions_unit = repetition_unit_id if repetitions is not None else None
    return Prescription(
        sets=value["sets"] if value["sets"] is not None else Decimal(1),
        max_sets=round_to(value["max_sets"], 1),
        weight=round_to(weight, weight_rounding),
        max_weight=_maximum(value["max_weight"], weight, weight_rounding),
        weight_unit=weight_unit,
        weight_unit_name=unit_names.get("weight", {}).get(weight_unit),
        weight_rounding=weight_rounding if weight is not None else None,
        repetitions=round_to(repetitions, repetition_rounding),
        max_repetitions=_maximum(value["max_repetitions"], repetitions, repetition_rounding),
        repetitions_unit=repetitions_unit,
        repetitions_unit_name=unit_names.get("repetitions", {}).get(repetitions_unit),
        repetitions_rounding=repetition_rounding if repetitions is not None else None,
        rir=round_to(value["rir"], RIR_ROUNDING),
        max_rir=_maximum(value["max_rir"], value["rir"], RIR_ROUNDING),
        rest=round_to(value["rest"], REST_ROUNDING),
        max_rest=_maximum(value["max_rest"], value["rest"], REST_ROUNDING),
    )


def set_data(
    entry: Any,
    values: Values,
    unit_names: Mapping[str, Mapping[Any, str]],
    shared: Prescription | None = None,
) -> SetData:
    """The set of ``entry`` for one iteration's ``values`` (``shared``: its prescription,
    when already computed for an equal one)."""
    if shared is None:
        shared = prescription(
            values,
            entry.weight_rounding,
            entry.repetition_rounding,
            entry.weight_unit_id,
            entry.repetition_unit_id,
            unit_names,
        )
    return SetData(entry.id, entry.exercise_id, shared, entry.type, entry.comment)


def _maximum(maximum: Decimal | None, base: Decimal | None, rounding: Any) -> Decimal | None:
    """A "max" value is shown only when it is above its base value."""
    if maximum and base and maximum > base:
        return round_to(maximum, rounding)
    return None


# ------------------------------------------------------------------------------ slots


@dataclass(slots=True)
class SlotPlan:
    """A slot as planned for one date: its comment and its sets."""

    comment: str
    sets: list[SetData] = field(default_factory=list)
    # Gym mode: each item stands for one set done once (shown with ``sets`` = 1).
    one_set_each: bool = False

    @property
    def exercises(self) -> list[int]:
        """The distinct exercises, in the order they first appear."""
        return list(dict.fromkeys(item.exercise for item in self.sets))

    @property
    def is_superset(self) -> bool:
        return len(self.exercises) > 1


def interleave(counts: Sequence[int]) -> list[int]:
    """The order in which a superset's entries are done: one set of each in turn while it
    has sets left. ``interleave([4, 2, 3])`` → ``[0, 1, 2, 0, 1, 2, 0, 2, 0]``."""
    remaining = list(counts)
    order: list[int] = []
    while any(count > 0 for count in remaining):
        for position, count in enumerate(remaining):
            if count > 0:
                order.append(position)
                remaining[position] = count - 1
    return order


def gym_sets(entries: Sequence[SetData]) -> list[SetData]:
    """One slot's sets in the order they are done in the gym, one item per set."""
    if len(entries) == 1:
        return list(entries) * max(int(entries[0].prescription.sets), 0)
    counts = [math.ceil(item.prescription.sets) for item in entries]
    return [entries[position] for position in interleave(counts)]


def gym_slot(comment: str, entries: Sequence[SetData]) -> SlotPlan:
    return SlotPlan(comment, gym_sets(entries), one_set_each=True)


def display_slots(slots: Sequence[tuple[str, Sequence[SetData]]]) -> list[SlotPlan]:
    """Slots for display: empty ones left out, and consecutive slots of the same single
    exercise merged into the first of them (supersets stay as they are)."""
    out: list[SlotPlan] = []
    current: SlotPlan | None = None
    for comment, entries in slots:
        plan = SlotPlan(comment, list(entries))
        exercises = plan.exercises
        if not exercises:
            continue
        if len(exercises) > 1:
            out.append(plan)
            current = None  # a superset ends the run (upstream would fail on A, A+B, A)
            continue
        if current is not None and current.exercises == exercises:
            current.sets.extend(plan.sets)
            continue
        current = plan
        out.append(plan)
    return out
