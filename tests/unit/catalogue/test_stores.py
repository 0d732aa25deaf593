"""The per-worker stores of rendered catalogue JSON, and gzip negotiation."""

import zlib

import pytest

from wger_flask.rest.caches import ENTRY_OVERHEAD
from wger_flask.rest.compression import CompressedBodies, accepts_gzip
from wger_flask.services.catalogue.rendering import KeptResponse, PieceStore, ResponseStore


def test_a_piece_is_used_only_at_its_stamp():
    store = PieceStore()
    store.put("exerciseinfo", 9, 111, b"{}")
    assert store.get("exerciseinfo", 9, 111) == b"{}"
    assert store.get("exerciseinfo", 9, 112) is None
    assert store.get("exercise", 9, 111) is None
    store.put("exerciseinfo", 9, 112, b"[]")
    assert store.get("exerciseinfo", 9, 111) is None
    assert store.get("exerciseinfo", 9, 112) == b"[]"


def test_a_piece_without_a_stamp_is_never_kept():
    store = PieceStore()
    store.put("exerciseinfo", 9, None, b"{}")
    assert store.get("exerciseinfo", 9, None) is None
    assert len(store) == 0


def test_pieces_are_kept_deflated_within_their_bytes():
    piece = b'{"name": "Curl", "muscles": []}' * 50
    deflated = len(zlib.compress(piece, 6))
    assert deflated < len(piece) / 10
    store = PieceStore(max_bytes=2 * (deflated + ENTRY_OVERHEAD) + ENTRY_OVERHEAD + 16)
    store.put("k", 1, 1, piece)
    store.put("k", 2, 1, piece)
    store.put("k", 3, 1, piece)  # no room: rendered again next time
    assert store.get("k", 3, 1) is None
    assert store.get("k", 1, 1) == piece
    store.put("k", 1, 2, b"{}")  # replacing frees the old piece's bytes
    store.put("k", 3, 1, piece)
    assert store.get("k", 3, 1) == piece
    assert store.size_bytes() <= store.max_bytes


def test_a_response_counts_its_body_tag_and_entry():
    store = ResponseStore()
    store.put("key", KeptResponse(5, b"body", "tag"))
    assert store.size_bytes() == len(b"body") + len("tag") + ENTRY_OVERHEAD
    store.put("key", KeptResponse(6, b"longer body", "tag"))  # replaced, not added
    assert store.size_bytes() == len(b"longer body") + len("tag") + ENTRY_OVERHEAD


def test_a_response_is_used_only_at_its_generation():
    store = ResponseStore()
    store.put("key", KeptResponse(5, b"body", "tag"))
    assert store.at("key", 5).body == b"body"
    assert store.at("key", 6) is None


def test_responses_are_dropped_least_recently_used_first():
    entry = 4 + 1 + ENTRY_OVERHEAD
    store = ResponseStore(max_bytes=2 * entry + 2, max_response=8)
    store.put("a", KeptResponse(1, b"aaaa", "a"))
    store.put("b", KeptResponse(1, b"bbbb", "b"))
    assert store.at("a", 1) is not None  # a used last
    store.put("c", KeptResponse(1, b"cccc", "c"))
    assert store.at("b", 1) is None
    assert store.at("a", 1) is not None and store.at("c", 1) is not None
    store.put("huge", KeptResponse(1, b"x" * 9, "h"))
    assert store.at("huge", 1) is None


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip", True),
        ("gzip, deflate, br", True),
        ("br;q=1.0, gzip;q=0.8", True),
        ("GZIP", True),
        ("x-gzip", True),
        ("*", True),
        ("gzip;q=0", False),
        ("gzip;q=0.0, *", False),
        ("*;q=0", False),
        ("identity", False),
        ("deflate, br", False),
        ("gzip;q=nonsense", False),
        ("", False),
        (None, False),
    ],
)
def test_accept_encoding(header, expected):
    assert accepts_gzip(header) is expected


def test_a_body_is_compressed_once_per_tag():
    bodies = CompressedBodies()
    first = bodies.get_or_compress("t", b"x" * 5000)
    assert bodies.get_or_compress("t", b"ignored: the tag names the content") is first
