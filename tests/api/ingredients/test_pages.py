"""Ingredient list pages: constant SQL statements whatever their size, streamed large pages."""

import json

import pytest

from tests.api import ingredient_factory

make_ingredient = ingredient_factory.make_ingredient  # the fixture, for this module's tests
SHIPPED = 9210 + 14


@pytest.fixture
def cold(app):
    """No kept whole answers: the pages of the test are computed (and their statements
    counted), not answered from an earlier test's."""
    from wger_flask.services.ingredients.query_cache import kept_answers

    with app.app_context():
        kept_answers(app).clear()


def streamed(response) -> bool:
    """A streamed body has no length known in advance."""
    return "Content-Length" not in response.headers


@pytest.mark.parametrize("resource", ["ingredient", "ingredientinfo"])
def test_statements_per_page_do_not_grow_with_the_page(client, cold, count_queries, resource):
    client.get(f"/api/v2/{resource}/")  # read the count blocks (once per table generation)
    counts = {}
    for limit in (5, 500, 1000, 1001, 5000, 9000):
        with count_queries() as counter:
            response = client.get(f"/api/v2/{resource}/?limit={limit}&offset=10")
            body = json.loads(response.get_data())
        assert response.status_code == 200
        assert len(body["results"]) == limit
        counts[limit] = counter.count
    # Pages up to 1000 rows: window, ids, rows; larger pages stream in one statement fewer.
    assert counts[5] == counts[500] == counts[1000], counts
    assert counts[1001] == counts[5000] == counts[9000] <= counts[5] <= 5, counts


def test_search_and_sync_pages_are_constant_too(client, cold, count_queries):
    from wger_flask.services.ingredients.query_cache import CACHE

    counts = []
    for limit in (5, 1000, 1001, 2000):  # two read by id, two streamed
        CACHE.clear()  # every ranking computed afresh
        with count_queries() as counter:
            response = client.get(f"/api/v2/ingredient/?name__search=ch&limit={limit}")
            body = json.loads(response.get_data())
        assert len(body["results"]) == limit
        counts.append(counter.count)
    for size in (5, 1000):
        with count_queries() as counter:
            client.get(f"/api/v2/ingredient-sync/?page_size={size}").get_data()
        counts.append(counter.count)
    assert counts[0] == counts[1] and counts[2] == counts[3] and counts[4] == counts[5], counts
    assert max(counts) <= 4, counts


def test_a_page_computed_at_an_old_generation_is_computed_again(client, make_ingredient):
    client.get("/api/v2/ingredient/?limit=1")  # this worker now assumes the current generation
    created = make_ingredient(name="Written meanwhile")  # by another session, as another worker
    body = client.get(f"/api/v2/ingredient/?limit=1&offset={SHIPPED}").get_json()
    assert body["count"] == SHIPPED + 1
    assert [row["id"] for row in body["results"]] == [created]


def test_the_unfiltered_count_is_not_a_count_query(client, cold, count_queries):
    with count_queries() as counter:
        client.get("/api/v2/ingredient/?offset=5000")
    assert not any("count(*)" in statement.lower() for statement in counter.statements)
    assert any("nutrition_ingredient_generation" in statement for statement in counter.statements)


def test_a_streamed_page_is_the_same_json_as_small_pages(client):
    response = client.get("/api/v2/ingredientinfo/?limit=100000&offset=7")
    assert streamed(response)
    body = json.loads(response.get_data())
    assert body["count"] == SHIPPED and body["next"] is None
    assert body["previous"] == "http://localhost/api/v2/ingredientinfo/?limit=100000"
    assert len(body["results"]) == SHIPPED - 7
    small = client.get("/api/v2/ingredientinfo/?limit=1000&offset=9007").get_json()
    assert body["results"][-len(small["results"]) :] == small["results"]
    units = [row for row in body["results"] if row["weight_units"]]
    assert [row["id"] for row in units] == [10001]


def test_a_streamed_filtered_page(client):
    response = client.get("/api/v2/ingredient/?language=2&limit=5000&ordering=-id")
    body = json.loads(response.get_data())
    assert streamed(response) and len(body["results"]) == 5000
    ids = [row["id"] for row in body["results"]]
    assert ids == sorted(ids, reverse=True)
    assert {row["language"] for row in body["results"]} == {2}


def test_indented_and_browsable_large_pages_are_rendered_whole(client):
    response = client.get(
        "/api/v2/ingredient/?limit=2000", headers={"Accept": "application/json; indent=2"}
    )
    assert not streamed(response)
    assert len(response.get_json()["results"]) == 2000
    page = client.get("/api/v2/ingredient/?limit=1500&format=api")
    assert page.status_code == 200 and page.mimetype == "text/html"


def test_small_pages_carry_an_etag(client):
    response = client.get("/api/v2/ingredient/?limit=5")
    assert response.headers.get("ETag")
    again = client.get(
        "/api/v2/ingredient/?limit=5", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304


@pytest.mark.parametrize(
    "path",
    [
        "/api/v2/ingredient/?limit=20",
        "/api/v2/ingredient/?limit=20&offset=5000",
        "/api/v2/ingredientinfo/?limit=100",
        "/api/v2/ingredient/10001/",
        "/api/v2/ingredientinfo/10001/",
        "/api/v2/ingredient/?name__search=butter",
        "/api/v2/ingredientinfo/?name__search=cheese&language__code=en,de",
        "/api/v2/ingredientweightunit/?ingredient=10001",
    ],
)
def test_a_kept_answer_is_the_computed_one_in_one_statement(client, cold, count_queries, path):
    computed = client.get(path)
    with count_queries() as counter:
        kept = client.get(path)
    assert kept.status_code == computed.status_code == 200
    assert kept.data == computed.data
    assert kept.headers["ETag"] == computed.headers["ETag"]
    assert counter.statements == ["SELECT value FROM nutrition_ingredient_generation WHERE id = 1"]
    assert client.get(path, headers={"If-None-Match": kept.headers["ETag"]}).status_code == 304


def test_the_browsable_page_and_large_pages_are_not_kept(app, client, cold):
    from wger_flask.services.ingredients.query_cache import kept_answers

    client.get("/api/v2/ingredient/?limit=5", headers={"Accept": "text/html"})
    client.get("/api/v2/ingredient/?limit=2000").get_data()  # streamed
    with app.app_context():
        assert len(kept_answers(app)) == 0
