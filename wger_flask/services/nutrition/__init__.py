"""Nutrition: nutritional values of ingredients, meal items, meals, plans and diary entries.

Plain functions with no HTTP and no database session of their own. May import: models.ingredients
and models.nutrition (read-only).
"""
