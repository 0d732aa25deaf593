"""The limit/offset pager: DRF's fall-backs and link building."""

import pytest
from werkzeug.datastructures import MultiDict

from wger_flask.rest.pagination import DEFAULT_LIMIT, PageRequest, links


@pytest.mark.parametrize(
    ("args", "limit", "offset"),
    [
        ({}, DEFAULT_LIMIT, 0),
        ({"limit": "5"}, 5, 0),
        ({"limit": "100000"}, 100000, 0),  # no upper cap (the seed)
        ({"limit": "0"}, DEFAULT_LIMIT, 0),  # DRF: strict positive, else the default
        ({"limit": "-3"}, DEFAULT_LIMIT, 0),
        ({"limit": "ten"}, DEFAULT_LIMIT, 0),
        ({"limit": " 7 "}, 7, 0),
        ({"offset": "40"}, DEFAULT_LIMIT, 40),
        ({"offset": "-1"}, DEFAULT_LIMIT, 0),
        ({"offset": "x"}, DEFAULT_LIMIT, 0),
        ({"limit": "3", "offset": "0"}, 3, 0),
        ({"limit": "9" * 30, "offset": "9" * 30}, 2**63 - 1, 2**63 - 1),  # what SQL can take
    ],
)
def test_page_request_falls_back_like_drf(args, limit, offset):
    page = PageRequest.from_args(MultiDict(args))
    assert (page.limit, page.offset) == (limit, offset)


BASE = "http://testserver/api/v2/muscle/"


def test_first_page_has_next_only():
    next_url, previous_url = links(PageRequest(5, 0), 16, BASE, MultiDict({"limit": "5"}))
    assert next_url == BASE + "?limit=5&offset=5"
    assert previous_url is None


def test_middle_page_links_both_ways_and_keeps_filters():
    args = MultiDict([("is_front", "True"), ("limit", "5"), ("offset", "10")])
    next_url, previous_url = links(PageRequest(5, 10), 40, BASE, args)
    assert next_url == BASE + "?is_front=True&limit=5&offset=15"
    assert previous_url == BASE + "?is_front=True&limit=5&offset=5"


def test_previous_of_second_page_drops_offset():
    _, previous_url = links(PageRequest(5, 5), 40, BASE, MultiDict({"limit": "5", "offset": "5"}))
    assert previous_url == BASE + "?limit=5"


def test_last_page_has_no_next():
    next_url, _ = links(PageRequest(5, 35), 40, BASE, MultiDict())
    assert next_url is None


def test_offset_past_the_end_links_back():
    next_url, previous_url = links(PageRequest(20, 100), 16, BASE, MultiDict())
    assert next_url is None
    assert previous_url == BASE + "?limit=20&offset=80"
