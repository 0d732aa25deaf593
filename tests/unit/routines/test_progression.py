"""Config stacking: upstream's 50 kg table, repeats, requirements, caps and rounding."""

import random
from decimal import Decimal
from types import SimpleNamespace

import pytest

from wger_flask.services.routines.progression import (
    FIELDS,
    _GatedWalk,
    apply_row,
    progression,
    round_to,
)

WEIGHT = FIELDS.index("weight")
MAX_WEIGHT = FIELDS.index("max_weight")
REPETITIONS = FIELDS.index("repetitions")
RIR = FIELDS.index("rir")


def row(iteration, value, operation="r", step="abs", repeat=False, rules=None):
    return SimpleNamespace(
        iteration=iteration,
        value=Decimal(str(value)),
        operation=operation,
        step=step,
        repeat=repeat,
        requirements={"rules": rules} if rules is not None else None,
    )


def log(iteration, weight=None, repetitions=None, rir=None, rest=None):
    return SimpleNamespace(
        iteration=iteration, weight=weight, repetitions=repetitions, rir=rir, rest=rest
    )


def column(values, position):
    return [item[position] for item in values]


def test_the_documented_50_kg_progression_over_eight_iterations():
    """Documentation: 50 kg; +10 % at 4; +2 kg at 6; +1 kg at 7; 45 kg at 8."""
    rows = [
        row(1, 50),
        row(4, 10, "+", "percent"),
        row(6, 2, "+"),
        row(7, 1, "+"),
        row(8, 45),
    ]
    weights = column(progression({"weight": rows}, 8), WEIGHT)
    assert weights == [50, 50, 50, 55, 55, 57, 58, 45]


def test_minus_and_percent_steps():
    rows = [row(1, 100), row(2, 10, "-", "percent"), row(3, 5, "-")]
    assert column(progression({"weight": rows}, 3), WEIGHT) == [100, 90, 85]


def test_a_repeating_row_applies_at_every_iteration_until_the_next_row():
    rows = [row(1, 50), row(2, "2.5", "+", repeat=True), row(5, 40)]
    weights = column(progression({"weight": rows}, 6), WEIGHT)
    assert weights == [50, Decimal("52.5"), 55, Decimal("57.5"), 40, 40]


def test_no_rows_means_no_value_and_rows_outside_the_walk_are_ignored():
    values = progression({"weight": [row(0, 99), row(5, 10)]}, 3)
    assert column(values, WEIGHT) == [None, None, None]
    assert all(value is None for value in values[0])


def test_values_are_capped_like_the_serializer_fields():
    weights = progression({"weight": [row(1, 3000), row(2, 100, "+", "percent", True)]}, 6)
    assert column(weights, WEIGHT)[-1] == Decimal("9999.99")
    rirs = progression({"rir": [row(1, 4), row(2, 4, "+", repeat=True)]}, 4)
    assert column(rirs, RIR)[-1] == Decimal("9.9")


def test_requirements_wait_for_logs_that_met_the_previous_prescription():
    """8 × 60 kg becomes 8 × 65 kg only after a log of at least 8 × 60 (double progression)."""
    configs = {
        "weight": [row(1, 60), row(2, 5, "+", rules=["weight", "repetitions"])],
        "repetitions": [row(1, 8)],
    }
    missed = {1: [log(1, weight=Decimal(60), repetitions=Decimal(7))]}
    values = progression(configs, 4, logs_by_iteration=missed)
    assert column(values, WEIGHT) == [60, 60, 60, 60]
    later = {**missed, 3: [log(3, weight=Decimal(60), repetitions=Decimal(8))]}
    values = progression(configs, 5, logs_by_iteration=later)
    assert column(values, WEIGHT) == [60, 60, 60, 65, 65]  # fires once, at the first chance


def test_a_repeating_gated_row_applies_at_each_qualifying_iteration():
    configs = {"weight": [row(1, 60), row(2, 5, "+", repeat=True, rules=["weight"])]}
    logs = {1: [log(1, weight=60)], 2: [log(2, weight=50)], 3: [log(3, weight=65)]}
    weights = column(progression(configs, 4, logs_by_iteration=logs), WEIGHT)
    assert weights == [60, 65, 65, 70]


def test_thresholds_use_the_displayed_rounding():
    configs = {"weight": [row(1, "61"), row(2, 5, "+", rules=["weight"])]}
    logs = {
        1: [log(1, weight=Decimal("60"))]
    }  # 61 is shown (and required) as 60 with a 2.5 rounding
    values = progression(configs, 2, logs_by_iteration=logs, weight_rounding=Decimal("2.5"))
    assert column(values, WEIGHT) == [61, 66]


def test_max_values_move_with_their_base_gate():
    configs = {
        "weight": [row(1, 60), row(2, 5, "+", rules=["repetitions"])],
        "max_weight": [row(1, 70), row(2, 5, "+")],
        "repetitions": [row(1, 8)],
    }
    values = progression(configs, 2, logs_by_iteration={1: [log(1, repetitions=6)]})
    assert column(values, MAX_WEIGHT) == [70, 70]  # the base did not qualify, neither does max
    values = progression(configs, 2, logs_by_iteration={1: [log(1, repetitions=9)]})
    assert column(values, MAX_WEIGHT) == [70, 75]


def test_the_walk_without_requirements_equals_the_gated_walk():
    """The fast path for rows without requirements gives exactly what the full walk gives."""
    generator = random.Random(6)
    for _ in range(200):
        rows = {
            field: [
                row(iteration, generator.randint(0, 50), generator.choice("r+-"),
                    generator.choice(["abs", "percent", "na"]), generator.random() < 0.3)
                for iteration in generator.sample(range(0, 12), generator.randint(0, 4))
            ]
            for field in generator.sample(FIELDS, 4)
        }  # fmt: skip
        present = {
            field: [item for item in items if 1 <= item.iteration <= 10]
            for field, items in rows.items()
        }
        present = {field: items for field, items in present.items() if items}
        assert progression(rows, 10) == _GatedWalk(present, {}, None, None).run(10)


@pytest.mark.parametrize(
    "value,base,expected",
    [
        ("82.4", "2.5", "82.5"),
        ("56.25", "2.5", "55"),  # 22.5 steps: half to even, as Python's round()
        ("57.5", "2.5", "57.5"),
        ("80.00", "2.5", "80"),
        ("7.3", None, "7.3"),
        ("12.00", None, "12"),
        ("2.7", "0.5", "2.5"),
        ("91.6", "1", "92"),
        ("33", "0", "33"),
    ],
)
def test_round_to_nearest_multiple(value, base, expected):
    result = round_to(Decimal(value), Decimal(base) if base else None)
    assert str(result) == expected


def test_apply_row_starts_from_zero_and_replaces():
    assert apply_row(None, row(2, 5, "+")) == 5
    assert apply_row(Decimal(80), row(3, 10, "-", "percent")) == 72
    assert apply_row(Decimal(80), row(3, 40)) == 40
    assert round_to(None) is None
