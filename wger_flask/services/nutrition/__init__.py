"""Nutrition: nutritional values of ingredients, meal items, meals, plans and diary entries;
the write rules of plans, meals, meal items and the diary (``rules``); a user's nutrition data
for the account export.

``values`` is plain arithmetic (no HTTP, no database); ``reads`` reads what the values need with
one statement per answer, through the request's session (it never commits); ``export`` dumps a
user's rows. May import: models.ingredients (read-only), models.nutrition, schemas.nutrition,
the generic layer's errors and writes.
"""

from wger_flask.services.nutrition.export import export_user
from wger_flask.services.nutrition.rules import RULES
from wger_flask.services.nutrition.values import (
    INVALID_CHOICE,
    parse_amount,
    parse_unit_id,
    values_for,
)

__all__ = [
    "INVALID_CHOICE",
    "RULES",
    "export_user",
    "parse_amount",
    "parse_unit_id",
    "values_for",
]
