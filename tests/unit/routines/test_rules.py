"""The routines domain's write rules as plain functions (``services/routines/rules.py``)."""

from __future__ import annotations

import datetime as dt

import pytest

from wger_flask.models.routines import Routine, SetsConfig, WorkoutLog
from wger_flask.rest.errors import ValidationFailed
from wger_flask.services.routines import rules


def routine(start: dt.date, end: dt.date, is_public: bool = False) -> Routine:
    return Routine(name="r", start=start, end=end, is_public=is_public, is_template=False)


def test_a_routine_may_last_120_days_not_more():
    day = dt.date(2024, 1, 1)
    rules.check_routine(None, routine(day, day + dt.timedelta(days=120)), {}, None, True)
    with pytest.raises(ValidationFailed) as refused:
        rules.check_routine(None, routine(day, day + dt.timedelta(days=121)), {}, None, True)
    assert refused.value.body == {"end": ["A routine can not last more than 120 days."]}
    with pytest.raises(ValidationFailed):
        rules.check_routine(None, routine(day, day - dt.timedelta(days=1)), {}, None, True)


def test_a_public_routine_that_is_no_template_is_made_private():
    made = routine(dt.date(2024, 1, 1), dt.date(2024, 2, 1), is_public=True)
    rules.check_routine(None, made, {}, None, True)
    assert made.is_public is False


@pytest.mark.parametrize(
    ("iteration", "operation", "step", "expected"),
    [
        (1, "+", "percent", ("r", "na")),  # the baseline always replaces
        (2, None, None, ("r", "na")),  # not given: a replacement
        (2, "+", None, ("+", "abs")),
        (3, "-", "percent", ("-", "percent")),
    ],
)
def test_progression_configs_are_normalised(iteration, operation, step, expected):
    row = SetsConfig(iteration=iteration, operation=operation, step=step)
    rules.check_progression_config(None, row, {}, None, True)
    assert (row.operation, row.step) == expected


def test_default_units_leave_an_explicit_null_alone():
    log = WorkoutLog(weight_unit_id=None)
    rules.default_units(log, {"weight_unit_id": None}, ("repetitions_unit_id", "weight_unit_id"))
    assert (log.repetitions_unit_id, log.weight_unit_id) == (1, None)
