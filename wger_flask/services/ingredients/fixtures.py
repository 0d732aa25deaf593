"""How the shipped ingredient fixtures enter the database (``flask bootstrap``).

``ingredients.json`` holds 9,210 real ingredients (ids 2–9215) without uuids;
``test-ingredients.json`` holds upstream's 14 richer rows (barcodes, sources, Nutri-Score, weight
units) whose primary keys collide with the real rows. The richer rows enter at
``TEST_ID_OFFSET + pk`` (10001, 10002, ..., 15370) and their weight units follow them, so both
sets are served side by side. A row without a uuid gets ``uuid5(NAMESPACE, "<model>:<pk>")``:
every install agrees on it, so synced clients can match rows by uuid.
"""

from __future__ import annotations

import decimal
import uuid
from typing import Any

from wger_flask.fixtures import FixtureModel, register
from wger_flask.models import ingredients

NAMESPACE = uuid.UUID("6b1f4f0e-2f4c-5c55-9a8e-7767e3a5c0de")
TEST_ID_OFFSET = 10000
TEST_FILE = "test-ingredients.json"
INGREDIENT = "nutrition.ingredient"
WEIGHT_UNIT = "nutrition.ingredientweightunit"
NUTRIENTS = (
    "protein",
    "carbohydrates",
    "carbohydrates_sugar",
    "fat",
    "fat_saturated",
    "fiber",
    "sodium",
)
THOUSANDTH = decimal.Decimal("0.001")


def stable_uuid(label: str, pk: int) -> uuid.UUID:
    """The uuid every install gives the fixture row ``label``/``pk`` that has none."""
    return uuid.uuid5(NAMESPACE, f"{label}:{pk}")


def ingredient_row(pk: int, row: dict[str, Any]) -> dict[str, Any]:
    """Fill the uuid, and round nutrients to the column's three places (one row has four)."""
    row.setdefault("uuid", stable_uuid(INGREDIENT, pk))
    for name in NUTRIENTS:
        if row.get(name) is not None:
            row[name] = decimal.Decimal(str(row[name])).quantize(THOUSANDTH)
    return row


def weight_unit_row(pk: int, row: dict[str, Any]) -> dict[str, Any]:
    row.setdefault("uuid", stable_uuid(WEIGHT_UNIT, pk))
    return row


def move_test_rows(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The richer test rows at ``TEST_ID_OFFSET + pk``, their weight units pointing there."""
    moved = []
    for record in records:
        record = {**record, "fields": dict(record["fields"])}
        if record["model"] == INGREDIENT:
            record["pk"] += TEST_ID_OFFSET
        elif record["model"] == WEIGHT_UNIT:
            record["fields"]["ingredient"] += TEST_ID_OFFSET
        moved.append(record)
    return moved


def register_fixtures() -> None:
    register(
        FixtureModel(INGREDIENT, ingredients.Ingredient, transform=ingredient_row),
        FixtureModel(WEIGHT_UNIT, ingredients.IngredientWeightUnit, transform=weight_unit_row),
        files=["ingredients.json", TEST_FILE],
        rewriters={TEST_FILE: move_test_rows},
    )
