"""Prescriptions, superset interleaving, display grouping and the text of a set."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from wger_flask.services.routines.progression import FIELDS
from wger_flask.services.routines.sets import (
    Prescription,
    SetData,
    display_slots,
    gym_sets,
    gym_slot,
    interleave,
    set_data,
)
from wger_flask.services.routines.text import text_repr

UNITS = {"weight": {1: "kg", 2: "lb"}, "repetitions": {1: "Repetitions", 3: "Seconds"}}


def entry(**extra):
    values = {
        "id": 7,
        "exercise_id": 9,
        "weight_unit_id": 1,
        "repetition_unit_id": 1,
        "weight_rounding": None,
        "repetition_rounding": None,
        "type": "normal",
        "comment": "",
    }
    values.update(extra)
    return SimpleNamespace(**values)


def values(**given):
    return tuple(Decimal(str(given[field])) if field in given else None for field in FIELDS)


def prescription(exercise, sets, entry_id=None):
    return SetData(entry_id or exercise, exercise, Prescription(sets=Decimal(sets)))


def test_interleave_the_documented_superset():
    """Documentation: 4, 2 and 3 sets → E1 E2 E3 E1 E2 E3 E1 E3 E1."""
    assert interleave([4, 2, 3]) == [0, 1, 2, 0, 1, 2, 0, 2, 0]
    order = gym_sets([prescription(1, 4), prescription(2, 2), prescription(3, 3)])
    assert [item.exercise for item in order] == [1, 2, 3, 1, 2, 3, 1, 3, 1]


def test_gym_mode_repeats_a_single_exercise_once_per_set():
    slot = gym_slot("heavy", [prescription(1, 3)])
    assert [item.exercise for item in slot.sets] == [1, 1, 1]
    assert slot.one_set_each and not slot.is_superset and slot.exercises == [1]
    assert gym_sets([prescription(1, 0)]) == []


def test_display_mode_merges_consecutive_slots_of_one_exercise():
    a1, a2, b = prescription(1, 3), prescription(1, 2), prescription(2, 3)
    slots = display_slots(
        [("first", [a1]), ("", []), ("second", [a2]), ("superset", [a1, b]), ("again", [a2])]
    )
    assert [(slot.comment, slot.sets) for slot in slots] == [
        ("first", [a1, a2]),
        ("superset", [a1, b]),
        ("again", [a2]),
    ]
    assert [slot.is_superset for slot in slots] == [False, True, False]


def test_a_slot_with_the_same_exercise_twice_is_no_superset():
    slot = gym_slot("", [prescription(1, 1, 5), prescription(1, 1, 6)])
    assert slot.exercises == [1] and not slot.is_superset


def test_no_configs_means_one_set_and_nothing_else():
    item = set_data(entry(), values(), UNITS).prescription
    assert item.sets == 1
    assert (item.weight, item.weight_unit, item.repetitions, item.repetitions_unit) == (None,) * 4
    assert (item.weight_rounding, item.rir, item.rest, item.rpe) == (None,) * 4
    assert text_repr(item) == ""


def test_prescription_rounds_and_keeps_max_only_above_its_base():
    item = set_data(
        entry(weight_rounding=Decimal("2.50"), repetition_rounding=Decimal(1)),
        values(weight="81.3", max_weight="80", repetitions="8", max_repetitions="12",
               rir="1.7", max_rir="3", rest=90, max_rest=120, sets=4, max_sets=5),
        UNITS,
    ).prescription  # fmt: skip
    assert str(item.weight) == "82.50" and item.max_weight is None
    assert (item.repetitions, item.max_repetitions) == (8, 12)
    assert (item.rir, item.max_rir, item.rpe) == (Decimal("1.5"), 3, Decimal("8.5"))
    assert (item.rest, item.max_rest, item.sets, item.max_sets) == (90, 120, 4, 5)
    assert (item.weight_unit, item.weight_unit_name, item.repetitions_unit) == (1, "kg", 1)


def test_rpe_of_a_high_rir_is_four():
    assert set_data(entry(), values(rir="5.5"), UNITS).prescription.rpe == 4


@pytest.mark.parametrize(
    "given,extra,text",
    [
        (dict(sets=4, repetitions=8, max_repetitions=12, weight=80, rir=2, rest=90), {},
         "4 Sets, 8-12 × 80 kg @ 2 RiR 90s rest"),
        (dict(repetitions=10), {}, "10 Reps"),
        (dict(sets=3), {}, "3 Sets"),
        (dict(sets=3, max_sets=5, repetitions=30), {"repetition_unit_id": 3},
         "3-5 Sets, 30 Seconds"),
        (dict(repetitions=1, weight=20), {"repetition_unit_id": 2}, "∞ × 20 kg"),
        (dict(repetitions=5), {"repetition_unit_id": 2}, "5 Reps"),
        (dict(weight="52.5", max_weight=60), {"weight_unit_id": 2}, "52.5-60 lb"),
        (dict(rest=60, max_rest=90), {}, "60-90s rest"),
    ],
)  # fmt: skip
def test_text_repr(given, extra, text):
    assert text_repr(set_data(entry(**extra), values(**given), UNITS).prescription) == text


def test_text_repr_of_a_gym_set_has_no_set_count():
    item = set_data(entry(), values(sets=4, repetitions=8), UNITS).prescription
    assert text_repr(item) == "4 Sets, 8 Reps"
    assert text_repr(item, sets=Decimal(1)) == "8 Reps"


def test_equal_prescriptions_of_entries_are_shared():
    first = set_data(entry(), values(sets=3), UNITS)
    second = set_data(entry(id=8, exercise_id=10), values(sets=3), UNITS, first.prescription)
    assert second.prescription is first.prescription
    assert (second.slot_entry_id, second.exercise) == (8, 10)
