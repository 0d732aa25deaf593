"""The trigger-kept ingredient count blocks: exact after every kind of write, and windows."""

import decimal

from sqlalchemy import func, select, text

from wger_flask.extensions import db
from wger_flask.models.ingredients import Ingredient
from wger_flask.services.ingredients import counts as ingredient_counts


def add(pk: int) -> None:
    db.session.add(
        Ingredient(
            id=pk,
            name=f"Row {pk}",
            energy=1,
            protein=decimal.Decimal(1),
            carbohydrates=decimal.Decimal(1),
            fat=decimal.Decimal(1),
            language_id=2,
        )
    )


def exact() -> int:
    return db.session.execute(select(func.count()).select_from(Ingredient)).scalar_one()


def test_blocks_follow_inserts_deletes_and_id_changes(app):
    with app.app_context():
        assert ingredient_counts.total_rows() == exact()
        for pk in (50_000, 50_001, 99_999, 1_000_000):
            add(pk)
        db.session.flush()
        assert ingredient_counts.total_rows() == exact()
        db.session.execute(text("UPDATE nutrition_ingredient SET id = 2000000 WHERE id = 50000"))
        db.session.execute(text("DELETE FROM nutrition_ingredient WHERE id IN (99999, 2, 3)"))
        assert ingredient_counts.total_rows() == exact()
        db.session.execute(text("DELETE FROM nutrition_ingredient WHERE id > 10000"))
        assert ingredient_counts.total_rows() == exact()
        db.session.rollback()


def test_window_start_finds_the_block_and_the_rows_to_skip(app):
    with app.app_context():
        ids = db.session.execute(select(Ingredient.id).order_by(Ingredient.id)).scalars().all()
        for offset in (0, 1, 1000, 1022, 1023, 5000, len(ids) - 1):
            start = ingredient_counts.window_start(offset)
            inside = [pk for pk in ids if pk >= start.first_id]
            assert inside[start.skip] == ids[offset], offset
        assert ingredient_counts.window_start(len(ids)) is None
