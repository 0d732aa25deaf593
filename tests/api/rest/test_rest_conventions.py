"""The DRF conventions every resource shares, probed over the app's HTTP interface."""

import json

import pytest

# ------------------------------------------------------------------ pagination


def test_default_page_is_20_with_absolute_links(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["api.example.org"])  # see test_hosts.py
    body = client.get("/api/v2/exercise/", base_url="https://api.example.org").get_json()
    assert len(body["results"]) == 20
    assert body["next"] == "https://api.example.org/api/v2/exercise/?limit=20&offset=20"
    assert body["previous"] is None


def test_limit_has_no_upper_cap(client):
    body = client.get("/api/v2/exercise/?limit=5000").get_json()
    assert body["count"] == 872 and len(body["results"]) == 872
    assert body["next"] is None


def test_offset_walks_and_previous_links_back(client):
    body = client.get("/api/v2/exercise/?limit=100&offset=800").get_json()
    assert len(body["results"]) == 72
    assert body["next"] is None
    assert body["previous"] == "http://localhost/api/v2/exercise/?limit=100&offset=700"


def test_absurd_limit_and_offset_are_not_a_500(client):
    huge = "9" * 30
    for query in (f"limit={huge}", f"offset={huge}", f"limit={huge}&offset={huge}"):
        response = client.get(f"/api/v2/exercisealias/?{query}")
        assert response.status_code == 200, query


def test_pages_do_not_overlap(client):
    seen = []
    url = "/api/v2/exercisecategory/?limit=3"
    while url:
        body = client.get(url).get_json()
        seen.extend(row["id"] for row in body["results"])
        url = body["next"]
    assert len(seen) == len(set(seen)) == 8


@pytest.mark.parametrize("query", ["limit=abc", "limit=-1", "limit=0", "offset=-5", "offset=zz"])
def test_bad_pagination_values_fall_back(client, query):
    body = client.get(f"/api/v2/exercise/?{query}").get_json()
    assert len(body["results"]) == 20


# ------------------------------------------------------------------ ordering and filtering


def test_ordering_several_fields_and_unknown_ignored(client):
    rows = client.get("/api/v2/muscle/?ordering=-is_front,name,password").get_json()["results"]
    keys = [(not row["is_front"], row["name"]) for row in rows]
    assert keys == sorted(keys)


def test_malformed_filter_value_is_400_naming_it(client):
    response = client.get("/api/v2/exerciseinfo/?category=arms")
    assert response.status_code == 400
    assert response.get_json() == {"category": ["Enter a whole number."]}


def test_unknown_query_parameters_are_ignored(client):
    assert client.get("/api/v2/muscle/?colour=red&name__regex=x").get_json()["count"] == 16


def test_filters_are_and_joined(client):
    body = client.get("/api/v2/muscle/?is_front=True&name_en=Biceps").get_json()
    assert [row["id"] for row in body["results"]] == [1]
    assert client.get("/api/v2/muscle/?is_front=False&name_en=Biceps").get_json()["count"] == 0


# ------------------------------------------------------------------ formats


def test_json_by_default_and_for_any(client):
    for accept in (None, "*/*", "application/json"):
        headers = {"Accept": accept} if accept else {}
        response = client.get("/api/v2/muscle/1/", headers=headers)
        assert response.content_type == "application/json"
        assert response.data.startswith(b'{"id":1,')


def test_accept_indent_4(client):
    response = client.get("/api/v2/muscle/1/", headers={"Accept": "application/json; indent=4"})
    assert response.data.decode().startswith('{\n    "id": 1,\n    "name": ')
    assert json.loads(response.data)["id"] == 1


@pytest.mark.parametrize(
    "url",
    [
        "/api/v2/muscle.json",
        "/api/v2/muscle.json/",
        "/api/v2/muscle/1.json",
        "/api/v2/muscle/?format=json",
    ],
)
def test_json_suffix_and_format_parameter(client, url):
    response = client.get(url, headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.content_type == "application/json"


@pytest.mark.parametrize(
    "url,headers",
    [
        ("/api/v2/muscle.api", {}),
        ("/api/v2/muscle/1.api", {}),
        ("/api/v2/muscle/?format=api", {}),
        ("/api/v2/muscle/", {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}),
    ],
)
def test_browsable_page(client, url, headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    assert response.content_type.startswith("text/html")
    page = response.data.decode()
    assert "Biceps brachii" in page
    assert "Allowed methods" in page and "GET" in page
    assert 'href="/api/v2/"' in page
    assert "/static/css/site.css" in page
    assert "https://" not in page.split("<body>")[0]  # no CDN in the head


def test_browsable_list_shows_pagination_filters_ordering_and_description(client):
    page = client.get("/api/v2/muscle.api?limit=5&is_front=True&ordering=-name").data.decode()
    assert "Muscle List" in page
    assert "The muscles exercises work" in page
    assert 'rel="next"' in page
    assert "is_front=True" in page
    assert "-name" in page
    assert '<a href="http://localhost/static/images/muscles/' in page


def test_unsatisfiable_accept_is_406(client):
    response = client.get("/api/v2/muscle/", headers={"Accept": "application/xml"})
    assert response.status_code == 406
    assert response.get_json() == {"detail": "Could not satisfy the request Accept header."}


def test_unknown_format_is_404(client):
    assert client.get("/api/v2/muscle/?format=xml").status_code == 404
    assert client.get("/api/v2/muscle.xml").status_code == 404


# ------------------------------------------------------------------ slashes and redirects


@pytest.mark.parametrize(
    "url",
    [
        "/api/v2/muscle",
        "/api/v2/muscle/",
        "/api/v2/muscle/1",
        "/api/v2/muscle/1/",
        "/api/v2",
        "/api/v2/",
        "/api/v2/version",
        "/api/v2/schema",
        "/api/v2/schema/",
    ],
)
def test_paths_answer_with_and_without_slash_never_redirect(client, url):
    response = client.get(url)
    assert response.status_code == 200, url


# ------------------------------------------------------------------ errors


def test_404_detail(client):
    response = client.get("/api/v2/muscle/999/")
    assert response.status_code == 404
    assert response.get_json() == {"detail": "Not found."}
    assert client.get("/api/v2/muscle/99999999999999999999999/").status_code == 404
    assert client.get("/api/v2/no-such-thing/").get_json() == {"detail": "Not found."}


def test_a_value_the_database_cannot_hold_is_a_400_and_rolls_back(app):
    """Whatever statement meets it (a flush, a commit, a query), a DataError is the client's
    400 in DRF's shape, and the request's pending changes are dropped."""
    from sqlalchemy.exc import DataError

    from wger_flask.extensions import db
    from wger_flask.models.catalogue import Language
    from wger_flask.rest.errors import DATA_DOES_NOT_FIT, handle_data_error

    with app.test_request_context("/api/v2/routine/", method="POST"):
        pending = Language(short_name="zz", full_name="Pending", full_name_en="Pending")
        db.session.add(pending)
        response = handle_data_error(DataError("INSERT ...", {}, Exception("value too long")))
        assert response.status_code == 400
        assert json.loads(response.data) == {"non_field_errors": [DATA_DOES_NOT_FIT]}
        assert pending not in db.session


def test_errors_render_browsable_for_browsers(client):
    response = client.get("/api/v2/muscle/999/", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert "Not found." in response.data.decode()


def test_bad_token_is_401_even_on_public_data(client):
    response = client.get("/api/v2/muscle/", headers={"Authorization": "Token nope"})
    assert response.status_code == 401
    assert response.get_json() == {"detail": "Invalid token."}
    bearer = client.get("/api/v2/muscle/", headers={"Authorization": "Bearer x.y.z"})
    assert bearer.status_code == 401
    assert bearer.get_json()["code"] == "token_not_valid"


def test_head_and_options(client):
    assert client.head("/api/v2/muscle/").status_code == 200
    response = client.options("/api/v2/muscle/")
    assert response.status_code == 200
    assert "GET" in response.headers["Allow"]


def test_etag_and_conditional_get(client):
    first = client.get("/api/v2/muscle/")
    tag = first.headers["ETag"]
    again = client.get("/api/v2/muscle/", headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.data == b""
