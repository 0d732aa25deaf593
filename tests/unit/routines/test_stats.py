"""Log statistics of a routine: volume, sets and Brzycki intensity, grouped four ways."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from wger_flask.services.routines.stats import intensity, log_statistics


def log(iteration, exercise, weight, repetitions, weight_unit=1, repetitions_unit=1):
    return SimpleNamespace(
        iteration=iteration,
        exercise_id=exercise,
        weight=None if weight is None else Decimal(weight),
        repetitions=None if repetitions is None else Decimal(repetitions),
        weight_unit_id=weight_unit,
        repetitions_unit_id=repetitions_unit,
    )


MONDAY, NEXT_MONDAY = dt.date(2024, 1, 1), dt.date(2024, 1, 8)
SESSIONS = [
    (MONDAY, [log(1, 9, 100, 10), log(1, 9, 80, 5), log(1, 9, 50, 10, weight_unit=2)]),
    (NEXT_MONDAY, [log(2, 10, None, 10), log(2, 9, 100, 8, repetitions_unit=3)]),
]
MUSCLES = {9: [1, 2], 10: [3]}


def test_brzycki_intensity_is_the_fraction_of_the_one_rep_max():
    assert abs(intensity(Decimal(100), Decimal(10)) - Decimal("0.7498")) < Decimal("1e-9")
    assert intensity(Decimal(0), Decimal(5)) == 0


def test_volume_is_weight_times_repetitions_of_kilogram_and_repetition_logs():
    stats = log_statistics(SESSIONS, MUSCLES)
    volume = stats.volume
    assert volume.mesocycle.total == 1400
    assert dict(volume.iteration[1].exercises) == {9: 1400}
    assert dict(volume.iteration[1].muscle) == {1: 1400, 2: 1400}
    assert dict(volume.iteration[2].exercises) == {10: 0}  # a log without weight: no volume
    assert set(volume.weekly) == {1, 2} and set(volume.daily) == {MONDAY, NEXT_MONDAY}


def test_every_counted_log_is_one_set():
    sets = log_statistics(SESSIONS, MUSCLES).sets
    assert sets.mesocycle.total == 3
    assert dict(sets.mesocycle.exercises) == {9: 2, 10: 1}
    assert dict(sets.daily[NEXT_MONDAY].muscle) == {3: 1}


def test_intensity_is_averaged_over_the_logs_with_weight_and_repetitions():
    stats = log_statistics(SESSIONS, MUSCLES).intensity
    expected = (Decimal("0.7498") + Decimal("0.8888")) / 2  # 1.0278 - 0.0278 × reps
    assert abs(stats.mesocycle.total - expected) < Decimal("1e-9")
    assert abs(stats.iteration[1].exercises[9] - expected) < Decimal("1e-9")
    assert abs(stats.weekly[1].muscle[2] - expected) < Decimal("1e-9")
    assert 2 not in stats.iteration  # the only log of iteration 2 has no weight
    assert stats.mesocycle.upper_body == 0 and stats.mesocycle.lower_body == 0


def test_no_sessions_give_empty_groups():
    stats = log_statistics([], {})
    assert stats.volume.mesocycle.total == 0
    assert not stats.intensity.iteration and not stats.sets.daily
