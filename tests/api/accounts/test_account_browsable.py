"""The browsable API's request forms (raw JSON with the CSRF token, usable without
JavaScript), links in rendered JSON, and the docs pages' assets served by the app itself."""

import html
import json
import re
from pathlib import Path

from tests.api.accounts.test_web_pages import csrf_of, web_login
from tests.api.routine_api import routine

HTML = {"Accept": "text/html"}


def form_of(page_html: str, method: str) -> str:
    match = re.search(rf'<form id="api-form-{method.lower()}".*?</form>', page_html, re.S)
    assert match, f"no {method} form"
    return match.group(0)


def content_of(form_html: str) -> dict:
    text = re.search(r"<textarea[^>]*>(.*?)</textarea>", form_html, re.S).group(1)
    return json.loads(html.unescape(text))


def submit(client, url: str, method: str, token: str, body: dict | None = None):
    data = {"csrf_token": token, "_method": method, "_content": json.dumps(body or {})}
    if method != "DELETE":
        data["_content_type"] = "application/json"
    return client.post(url, data=data, headers=HTML)


def shown_json(page) -> dict:
    body = re.search(r'<pre class="response-body">(.*?)</pre>', page.get_data(as_text=True), re.S)
    return json.loads(html.unescape(re.sub(r"<[^>]+>", "", body.group(1))))


def test_list_page_offers_a_post_form_prefilled_from_the_schema(client, user):
    web_login(client)
    page = client.get("/api/v2/routine/", headers=HTML).get_data(as_text=True)
    form = form_of(page, "POST")
    assert 'name="csrf_token"' in form and 'action="/api/v2/routine/"' in form
    start = content_of(form)
    assert set(start) == {
        "name",
        "description",
        "start",
        "end",
        "fit_in_week",
        "is_template",
        "is_public",
    }  # writable fields only: no id, no created
    assert start["name"] == "" and start["fit_in_week"] is False
    assert "api-form-put" not in page and "api-form-delete" not in page
    assert "js/browsable.js" in page and "style=" not in page and "<script>" not in page


def test_forms_create_edit_and_delete_without_javascript(client, user, alice, other_user):
    web_login(client)
    token = csrf_of(client.get("/api/v2/routine/", headers=HTML))
    body = {"name": "Form made", "start": "2026-01-01", "end": "2026-02-01"}
    created = submit(client, "/api/v2/routine/", "POST", token, body)
    assert created.status_code == 201 and "HTTP 201 Created" in created.get_data(as_text=True)
    made = shown_json(created)
    url = f"/api/v2/routine/{made['id']}/"

    detail = client.get(url, headers=HTML).get_data(as_text=True)
    put_start = content_of(form_of(detail, "PUT"))
    assert put_start["name"] == "Form made" and "id" not in put_start and "created" not in put_start
    assert content_of(form_of(detail, "PATCH")) == put_start
    assert 'data-confirm="' in form_of(detail, "DELETE")

    patched = submit(client, url, "PATCH", token, {"name": "Renamed"})
    assert patched.status_code == 200 and shown_json(patched)["name"] == "Renamed"
    put = submit(client, url, "PUT", token, {**put_start, "description": "all of it"})
    assert put.status_code == 200 and shown_json(put)["description"] == "all of it"
    invalid = submit(client, url, "PATCH", token, {"start": "not a date"})
    assert invalid.status_code == 400 and "start" in shown_json(invalid)
    assert client.get(url, headers=alice).get_json()["description"] == "all of it"

    deleted = submit(client, url, "DELETE", token)
    assert deleted.status_code == 200  # the page, showing the API's 204
    assert "HTTP 204 No Content" in deleted.get_data(as_text=True)
    assert client.get(url, headers=alice).status_code == 404


def test_a_form_without_the_csrf_token_writes_nothing(client, user, alice):
    web_login(client)
    made = routine(client, alice)
    url = f"/api/v2/routine/{made['id']}/"
    forged = client.post(url, data={"_method": "DELETE", "_content": ""}, headers=HTML)
    assert forged.status_code == 403 and "CSRF" in forged.get_data(as_text=True)
    wrong = client.post(
        url, data={"_method": "DELETE", "_content": "", "csrf_token": "forged"}, headers=HTML
    )
    assert wrong.status_code == 403
    assert client.get(url, headers=alice).status_code == 200


def test_forms_cannot_reach_another_users_objects(client, user, mallory):
    theirs = routine(client, mallory)
    web_login(client)
    token = csrf_of(client.get("/api/v2/routine/", headers=HTML))
    url = f"/api/v2/routine/{theirs['id']}/"
    assert submit(client, url, "PATCH", token, {"name": "Mine now"}).status_code == 404
    assert submit(client, url, "DELETE", token).status_code == 404
    assert client.get(url, headers=mallory).get_json()["name"] == theirs["name"]


def test_anonymous_visitors_and_read_only_resources_get_no_forms(client, user):
    assert "api-form-" not in client.get("/api/v2/muscle/", headers=HTML).get_data(as_text=True)
    web_login(client)
    assert "api-form-" not in client.get("/api/v2/muscle/", headers=HTML).get_data(as_text=True)


def test_a_method_override_is_only_taken_from_a_form_post(client, user, alice):
    made = routine(client, alice)
    url = f"/api/v2/routine/{made['id']}/"
    # JSON bodies and query strings never change the method
    as_json = client.post(url, json={"_method": "DELETE", "_content": ""}, headers=alice)
    assert as_json.status_code == 405
    assert client.post(f"{url}?_method=DELETE", headers=alice).status_code == 405
    unknown = client.post(url, data={"_method": "TRACE", "_content": "{}"}, headers=alice)
    assert unknown.status_code == 405
    assert client.get(url, headers=alice).status_code == 200


def test_urls_with_an_ampersand_are_links(client, user):
    page = client.get("/api/v2/muscle/?limit=2&offset=2", headers=HTML).get_data(as_text=True)
    assert (
        '<a href="http://localhost/api/v2/muscle/?limit=2&amp;offset=4">'
        "http://localhost/api/v2/muscle/?limit=2&amp;offset=4</a>"
    ) in page
    assert '<a href="http://localhost/api/v2/muscle/?limit=2">' in page  # previous: offset 0


def test_docs_pages_load_nothing_from_another_site(client):
    static = Path(__file__).resolve().parents[3] / "wger_flask" / "static"
    bundle = (static / "vendor" / "redoc" / "redoc.standalone.js").read_text()
    assert "cdn.redoc.ly" not in bundle and '"/static/vendor/redoc/logo-mini.svg"' in bundle
    logo = client.get("/static/vendor/redoc/logo-mini.svg")
    assert logo.status_code == 200 and b"<svg" in logo.data
    for path in ("/api/v2/schema/redoc/", "/api/v2/schema/swagger-ui/"):
        page = client.get(path).get_data(as_text=True)
        assert not re.findall(r'(?:src|href)="(?:https?:)?//', page), path


def test_the_override_leaves_other_bodies_untouched():
    import io

    from wger_flask.rest.negotiation import apply_form_override

    def environ(body: bytes, **extra):
        return {
            "REQUEST_METHOD": "POST",
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            **extra,
        }

    plain = environ(b"refresh=abc")
    apply_form_override(plain)
    assert plain["REQUEST_METHOD"] == "POST" and plain["wsgi.input"].read() == b"refresh=abc"
    multipart = environ(b"_method=DELETE&_content=", CONTENT_TYPE="multipart/form-data; b=x")
    apply_form_override(multipart)
    assert multipart["REQUEST_METHOD"] == "POST"
    put = environ(b"_method=put&_content=%7B%7D&csrf_token=t", HTTP_X_CSRFTOKEN="header")
    apply_form_override(put)
    assert (put["REQUEST_METHOD"], put["CONTENT_TYPE"], put["wsgi.input"].read()) == (
        "PUT",
        "application/json",
        b"{}",
    )
    assert put["HTTP_X_CSRFTOKEN"] == "header"  # a header the client sent wins
