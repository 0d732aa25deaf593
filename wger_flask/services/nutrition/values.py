"""Nutritional values: of an amount of an ingredient (``ingredient/{id}/get_values/``), of a
meal item or diary entry, and their sums per meal, plan and day.

Upstream's rules: ``amount`` is required, a decimal of at most 5 digits with 2 places (grams, or
units when ``unit`` is given); ``unit`` is optional, the id of one of *that ingredient's* weight
units. The weight is ``amount`` grams, or ``amount × unit.gram``; each value is its per-100 g
figure × weight / 100, computed exactly in decimals and not rounded. Sugar, saturated fat,
fiber and sodium are null when the ingredient has no (or a zero) figure for them, as upstream.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

AMOUNT_MAX_DIGITS = 5
AMOUNT_PLACES = 2
REQUIRED = ("energy", "protein", "carbohydrates", "fat")
OPTIONAL = ("carbohydrates_sugar", "fat_saturated", "fiber", "sodium")
ORDER = (
    "energy",
    "protein",
    "carbohydrates",
    "carbohydrates_sugar",
    "fat",
    "fat_saturated",
    "fiber",
    "sodium",
)
HUNDRED = decimal.Decimal(100)
ZERO = decimal.Decimal(0)
KJ_PER_KCAL = decimal.Decimal("4.184")
INVALID_CHOICE = "Select a valid choice. That choice is not one of the available choices."


def _digits(number: decimal.Decimal) -> tuple[int, int]:
    """(total digits, decimal places) as Django's ``DecimalValidator`` counts them."""
    _, digit_tuple, exponent = number.as_tuple()
    exponent = int(exponent)
    if exponent >= 0:
        return (len(digit_tuple) + exponent if digit_tuple != (0,) else 1), 0
    if abs(exponent) > len(digit_tuple):
        return abs(exponent), abs(exponent)
    return len(digit_tuple), abs(exponent)


def parse_amount(raw: str | None) -> decimal.Decimal:
    """The ``amount`` parameter, validated like upstream's form; ValueError with its message."""
    if raw is None or not raw.strip():
        raise ValueError("This field is required.")
    try:
        number = decimal.Decimal(raw.strip())
    except decimal.InvalidOperation:
        raise ValueError("Enter a number.") from None
    if not number.is_finite():
        raise ValueError("Enter a number.")
    digits, places = _digits(number)
    if digits > AMOUNT_MAX_DIGITS:
        raise ValueError(f"Ensure that there are no more than {AMOUNT_MAX_DIGITS} digits in total.")
    if places > AMOUNT_PLACES:
        raise ValueError(f"Ensure that there are no more than {AMOUNT_PLACES} decimal places.")
    if digits - places > AMOUNT_MAX_DIGITS - AMOUNT_PLACES:
        whole = AMOUNT_MAX_DIGITS - AMOUNT_PLACES
        raise ValueError(
            f"Ensure that there are no more than {whole} digits before the decimal point."
        )
    return number


def parse_unit_id(raw: str | None) -> int | None:
    """The ``unit`` parameter: empty means grams; anything but a whole number is invalid."""
    if raw is None or not raw.strip():
        return None
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise ValueError(INVALID_CHOICE)
    return int(text)


def values_for(
    per_100g: Mapping[Any, Any], amount: decimal.Decimal, unit_gram: int | None = None
) -> dict[str, float | None]:
    """The values of ``amount`` grams (or ``amount`` units of ``unit_gram`` grams each)."""
    return item_values(per_100g, amount, unit_gram).as_dict()


@dataclass(frozen=True)
class NutritionalValues:
    """Energy in kcal, the rest in grams, as exact decimals. The optional nutrients are None
    when unknown; a sum keeps them None only when every part is None (upstream's rule)."""

    energy: decimal.Decimal = ZERO
    protein: decimal.Decimal = ZERO
    carbohydrates: decimal.Decimal = ZERO
    carbohydrates_sugar: decimal.Decimal | None = None
    fat: decimal.Decimal = ZERO
    fat_saturated: decimal.Decimal | None = None
    fiber: decimal.Decimal | None = None
    sodium: decimal.Decimal | None = None

    @property
    def energy_kilojoule(self) -> decimal.Decimal:
        """The energy in kJ (upstream's property; the API sends kcal only, as upstream)."""
        return self.energy * KJ_PER_KCAL

    def __add__(self, other: NutritionalValues) -> NutritionalValues:
        summed: dict[str, Any] = {}  # each field: its sum, or None where unknown
        for name in ORDER:
            mine, theirs = getattr(self, name), getattr(other, name)
            if mine is None or theirs is None:
                summed[name] = theirs if mine is None else mine
            else:
                summed[name] = mine + theirs
        return NutritionalValues(**summed)

    def as_dict(self) -> dict[str, float | None]:
        """The JSON answer: floats (upstream's ``FloatField``), None where unknown."""
        result: dict[str, float | None] = {}
        for name in ORDER:
            value = getattr(self, name)
            result[name] = None if value is None else float(value)
        return result


ZERO_VALUES = NutritionalValues()


def item_values(
    per_100g: Mapping[Any, Any], amount: decimal.Decimal, unit_gram: int | None = None
) -> NutritionalValues:
    """The values of one meal item or diary entry: ``amount`` grams, or ``amount`` units of
    ``unit_gram`` grams each, of an ingredient with these values per 100 g (numbers or their
    decimal strings). An optional nutrient the ingredient lacks (or has as zero) is None."""
    weight = _exact(amount) if unit_gram is None else _exact(amount) * unit_gram
    values: dict[str, Any] = {}  # each field: its value, or None where unknown
    for name in ORDER:
        figure = per_100g.get(name)
        number = ZERO if figure is None else _exact(figure)
        if name in OPTIONAL and not number:
            values[name] = None
            continue
        values[name] = number * weight / HUNDRED
    return NutritionalValues(**values)


def _exact(number: Any) -> decimal.Decimal:
    """A decimal, a whole number, a decimal string or a float (by its shortest text, so 0.3 is
    0.3 and not its binary expansion)."""
    if isinstance(number, float):
        return decimal.Decimal(repr(number))
    return decimal.Decimal(number)


def total(parts: Iterable[NutritionalValues]) -> NutritionalValues:
    """The sum of ``parts`` (zero energy and macros, unknown optionals, when there are none):
    a meal's items, a plan's meals (its daily total), a day of diary entries."""
    result = ZERO_VALUES
    for part in parts:
        result = result + part
    return result
