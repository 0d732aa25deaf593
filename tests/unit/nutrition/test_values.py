"""The nutritional-values service: upstream's amount validation and the arithmetic."""

import decimal

import pytest

from wger_flask.services.nutrition import values

BUTTER = {
    "energy": 717,
    "protein": decimal.Decimal("0.850"),
    "carbohydrates": decimal.Decimal("0.060"),
    "carbohydrates_sugar": decimal.Decimal("0.060"),
    "fat": decimal.Decimal("81.110"),
    "fat_saturated": decimal.Decimal("51.368"),
    "fiber": decimal.Decimal("0.000"),
    "sodium": None,
}


def test_grams_scale_every_value_per_100_g():
    result = values.values_for(BUTTER, decimal.Decimal("250"))
    assert result == {
        "energy": 1792.5,
        "protein": 2.125,
        "carbohydrates": 0.15,
        "carbohydrates_sugar": 0.15,
        "fat": 202.775,
        "fat_saturated": 128.42,
        "fiber": None,
        "sodium": None,
    }


def test_units_multiply_by_their_grams():
    assert values.values_for(BUTTER, decimal.Decimal("2.5"), unit_gram=14)["energy"] == 250.95


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", "1"), (" 12.5 ", "12.5"), ("999.99", "999.99"), ("-3", "-3"), ("0.01", "0.01")],
)
def test_valid_amounts(raw, expected):
    assert values.parse_amount(raw) == decimal.Decimal(expected)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (None, "This field is required."),
        ("  ", "This field is required."),
        ("1e", "Enter a number."),
        ("inf", "Enter a number."),
        ("100000", "Ensure that there are no more than 5 digits in total."),
        ("0.001", "Ensure that there are no more than 2 decimal places."),
        ("1000.1", "Ensure that there are no more than 3 digits before the decimal point."),
    ],
)
def test_invalid_amounts(raw, message):
    with pytest.raises(ValueError, match=message.replace(".", r"\.")):
        values.parse_amount(raw)


def test_unit_ids():
    assert values.parse_unit_id(None) is None
    assert values.parse_unit_id("") is None
    assert values.parse_unit_id("12") == 12
    for raw in ("x", "-1", "1.5", "9" * 30):
        with pytest.raises(ValueError, match="valid choice"):
            values.parse_unit_id(raw)
