"""The database-rendered ingredient JSON is the schemas' own output, row for row."""

import datetime as dt
import decimal
import json

import pytest
from sqlalchemy import select

from wger_flask.extensions import db
from wger_flask.models.ingredients import Ingredient, IngredientImage, IngredientWeightUnit
from wger_flask.rest.loading import ReadPlan
from wger_flask.rest.serialization import compile_dumper
from wger_flask.schemas.ingredients import IngredientInfoSchema, IngredientSchema
from wger_flask.services.ingredients.rendering import json_source, media_url_parameter, renderer


def add_unusual_rows() -> None:
    """Rows that exercise every rendering branch: nulls, microseconds, quotes, an image."""
    odd = Ingredient(
        id=900_001,
        name='Odd "quoted" naïve\\name\n',
        energy=0,
        protein=decimal.Decimal("99.999"),
        carbohydrates=decimal.Decimal("0.001"),
        fat=decimal.Decimal("0"),
        sodium=decimal.Decimal("1.5"),
        is_vegan=True,
        is_vegetarian=False,
        language_id=12,
        license_id=3,
        created=dt.datetime(2024, 2, 29, 23, 59, 59, 1, tzinfo=dt.UTC),
        last_update=dt.datetime(2024, 3, 1, tzinfo=dt.UTC),
        last_imported=dt.datetime(2024, 3, 1, 0, 0, 0, 999999, tzinfo=dt.UTC),
    )
    db.session.add(odd)
    db.session.flush()
    db.session.add(IngredientWeightUnit(ingredient_id=odd.id, name="b", gram=2, id=900_002))
    db.session.add(IngredientWeightUnit(ingredient_id=odd.id, name="a", gram=1, id=900_001))
    db.session.add(
        IngredientImage(
            ingredient_id=odd.id,
            image="x/y z.jpg",
            size=1,
            width=2,
            height=3,
            license_author="me",
            created=dt.datetime(2024, 1, 1, 1, 1, 1, 500, tzinfo=dt.UTC),
        )
    )
    db.session.flush()


@pytest.mark.parametrize("schema", [IngredientSchema, IngredientInfoSchema])
def test_every_row_matches_the_schema_dump(app, schema):
    with app.test_request_context("/api/v2/ingredient/", base_url="https://food.example:8443"):
        add_unusual_rows()
        stmt = select(Ingredient).order_by(Ingredient.id)
        dialect = db.session.get_bind().dialect.name
        parameters = media_url_parameter("https://food.example:8443/")
        rendering = renderer(schema, dialect)  # what every page of this database selects
        by_database = stmt.with_only_columns(*rendering.columns).select_from(
            json_source(schema, dialect)
        )
        texts = rendering.texts(db.session.execute(by_database, parameters))
        dump = compile_dumper(schema)
        expected = [dump(record) for record in ReadPlan.for_schema(Ingredient, schema).page(stmt)]
        assert len(texts) == len(expected) > 9000
        for text, theirs in zip(texts, expected, strict=True):
            mine = json.loads(text)
            assert mine == theirs
            assert list(mine) == list(theirs)
        db.session.rollback()
