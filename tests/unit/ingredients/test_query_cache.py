"""The per-generation cache of ingredient query results."""

from wger_flask.extensions import db
from wger_flask.rest.caches import ENTRY_OVERHEAD
from wger_flask.services.ingredients.query_cache import (
    MAX_RANKED_IDS,
    Kept,
    QueryCache,
    generation,
    ranked,
)


def test_a_result_is_only_served_at_its_generation():
    cache = QueryCache()
    cache.put("shape", Kept(generation=7, count=3))
    assert cache.get("shape", 7).count == 3
    assert cache.get("shape", 8) is None
    assert cache.get("other", 7) is None


def test_the_least_recently_used_shape_goes_first():
    cache = QueryCache(max_entries=2)
    cache.put("a", Kept(1, 1))
    cache.put("b", Kept(1, 2))
    cache.get("a", 1)
    cache.put("c", Kept(1, 3))
    assert cache.get("b", 1) is None
    assert cache.get("a", 1).count == 1 and cache.get("c", 1).count == 3


def test_rankings_are_bounded_all_together_in_bytes():
    cache = QueryCache(max_bytes=3 * ENTRY_OVERHEAD + 5 * 8)
    cache.put("a", Kept(1, 3, ranked([1, 2, 3])))
    cache.put("b", Kept(1, 2, ranked([4, 5])))
    cache.put("c", Kept(1, 2, ranked([6, 7])))  # 7 ids: the oldest ranking goes
    assert cache.get("a", 1) is None
    assert cache.get("b", 1) is not None and cache.get("c", 1) is not None
    cache.put("c", Kept(2, 1, ranked([8])))  # replacing an entry frees its ids
    cache.put("d", Kept(1, 2, ranked([9, 10])))
    assert cache.get("b", 1) is not None and cache.get("d", 1) is not None
    assert cache.size_bytes() == 3 * ENTRY_OVERHEAD + 5 * 8  # b, c (one id), d


def test_rankings_are_compact_and_bounded():
    assert list(ranked([5, 3, 9])) == [5, 3, 9]
    assert ranked(list(range(MAX_RANKED_IDS + 1))) is None


def test_every_write_renews_the_generation_even_after_a_rollback(app):
    from sqlalchemy import text

    with app.app_context():
        seen = {generation()}
        for statement in (
            "UPDATE nutrition_ingredient SET name = name || '!' WHERE id = 2",
            "DELETE FROM nutrition_ingredient WHERE id = 3",
        ):
            db.session.execute(text(statement))
            seen.add(generation())
        nested = db.session.begin_nested()
        db.session.execute(text("DELETE FROM nutrition_ingredient WHERE id = 4"))
        rolled_back = generation()
        nested.rollback()
        db.session.execute(text("DELETE FROM nutrition_ingredient WHERE id = 5"))
        assert generation() != rolled_back
        seen.update({rolled_back, generation()})
        assert len(seen) == 5
        db.session.rollback()
