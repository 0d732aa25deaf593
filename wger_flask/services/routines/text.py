"""The readable form of a set, as upstream writes it: ``4 Sets, 8-12 × 80 kg @ 2 RiR 90s rest``.

Parts appear only for the values that are set: the sets (when more than one), repetitions
(with their unit, or "Reps" for plain repetitions without a weight, "∞" for "until failure"
with a weight), "×", the weight with its unit, "@ n RiR", and the rest in seconds; a range is
written ``min-max``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from wger_flask.models.routines import REPETITIONS_UNIT_ID, UNTIL_FAILURE_UNIT_ID
from wger_flask.services.routines.progression import RIR_ROUNDING, round_to
from wger_flask.services.routines.sets import Prescription

PLAIN_REPETITION_UNITS = (REPETITIONS_UNIT_ID, UNTIL_FAILURE_UNIT_ID)


def text_repr(item: Prescription, sets: Decimal | None = None) -> str:
    """The set in words (``sets`` overrides the prescription's count: 1 in the gym)."""
    parts = []
    sets = item.sets if sets is None else sets
    if sets and sets > 1:
        parts.append(f"{_range(_whole(sets), item.max_sets)} Sets,")
    if item.repetitions:
        parts.append(_repetitions(item))
        if item.weight:
            parts.append("×")
    if item.weight:
        unit = item.weight_unit_name if item.weight_unit else ""
        parts.append(f"{_range(item.weight, item.max_weight)} {unit or ''}".strip())
    if item.rir:
        parts.append(f"@ {round_to(item.rir, RIR_ROUNDING)} RiR")
    if item.rest:
        parts.append(f"{_range(item.rest, item.max_rest)}s rest")
    return " ".join(parts).strip(",")


def _repetitions(item: Prescription) -> str:
    amount: Any = _range(item.repetitions, item.max_repetitions)
    unit = ""
    if item.repetitions_unit in PLAIN_REPETITION_UNITS and not item.weight:
        unit = "Reps"
    elif item.repetitions_unit == UNTIL_FAILURE_UNIT_ID:
        unit, amount = "∞", ""
    elif item.repetitions_unit not in (None, *PLAIN_REPETITION_UNITS):
        unit = item.repetitions_unit_name or ""
    return f"{amount} {unit}".strip()


def _range(value: Any, maximum: Any) -> str:
    return f"{value}-{maximum}" if maximum else f"{value}"


def _whole(value: Decimal) -> Decimal:
    """Sets are counted: 4, not 4.00."""
    return round_to(value) or value
