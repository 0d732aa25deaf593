"""A body-weight reading shown as a weight entry: converted to the profile's unit in Python,
rounded half up to hundredths (the page's conversion; the SQL one serves filters)."""

from decimal import Decimal

import pytest

from wger_flask.services.body.categories import weight_shown


@pytest.mark.parametrize(
    ("value", "extra_data", "category_unit", "entry_unit", "shown"),
    [
        ("180", {"unit": "lb"}, "kg", "kg", "81.65"),  # 81.6466266
        ("80", None, "kg", "lb", "176.37"),  # 176.3698...
        ("80", None, "lb", "kg", "36.29"),  # a category kept in lb: 36.2873896
        ("80", None, "kg", "kg", "80"),
        ("180", {"unit": "lb"}, "kg", "lb", "180"),
        ("80", {"unit": "kg"}, "lb", "lb", "176.37"),  # the reading's own unit first
        ("80", {"unit": None}, "lb", "kg", "36.29"),  # no unit of its own: the category's
        ("80", ["lb"], "kg", "kg", "80"),  # not an object: the category's unit
        ("80", {"unit": "st"}, "kg", "lb", "80"),  # a unit neither side knows: as it is
        ("1.25", {"unit": "lb"}, "kg", "kg", "0.57"),  # 0.5669904625: half up, not to even
    ],
)
def test_weight_shown(value, extra_data, category_unit, entry_unit, shown):
    assert weight_shown(Decimal(value), extra_data, category_unit, entry_unit) == Decimal(shown)


def test_a_tie_is_rounded_half_up():
    # the only pound values of two places whose kilograms end in an exact half hundredth are
    # multiples of 500000.00 (45359237 is odd and prime to 5): 226796.185 kg
    assert weight_shown(Decimal("500000.00"), {"unit": "lb"}, "kg", "kg") == Decimal("226796.19")


def test_no_value_shows_none():
    assert weight_shown(None, None, "kg", "lb") is None
