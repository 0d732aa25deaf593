"""What the tests of users' kept answers share (``rest/owner_answers.py``): a read that must
succeed, and the check that a repeated read is a hit equal to a fresh answer."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from wger_flask.rest.owner_answers import owner_answers


def read(client: Any, headers: dict, url: str) -> Any:
    """``GET url``, asserting a 200 (the URL and the body in the message otherwise)."""
    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.get_json())
    return response


def assert_hits_are_fresh(
    app: Any, client: Any, headers: dict, urls: Iterable[str], count_queries: Callable
) -> None:
    """Each URL read twice: the second read is one statement (the authentication look-up with
    the data stamp), and its body and ETag are those of the first read and of a fresh answer
    computed after the store is emptied."""
    for url in urls:
        first = read(client, headers, url)
        with count_queries() as counter:
            again = read(client, headers, url)
        assert len(counter.statements) == 1, (url, counter.statements)
        assert "data_stamp" in counter.statements[0]
        owner_answers(app).clear()
        fresh = read(client, headers, url)
        assert again.get_data() == first.get_data() == fresh.get_data(), url
        assert again.headers["ETag"] == fresh.headers["ETag"]
