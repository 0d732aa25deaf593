"""The pure parts of ingredient search: barcode shapes and escaping."""

import pytest

from wger_flask.services.ingredients.search import fts_phrase, like_escaped, looks_like_barcode


@pytest.mark.parametrize("term", ["12345678", "123456789012", "4006381333931", "12345678901234"])
def test_barcode_shapes(term):
    assert looks_like_barcode(term)


@pytest.mark.parametrize(
    "term", ["1234567", "123456789", "12345678901", "40063813339a", "١٢٣٤٥٦٧٨"]
)
def test_not_barcodes(term):
    assert not looks_like_barcode(term)


def test_like_patterns_and_fts_phrases_are_escaped():
    assert like_escaped("50%_off\\") == "50\\%\\_off\\\\"
    assert fts_phrase('say "cheese"') == '"say ""cheese"""'


@pytest.mark.parametrize("term", ["butter", "Cheese", "raw", "ch", "12345678", "ü"])
def test_the_python_ranking_is_the_sql_ranking(app, term):
    from sqlalchemy import select

    from wger_flask.extensions import db
    from wger_flask.models.ingredients import Ingredient
    from wger_flask.services.ingredients.search import ranked_ids, search

    with app.app_context():
        stmt = search(select(Ingredient), term)
        by_sql = list(
            db.session.execute(
                stmt.with_only_columns(Ingredient.id).order_by(Ingredient.id)
            ).scalars()
        )
        assert ranked_ids(stmt, term) == by_sql
