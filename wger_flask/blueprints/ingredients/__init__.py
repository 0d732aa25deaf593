"""Ingredient routes: ingredient, ingredientinfo, ingredient-sync, weight units, images."""
