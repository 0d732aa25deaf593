"""Nutrition routes: plans, meals, meal items, the diary, plan info and nutritional values."""

from wger_flask.blueprints.nutrition import actions  # noqa: F401  (adds its routes to blp)
from wger_flask.blueprints.nutrition.resources import blp

__all__ = ["blp"]
