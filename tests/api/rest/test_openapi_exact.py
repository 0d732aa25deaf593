"""The document describes every answer (docs/openapi.md), in process and fast; the whole
document is fuzzed against the real server by tests/e2e/test_schema_fuzz.py."""

from __future__ import annotations

import pytest

from wger_flask.rest.smorest import Blueprint, set_doc

METHODS = ("get", "post", "put", "patch", "delete")
COMPUTED = (
    "/api/v2/measurement/aggregate/",
    "/api/v2/measurement/value-counts/",
    "/api/v2/measurement-category/dynamic-types/",
)


@pytest.fixture(scope="module")
def document(app):
    with app.test_client() as client:
        return client.get("/api/v2/schema").get_json()


def operations(document):
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def test_a_view_documented_after_its_route_is_added_fails_loudly():
    blueprint = Blueprint("late", __name__)

    def view():
        return ""

    set_doc(view, {"operationId": "in_time"})  # before: kept
    blueprint.add_url_rule("/late/", "late", view)
    with pytest.raises(RuntimeError, match="after its route /late/ was added"):
        set_doc(view, {"operationId": "too_late"})


def test_every_operation_documents_its_success_and_an_operation_id(document):
    for path, method, operation in operations(document):
        successes = [status for status in operation["responses"] if status[0] in "23"]
        assert successes, (method, path)
        for status in successes:
            if status not in ("204", "304"):
                assert operation["responses"][status].get("content"), (method, path, status)
        assert operation.get("operationId"), (method, path)


def test_every_operation_with_input_documents_both_shapes_of_400(document):
    checked = 0
    for path, method, operation in operations(document):
        takes_input = "requestBody" in operation or any(
            parameter["in"] == "query" for parameter in operation.get("parameters", [])
        )
        if not takes_input or path == "/api/v2/check-permission/":
            continue
        schema = operation["responses"]["400"]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/BadRequest"}, (method, path)
        checked += 1
    assert checked > 150
    shapes = document["components"]["schemas"]["BadRequest"]["anyOf"]
    assert {"$ref": "#/components/schemas/Error"} in shapes
    assert {"$ref": "#/components/schemas/FieldErrors"} in shapes


def test_malformed_json_is_the_documented_detail_400(client, alice, document):
    """Every JSON write of the caller's resources answers a body that is not JSON with DRF's
    ParseError: ``{"detail"}``, the first shape of the documented 400."""
    answered = 0
    for path, method, operation in operations(document):
        content = operation.get("requestBody", {}).get("content", {})
        if method != "post" or "{" in path or "application/json" not in content:
            continue
        response = client.post(
            path, data="{", content_type="application/json", headers=alice
        )  # fmt: skip
        if response.status_code in (401, 403):  # refused before the body is read
            continue
        assert response.status_code == 400, (path, response.status_code)
        body = response.get_json()
        assert set(body) == {"detail"} and isinstance(body["detail"], str), (path, body)
        answered += 1
    assert answered >= 25  # the catalogue's writes refuse alice first (403)


@pytest.mark.parametrize("path", COMPUTED)
def test_the_computed_routes_allow_only_their_methods(client, alice, path):
    options = client.options(path, headers=alice)
    assert options.status_code == 200
    assert set(options.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    for method in ("PUT", "PATCH", "DELETE", "POST"):
        refused = client.open(path, method=method, json={}, headers=alice)
        assert refused.status_code == 405, (method, path)
        assert set(refused.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
        assert refused.get_json() == {"detail": f'Method "{method}" not allowed.'}


def test_a_word_is_no_id_but_every_spelling_of_a_key_is(client, alice):
    made = client.post("/api/v2/weightentry/", json={"weight": "80"}, headers=alice).get_json()
    hex_key = made["id"].replace("-", "")
    for spelling in (made["id"], hex_key, made["id"].upper(), f"urn:uuid:{made['id']}"):
        answer = client.get(f"/api/v2/weightentry/{spelling}/", headers=alice)
        assert answer.status_code == 200, spelling
    assert client.get("/api/v2/weightentry/aggregate/", headers=alice).status_code == 404
    assert client.get("/api/v2/routine/1x/", headers=alice).status_code == 404
    assert client.get(f"/api/v2/routine/{2**63}/", headers=alice).status_code == 404
