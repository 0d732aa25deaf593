"""Nutrition: nutritional values of ingredients, meal items, meals, plans and diary entries.

Plain functions with no HTTP and no database session of their own. May import: models.ingredients
and models.nutrition (read-only).
"""

from wger_flask.services.nutrition.values import (
    INVALID_CHOICE,
    parse_amount,
    parse_unit_id,
    values_for,
)

__all__ = ["INVALID_CHOICE", "parse_amount", "parse_unit_id", "values_for"]
