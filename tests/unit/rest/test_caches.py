"""Every per-worker cache is listed in ``rest.caches`` with its size and bound in bytes, and
stays within the bound however much is put in it."""

from array import array

from wger_flask.rest import caches
from wger_flask.rest.compression import CompressedBodies
from wger_flask.rest.owner_answers import KeptAnswer, OwnerAnswers
from wger_flask.services.catalogue.rendering import (
    CountStore,
    KeptResponse,
    PieceStore,
    ResponseStore,
    rendered,
)
from wger_flask.services.ingredients.query_cache import Kept, QueryCache

LISTED = {
    "compressed_bodies",
    "catalogue_pieces",
    "catalogue_responses",
    "catalogue_counts",
    "ingredient_queries",
    "ingredient_answers",
    "decimal_strings",
    "whole_or_decimal_strings",
    "verified_tokens",
    "owner_answers",
}


def test_the_report_lists_every_cache_with_its_bound(app, client, user, auth_headers):
    client.get("/api/v2/exerciseinfo/?limit=5")  # makes the app's catalogue stores
    client.get("/api/v2/userprofile/", headers=auth_headers(user))  # and its verified tokens
    client.get("/api/v2/ingredient/?limit=5")  # and its ingredient answers
    with app.app_context():
        assert rendered(app) is not None
        report = caches.report(app)
    assert set(report) == LISTED
    for name, size in report.items():
        assert 0 <= size.size_bytes <= size.max_bytes, name
    assert report["catalogue_pieces"].size_bytes > 0
    assert caches.total_bytes(app) == sum(size.size_bytes for size in report.values())


def test_a_per_app_store_the_app_has_not_made_is_left_out():
    class NoStores:
        extensions: dict = {}

    assert "catalogue_pieces" not in caches.report(NoStores())  # type: ignore[arg-type]


def test_each_store_stays_within_its_bytes_whatever_is_put_in_it():
    budget = 64 * 1024
    bodies = CompressedBodies(max_bytes=budget)
    pieces = PieceStore(max_bytes=budget)
    responses = ResponseStore(max_bytes=budget, max_response=budget // 4)
    queries = QueryCache(max_bytes=budget)
    for number in range(2000):
        text = f'{{"id": {number}, "name": "{number * 7919:x}"}}'.encode() * 40
        bodies.get_or_compress(f"tag{number}", text)
        pieces.put("exerciseinfo", number, 1, text)
        responses.put(number, KeptResponse(1, text, f"tag{number}"))
        queries.put(number, Kept(1, 500, array("q", range(500))))
    for store in (bodies, pieces, responses, queries):
        assert 0 < store.size_bytes() <= budget, type(store).__name__
    counts = CountStore(max_entries=100)
    for number in range(1000):
        counts.put(number, 1, number)
    assert 0 < counts.size_bytes() <= counts.max_bytes


def test_a_bounded_lru_cache_keeps_at_most_its_bytes():
    calls = []

    @caches.bounded_lru_cache("test_squares", max_bytes=1000, entry_bytes=100)
    def square(number: int) -> int:
        calls.append(number)
        return number * number

    try:
        for number in range(50):
            assert square(number) == number * number
        square(49)
        assert calls.count(49) == 1  # kept
        size = caches.report()["test_squares"]
        assert size.size_bytes == size.max_bytes == 1000  # 10 entries of 100 bytes
    finally:
        caches._SOURCES.pop("test_squares", None)


def test_the_bounded_map_drops_the_least_recently_used_first_and_counts_replacements_once():
    store = caches.BoundedLRU[bytes](max_bytes=3 * (caches.ENTRY_OVERHEAD + 10), weigh=len)
    for key in "abc":
        store.put(key, b"x" * 10)
    assert store.get("a") == b"x" * 10  # "a" is now the most recently used
    store.put("b", b"y" * 10)  # a replacement: its old size is taken off, nothing dropped
    assert len(store) == 3
    assert store.size_bytes() == 3 * (caches.ENTRY_OVERHEAD + 10)
    store.put("d", b"z" * 10)  # over the bound: "c", the least recently used, goes
    assert store.get("c") is None
    assert [store.get(key) is not None for key in "abd"] == [True, True, True]
    assert store.size_bytes() <= store.max_bytes


def test_the_owner_answers_stay_within_their_bytes():
    store = OwnerAnswers(max_bytes=64 * 1024)
    answer = KeptAnswer(b"x" * 1000, (("Content-Type", "application/json"),))
    for user in range(500):
        store.put((user, 1, "/api/v2/userprofile/"), answer)
        assert store.size_bytes() <= store.max_bytes
    assert 0 < len(store) < 500
    assert store.get((499, 1, "/api/v2/userprofile/")) == answer  # the newest stay
    assert store.get((0, 1, "/api/v2/userprofile/")) is None  # the oldest went first
    store.put(("huge",), KeptAnswer(b"x" * 60_000, ()))  # more than an eighth: never kept
    assert store.get(("huge",)) is None
