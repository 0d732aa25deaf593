"""The synthetic catalogue: valid barcodes, plausible nutrients, rows the API serves."""

import random

import pytest
from sqlalchemy import func, select

from wger_flask.extensions import db
from wger_flask.models.ingredients import Ingredient, IngredientWeightUnit
from wger_flask.services.ingredients import counts as ingredient_counts
from wger_flask.services.ingredients import synthesis


def ean13_is_valid(code: str) -> bool:
    digits = [int(digit) for digit in code]
    return len(code) == 13 and sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10 == 0


@pytest.mark.parametrize("number", [0, 1, 7, 123_456, 99_999_999_999])
def test_barcodes_are_valid_ean13(number):
    assert ean13_is_valid(synthesis.ean13(number))


def test_scaled_nutrients_stay_plausible():
    rng = random.Random(3)
    base = synthesis.Base(
        "Heavy",
        900,
        {"protein": 30.0, "carbohydrates": 40.0, "carbohydrates_sugar": 39.9, "fat": 29.0,
         "fat_saturated": 29.0, "fiber": None, "sodium": 1.0},
    )  # fmt: skip
    for _ in range(200):
        energy, values = synthesis.scaled_nutrients(base, rng)
        assert values["protein"] + values["carbohydrates"] + values["fat"] <= 100.01
        assert values["carbohydrates_sugar"] <= values["carbohydrates"]
        assert values["fat_saturated"] <= values["fat"]
        assert values["fiber"] is None and 0 < energy <= 1080


def test_synthesize_adds_rows_the_counts_and_search_see(app, client):
    with app.app_context():
        before = ingredient_counts.total_rows()
        units_before = db.session.execute(
            select(func.count()).select_from(IngredientWeightUnit)
        ).scalar()
        assert synthesis.synthesize(300, seed=5) == 300
        db.session.commit()
        assert ingredient_counts.total_rows() == before + 300
        newest = (
            db.session.execute(select(Ingredient).order_by(Ingredient.id.desc())).scalars().first()
        )
        assert newest.source_name == "Open Food Facts" and ean13_is_valid(newest.code)
        assert (
            db.session.execute(select(func.count()).select_from(IngredientWeightUnit)).scalar()
            > units_before
        )
        name, code = newest.name, newest.code
    body = client.get(f"/api/v2/ingredient/?name__search={code}").get_json()
    assert [row["name"] for row in body["results"]] == [name]
    assert client.get("/api/v2/ingredient/?limit=1").get_json()["count"] == before + 300
    with app.app_context():
        assert synthesis.synthesize(50, seed=5) == 50  # again: new uuids and barcodes
        db.session.commit()
    assert client.get("/api/v2/ingredient/?limit=1").get_json()["count"] == before + 350


def test_the_synthesize_command(app, client):
    with app.app_context():
        before = ingredient_counts.total_rows()
    result = app.test_cli_runner().invoke(
        args=["catalogue", "synthesize", "--count", "40", "--seed", "9"]
    )
    assert result.exit_code == 0, result.output
    assert "40 synthetic ingredients added" in result.output
    assert client.get("/api/v2/ingredient/?limit=1").get_json()["count"] == before + 40
