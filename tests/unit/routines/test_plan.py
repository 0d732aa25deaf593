"""The whole plan: schedule, progression per iteration, gym and display slots together."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from wger_flask.services.routines.plan import CONFIG_ATTRIBUTES, DISPLAY, GYM, routine_plan

MONDAY = dt.date(2024, 1, 1)


def config(iteration, value, operation="r", step="abs"):
    return SimpleNamespace(
        iteration=iteration,
        value=Decimal(value),
        operation=operation,
        step=step,
        repeat=False,
        requirements=None,
    )


def entry(entry_id, exercise, sets, weight_rows=()):
    configs = {attribute: [] for attribute in CONFIG_ATTRIBUTES.values()}
    configs["set_nr_configs"] = [config(1, sets)]
    configs["weight_configs"] = list(weight_rows)
    return SimpleNamespace(
        id=entry_id,
        exercise_id=exercise,
        weight_unit_id=1,
        repetition_unit_id=1,
        weight_rounding=None,
        repetition_rounding=None,
        type="normal",
        comment="",
        **configs,
    )


def build_days():
    press = entry(1, 10, 3, [config(1, 50), config(2, 10, "+", "percent")])
    superset = SimpleNamespace(comment="superset", entries=[entry(2, 20, 2), entry(3, 30, 1)])
    first = SimpleNamespace(
        id=1,
        need_logs_to_advance=False,
        slots=[SimpleNamespace(comment="a", entries=[press]), superset],
    )
    rest = SimpleNamespace(id=2, need_logs_to_advance=False, slots=[])
    return [first, rest]


def test_gym_mode_lists_every_set_with_the_iteration_values():
    plan = routine_plan(build_days(), MONDAY, MONDAY + dt.timedelta(days=2), mode=GYM, today=MONDAY)
    assert [(item.date.day, item.iteration) for item in plan] == [(1, 1), (2, 1), (3, 2)]
    first, rest, again = plan
    assert [len(slot.sets) for slot in first.slots] == [3, 3]
    assert [item.exercise for item in first.slots[1].sets] == [20, 30, 20]
    assert first.slots[1].is_superset and first.slots[0].one_set_each
    assert first.slots[0].sets[0].prescription.weight == 50
    assert again.slots[0].sets[0].prescription.weight == 55
    assert rest.slots == []


def test_display_mode_keeps_set_counts_and_shares_equal_prescriptions():
    plan = routine_plan(
        build_days(), MONDAY, MONDAY + dt.timedelta(days=4), mode=DISPLAY, today=MONDAY
    )
    first = plan[0]
    assert [item.prescription.sets for item in first.slots[0].sets] == [3]
    assert not first.slots[0].one_set_each
    # iterations 2 and 3 prescribe the same: one shared object
    assert plan[2].slots[0].sets[0] is plan[4].slots[0].sets[0]


def test_fitted_weeks_have_empty_dates_without_slots():
    plan = routine_plan(
        build_days(), MONDAY, MONDAY + dt.timedelta(days=7), mode=DISPLAY, today=MONDAY,
        fit_in_week=True,
    )  # fmt: skip
    assert [item.day is None for item in plan] == [False, False] + [True] * 5 + [False]
    assert plan[3].slots == [] and plan[3].iteration == 1


def test_entries_with_equal_rows_share_their_walk_but_not_their_identity():
    from wger_flask.services.routines.plan import Prescriptions, rows_signature

    first = entry(1, 10, 3, [config(1, 50), config(2, 10, "+", "percent")])
    second = entry(2, 20, 3, [config(1, 50), config(2, 10, "+", "percent")])
    gated = entry(3, 30, 3, [config(1, 50)])
    gated.weight_configs.append(
        SimpleNamespace(**{**vars(config(2, 5, "+")), "requirements": {"rules": ["weight"]}})
    )
    rows_of = {name: getattr(first, name) for name in CONFIG_ATTRIBUTES.values()}
    assert rows_signature(rows_of) is not None
    assert rows_signature({"weight_configs": gated.weight_configs}) is None
    prescriptions = Prescriptions(3, {}, {})
    a, b = prescriptions.of(first, 2), prescriptions.of(second, 2)
    assert a.prescription is b.prescription and a.prescription.weight == 55
    assert (a.slot_entry_id, a.exercise, b.slot_entry_id, b.exercise) == (1, 10, 2, 20)
    assert prescriptions.of(gated, 2).prescription.weight == 50  # no logs met the rule
