"""Kept catalogue answers and exercise pieces: the same JSON as rendering anew, one SQL
statement for a kept answer, gzip once per content, validators, and writes seen at once."""

from __future__ import annotations

import gzip

import pytest
from sqlalchemy import select, text

from wger_flask.blueprints.catalogue.exercises import EXERCISE_INFO
from wger_flask.extensions import db
from wger_flask.models.catalogue import Exercise
from wger_flask.rest.negotiation import JSON_MIMETYPE
from wger_flask.services.catalogue import forget_rendered, rendering


@pytest.fixture
def cold(app):
    forget_rendered(app)
    return app


def rendered_anew(app, ids=None):
    """Every (or the given) exercise dumped by the schema's dumper, without pieces."""
    with app.test_request_context("/", base_url="http://localhost"):
        stmt = select(Exercise).order_by(Exercise.id)
        if ids is not None:
            stmt = stmt.where(Exercise.id.in_(ids))
        return [EXERCISE_INFO.dump(record) for record in EXERCISE_INFO.read_plan.page(stmt)]


def test_a_page_of_pieces_is_the_schema_output_for_every_exercise(client, cold):
    first = client.get("/api/v2/exerciseinfo/?limit=1000").get_json()
    assert first["count"] == 872
    assert first["results"] == rendered_anew(cold)
    # Pieces kept, a different page: the same JSON from the kept pieces.
    again = client.get("/api/v2/exerciseinfo/?limit=1000&offset=0").get_json()
    assert again["results"] == first["results"]


def test_a_kept_answer_costs_one_statement(client, cold, count_queries):
    path = "/api/v2/exerciseinfo/?limit=20"
    with count_queries() as computed:
        first = client.get(path)
    with count_queries() as kept:
        second = client.get(path)
    assert second.data == first.data
    assert second.headers["ETag"] == first.headers["ETag"]
    assert kept.count == 1, kept.statements
    assert "exercises_catalogue_generation" in kept.statements[0]
    assert computed.count > 1


def test_a_page_of_kept_pieces_costs_two_statements(client, cold, count_queries):
    first = client.get("/api/v2/exerciseinfo/?limit=40").get_json()
    with count_queries() as counter:
        body = client.get("/api/v2/exerciseinfo/?limit=20&offset=20").get_json()
    assert counter.count == 2, counter.statements  # the generation; the page with its stamps
    assert body["results"] == first["results"][20:]
    assert body["count"] == first["count"] == 872


def test_only_the_first_page_of_a_query_counts(client, cold, count_queries):
    search = "/api/v2/exerciseinfo/?name__search=press&language__code=en&limit=5"
    with count_queries() as first:
        counted = client.get(search).get_json()
    with count_queries() as second:
        following = client.get(search + "&offset=5").get_json()
    assert any("OVER" in statement for statement in first.statements)
    assert not any("OVER" in statement for statement in second.statements)
    assert following["count"] == counted["count"] > 5
    assert following["previous"] is not None
    past_the_end = client.get(search + f"&offset={counted['count'] + 10}").get_json()
    assert past_the_end["count"] == counted["count"] and past_the_end["results"] == []


@pytest.mark.parametrize(
    "path",
    [
        "/api/v2/exerciseinfo/?limit=3",
        "/api/v2/exerciseinfo/?name__search=curl&language__code=en",
        "/api/v2/exerciseinfo/9/",
        "/api/v2/exercise/?limit=3",
        "/api/v2/exercise-translation/?limit=3",
        "/api/v2/muscle/",
        "/api/v2/language/",
        "/api/v2/equipment/1/",
    ],
)
def test_kept_answers_are_the_computed_ones(client, cold, count_queries, path):
    computed = client.get(path)
    with count_queries() as counter:
        kept = client.get(path)
    assert kept.status_code == computed.status_code == 200
    assert kept.data == computed.data
    assert kept.headers["ETag"] == computed.headers["ETag"]
    assert kept.headers["Content-Length"] == str(len(kept.data))
    assert kept.mimetype == JSON_MIMETYPE
    assert counter.count == 1


def test_search_pages_are_ranked_pieces(client, cold):
    ranked = client.get("/api/v2/exerciseinfo/?name__search=curl&language__code=en").get_json()
    assert ranked["count"] > 3
    ids = [row["id"] for row in ranked["results"]]
    assert ranked["results"] == sorted(
        rendered_anew(cold, ids), key=lambda row: ids.index(row["id"])
    )


def test_links_and_urls_follow_the_requesting_host(client, cold, monkeypatch):
    monkeypatch.setitem(
        client.application.config, "TRUSTED_HOSTS", ["localhost", "wger.example.org"]
    )
    for host in ("http://localhost", "https://wger.example.org"):
        body = client.get("/api/v2/exerciseinfo/?limit=2", base_url=host).get_json()
        assert body["next"].startswith(f"{host}/api/v2/exerciseinfo/")
        urls = [muscle["image_url_main"] for row in body["results"] for muscle in row["muscles"]]
        assert urls and all(url.startswith(f"{host}/static/") for url in urls)
        assert rendering.HOST not in str(body)


def test_format_suffix_links_are_kept_apart(client, cold):
    plain = client.get("/api/v2/exerciseinfo/?limit=2").get_json()
    suffixed = client.get("/api/v2/exerciseinfo.json?limit=2").get_json()
    assert ".json" not in plain["next"]
    assert "/api/v2/exerciseinfo.json?" in suffixed["next"]


def test_indent_and_browsable_page_still_negotiate(client, cold):
    client.get("/api/v2/exerciseinfo/?limit=2")  # kept compact
    indented = client.get(
        "/api/v2/exerciseinfo/?limit=2", headers={"Accept": "application/json; indent=4"}
    )
    assert indented.data.startswith(b'{\n    "count"')
    html = client.get("/api/v2/exerciseinfo/?limit=2", headers={"Accept": "text/html"})
    assert html.mimetype == "text/html"
    assert b"Exerciseinfo List" in html.data


def test_if_none_match_on_a_kept_answer_is_304(client, cold):
    first = client.get("/api/v2/exerciseinfo/?limit=5")
    tag = first.headers["ETag"]
    again = client.get("/api/v2/exerciseinfo/?limit=5", headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.headers["ETag"] == tag
    assert again.data == b""


def test_bad_credentials_are_refused_even_when_an_answer_is_kept(client, cold):
    assert client.get("/api/v2/exerciseinfo/?limit=5").status_code == 200
    refused = client.get("/api/v2/exerciseinfo/?limit=5", headers={"Authorization": "Token nope"})
    assert refused.status_code == 401


def test_an_authenticated_reader_gets_the_same_answer(client, cold, user, auth_headers):
    anonymous = client.get("/api/v2/exerciseinfo/?limit=5")
    authenticated = client.get("/api/v2/exerciseinfo/?limit=5", headers=auth_headers(user))
    assert authenticated.status_code == 200
    assert authenticated.data == anonymous.data


def test_gzip_once_per_content(client, cold):
    path = "/api/v2/exerciseinfo/?limit=20"
    identity = client.get(path)
    assert "Content-Encoding" not in identity.headers
    assert "Accept-Encoding" in identity.headers["Vary"]
    zipped = client.get(path, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert zipped.headers["Content-Length"] == str(len(zipped.data))
    assert len(zipped.data) < len(identity.data) / 4
    assert gzip.decompress(zipped.data) == identity.data
    assert zipped.headers["ETag"] == identity.headers["ETag"][:-1] + '-gzip"'
    again = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert again.data == zipped.data
    not_modified = client.get(
        path, headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]}
    )
    assert not_modified.status_code == 304


@pytest.mark.parametrize("header", ["identity", "gzip;q=0", "br", "*;q=0"])
def test_no_gzip_unless_asked(client, cold, header):
    response = client.get("/api/v2/exerciseinfo/?limit=20", headers={"Accept-Encoding": header})
    assert "Content-Encoding" not in response.headers
    assert response.get_json()["count"] == 872


def test_small_answers_are_not_compressed(client, cold):
    response = client.get("/api/v2/equipment/1/", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers


def test_a_write_in_the_requests_transaction_is_read_at_once(client, app, cold):
    """Through the session's own transaction (the test's), without a second worker."""
    path = "/api/v2/exerciseinfo/9/"
    before = client.get(path)
    client.get(path)
    with app.app_context():
        db.session.execute(
            text("UPDATE exercises_translation SET name = 'Zz renamed' WHERE exercise_id = 9")
        )
        db.session.commit()
    after = client.get(path)
    assert "Zz renamed" in [t["name"] for t in after.get_json()["translations"]]
    assert after.headers["ETag"] != before.headers["ETag"]


def test_a_first_request_past_the_end_still_counts(client, cold):
    expected = client.get("/api/v2/exercise/?limit=1").get_json()["count"]
    body = client.get("/api/v2/exerciseinfo/?offset=5000").get_json()
    assert body == {
        "count": expected,
        "next": None,
        "previous": "http://localhost/api/v2/exerciseinfo/?limit=20&offset=4980",
        "results": [],
    }
    nothing = client.get("/api/v2/exerciseinfo/?name__search=zzzqqq").get_json()
    assert nothing["count"] == 0 and nothing["results"] == []
