"""Nutritional values of items, meals, plans and diary days, computed by hand.

Bread per 100 g: 250 kcal, protein 12.5, carbohydrates 30 (sugar 5), fat 8 (saturated 2.5),
fiber unknown, sodium 0.4; a slice weighs 35 g. Apple per 100 g: 80 kcal, protein 1.2,
carbohydrates 18, fat 0.3, fiber 2.4 (sugar, saturated fat and sodium unknown).
"""

from decimal import Decimal as D

import pytest

from wger_flask.services.nutrition import values

BREAD = {
    "energy": 250,
    "protein": "12.500",
    "carbohydrates": "30.000",
    "carbohydrates_sugar": "5.000",
    "fat": "8.000",
    "fat_saturated": "2.500",
    "fiber": None,
    "sodium": "0.400",
}
APPLE = {
    "energy": 80,
    "protein": D("1.2"),
    "carbohydrates": D("18"),
    "carbohydrates_sugar": None,
    "fat": D("0.3"),
    "fat_saturated": None,
    "fiber": D("2.4"),
    "sodium": None,
}


def test_an_item_in_grams():
    # 150 g of apple: each figure × 150 / 100
    assert values.item_values(APPLE, D("150")) == values.NutritionalValues(
        energy=D(120),
        protein=D("1.8"),
        carbohydrates=D(27),
        fat=D("0.45"),
        fiber=D("3.6"),
    )


def test_an_item_in_a_weight_unit_multiplies_by_its_grams():
    # 2 slices × 35 g = 70 g of bread
    result = values.item_values(BREAD, D("2"), unit_gram=35)
    assert result.as_dict() == {
        "energy": 175.0,
        "protein": 8.75,
        "carbohydrates": 21.0,
        "carbohydrates_sugar": 3.5,
        "fat": 5.6,
        "fat_saturated": 1.75,
        "fiber": None,
        "sodium": 0.28,
    }


def test_decimal_amounts_are_exact():
    # 12.25 g of bread: 250 × 12.25 / 100 = 30.625 kcal, 8 × 12.25 / 100 = 0.98 g fat
    result = values.item_values(BREAD, D("12.25"))
    assert result.energy == D("30.625") and result.fat == D("0.98")


def test_a_zero_optional_figure_is_unknown_as_upstream():
    assert values.item_values({**BREAD, "sodium": "0.000"}, D(100)).sodium is None


def test_a_meal_sums_its_items_and_keeps_known_optionals():
    meal = values.total([values.item_values(BREAD, D(2), 35), values.item_values(APPLE, D(150))])
    assert meal.as_dict() == {
        "energy": 295.0,
        "protein": 10.55,
        "carbohydrates": 48.0,
        "carbohydrates_sugar": 3.5,
        "fat": 6.05,
        "fat_saturated": 1.75,
        "fiber": 3.6,
        "sodium": 0.28,
    }


def test_optionals_stay_null_when_every_part_is_null():
    snack = values.total([values.item_values(APPLE, D(50)), values.item_values(APPLE, D(25))])
    assert snack.carbohydrates_sugar is None
    assert snack.fat_saturated is None and snack.sodium is None
    assert snack.fiber == D("1.8") and snack.energy == D(60)


def test_nothing_sums_to_zero_and_unknowns():
    assert values.total([]).as_dict() == {
        "energy": 0.0,
        "protein": 0.0,
        "carbohydrates": 0.0,
        "carbohydrates_sugar": None,
        "fat": 0.0,
        "fat_saturated": None,
        "fiber": None,
        "sodium": None,
    }


def test_a_plan_is_the_sum_of_its_meals():
    breakfast = values.total(
        [values.item_values(BREAD, D(2), 35), values.item_values(APPLE, D(150))]
    )
    snack = values.total([values.item_values(APPLE, D(50))])
    day = values.total([breakfast, snack])
    assert day.energy == D(335) and day.protein == D("11.15") and day.fiber == D("4.8")
    assert day.carbohydrates_sugar == D("3.5") and day.sodium == D("0.28")


def test_energy_in_kilojoules():
    # 295 kcal × 4.184 = 1234.28 kJ
    meal = values.total([values.item_values(BREAD, D(2), 35), values.item_values(APPLE, D(150))])
    assert meal.energy_kilojoule == D("1234.280")


@pytest.mark.parametrize("amount", [D(1), D("999.99"), D(1000)])
def test_get_values_answers_the_same_as_an_item(amount):
    assert values.values_for(BREAD, amount, 35) == values.item_values(BREAD, amount, 35).as_dict()


def test_floats_count_by_their_text_not_their_binary_expansion():
    # 0.3 g fat per 100 g × 10 g = 0.03 exactly (Decimal(0.3) would be 0.2999…)
    assert values.item_values({**APPLE, "fat": 0.3}, 10.0).fat == D("0.03")
