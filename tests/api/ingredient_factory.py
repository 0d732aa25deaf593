"""``make_ingredient``: an ingredient (and optionally weight units) committed for one test."""

from __future__ import annotations

import decimal
from typing import Any

import pytest


@pytest.fixture
def make_ingredient(app):
    """``make_ingredient(name=..., units=[(name, gram)], **columns)`` → the new id."""
    from wger_flask.extensions import db
    from wger_flask.models.ingredients import Ingredient, IngredientWeightUnit

    def make(name: str = "Test food", units: list[tuple[str, int]] = (), **columns: Any) -> int:
        values: dict[str, Any] = {
            "energy": 100,
            "protein": decimal.Decimal("10"),
            "carbohydrates": decimal.Decimal("20"),
            "fat": decimal.Decimal("5"),
            "language_id": 2,
            "license_id": 1,
            **columns,
        }
        with app.app_context():
            ingredient = Ingredient(name=name, **values)
            db.session.add(ingredient)
            db.session.flush()
            for unit_name, gram in units:
                db.session.add(
                    IngredientWeightUnit(ingredient_id=ingredient.id, name=unit_name, gram=gram)
                )
            db.session.commit()
            return ingredient.id

    return make
