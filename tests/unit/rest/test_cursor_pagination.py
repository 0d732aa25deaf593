"""DRF-compatible cursors for ``ingredient-sync``."""

import base64

import pytest

from wger_flask.rest.pagination import Cursor, InvalidCursor, decode_cursor, encode_cursor


def test_round_trip_and_drf_wire_format():
    cursor = Cursor(position="1234", reverse=True, offset=2)
    encoded = encode_cursor(cursor)
    assert base64.b64decode(encoded) == b"o=2&r=1&p=1234"
    assert decode_cursor(encoded) == cursor
    assert base64.b64decode(encode_cursor(Cursor("7"))) == b"p=7"


def test_no_cursor_is_the_start():
    assert decode_cursor(None) == Cursor()


def test_offsets_are_capped_like_drf():
    assert decode_cursor(base64.b64encode(b"o=5000&p=1").decode()).offset == 1000


@pytest.mark.parametrize("raw", ["abc", "ÿ", base64.b64encode(b"o=-1").decode(),
                                 base64.b64encode(b"r=x").decode(), base64.b64encode(b"\xff").decode()])  # fmt: skip
def test_malformed_cursors(raw):
    with pytest.raises(InvalidCursor):
        decode_cursor(raw)
