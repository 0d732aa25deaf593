"""A list page costs the same number of SQL statements whatever its size."""

import pytest

from wger_flask.rest.owner_answers import owner_answers
from wger_flask.services.catalogue import forget_rendered


@pytest.fixture(autouse=True)
def cold_catalogue(app):
    """Measure computed pages: the catalogue keeps its answers (a kept one costs 1 statement,
    see tests/api/catalogue/test_rendering.py)."""
    forget_rendered(app)


LISTS = [
    "exerciseinfo",
    "exercise",
    "exercise-translation",
    "muscle",
    "equipment",
    "exercisecategory",
    "language",
    "exercisealias",
    "exercisecomment",
    "exerciseimage",
    "video",
]


@pytest.mark.parametrize("resource", LISTS)
def test_statements_per_page_do_not_grow_with_the_page(client, count_queries, resource):
    counts = {}
    for limit in (5, 500):
        with count_queries() as counter:
            response = client.get(f"/api/v2/{resource}/?limit={limit}")
        assert response.status_code == 200
        counts[limit] = counter.count
    assert counts[5] == counts[500], counts
    assert counts[5] <= 12, counts


def test_exerciseinfo_page_of_872_is_still_constant(client, count_queries):
    with count_queries() as small:
        client.get("/api/v2/exerciseinfo/?limit=5")
    with count_queries() as everything:
        body = client.get("/api/v2/exerciseinfo/?limit=1000").get_json()
    assert len(body["results"]) == 872
    assert small.count == everything.count


def test_search_page_is_constant_too(client, count_queries):
    with count_queries() as small:
        client.get("/api/v2/exerciseinfo/?name__search=press&limit=5")
    with count_queries() as large:
        client.get("/api/v2/exerciseinfo/?name__search=press&limit=500")
    assert small.count == large.count


def test_an_authenticated_request_reads_the_user_once(
    app, client, count_queries, user, auth_headers
):
    """Authentication is one SELECT of the user; the profile is one more, dumped from the row
    already loaded (it was read twice, with the user again, before)."""
    headers = auth_headers(user)
    client.get("/api/v2/userprofile/", headers=headers)  # warm: nothing lazily created
    owner_answers(app).clear()  # the view's own cost, not the kept answer's
    with count_queries() as counter:
        response = client.get("/api/v2/userprofile/", headers=headers)
    assert response.status_code == 200
    assert counter.count == 2, counter.statements
