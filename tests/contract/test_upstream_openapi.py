"""Our OpenAPI document against upstream's (the spec's ``upstream-openapi.json``): every path we
serve exists upstream with the same methods, and every item schema has upstream's field names.

This is the drift check a typed client generated from upstream's schema relies on.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest


def _upstream_document() -> Path:
    """``$WGER_SPEC_DIR/upstream-openapi.json``, else ``shared/spec/`` beside the checkout or
    beside any folder above it (the workspace keeps the spec next to the repositories)."""
    if os.environ.get("WGER_SPEC_DIR"):
        return Path(os.environ["WGER_SPEC_DIR"]) / "upstream-openapi.json"
    here = Path(__file__).resolve()
    for folder in here.parents[3:]:
        candidate = folder / "shared" / "spec" / "upstream-openapi.json"
        if candidate.is_file():
            return candidate
    return here.parents[3] / "shared" / "spec" / "upstream-openapi.json"


UPSTREAM = _upstream_document()
# Paths of ours that upstream does not have (deliberate additions).
OUR_ADDITIONS = {
    "/api/v2/",  # the API root (drf-spectacular leaves it out)
    # released in 2.7 after the snapshot (client-2.7-models.md)
    "/api/v2/measurement/aggregate/",
    "/api/v2/measurement/value-counts/",
    "/api/v2/measurement-category/dynamic-types/",
}
# Fields upstream documents that we deliberately never send, with the reason.
KNOWN_DIFFERENCES = {
    # Upstream answers bad amount/unit with 200, zeros and "errors"; the contract's rule is a
    # 400 naming the field, so a 200 of ours never carries "errors".
    ("/api/v2/ingredient/{id}/get_values/", "get"): {"errors"},
    ("/api/v2/ingredientinfo/{id}/get_values/", "get"): {"errors"},
}

# Fields we send that the snapshot lacks, with the reason.
OUR_EXTRA_FIELDS = {
    # The released 2.7 client's profile has time_zone; trophies_enabled switches tracking off.
    ("/api/v2/userprofile/", "get"): {"time_zone", "trophies_enabled"},
    ("/api/v2/userprofile/", "post"): {"time_zone", "trophies_enabled"},
}

# Fields the released 2.7 client has and the snapshot lacks (client-2.7-models.md: "only in
# the client"); the released shapes win.
RELEASED_2_7_FIELDS = {
    "/api/v2/measurement-category/": {
        "metric_type",
        "is_official",
        "order",
        "parent",
        "chart_type",
        "chart_config",
        "dynamic_type",
        "dynamic_params",
    },
    "/api/v2/measurement/": {"source", "external_id", "extra_data"},
}
RELEASED_2_7_FIELDS.update(
    {f"{path}{{id}}/": fields for path, fields in list(RELEASED_2_7_FIELDS.items())}
)

pytestmark = pytest.mark.skipif(not UPSTREAM.exists(), reason=f"{UPSTREAM} not present")


@pytest.fixture(scope="module")
def documents(app):
    with app.test_client() as client:
        ours = client.get("/api/v2/schema").get_json()
    upstream = json.loads(UPSTREAM.read_text())
    return ours, upstream


def _normalize(path: str) -> str:
    return path


def _item_schema(document: dict, path: str, method: str) -> dict | None:
    operation = document["paths"][path].get(method)
    if operation is None:
        return None
    for status in ("200", "201"):
        content = operation.get("responses", {}).get(status, {}).get("content", {})
        schema = content.get("application/json", {}).get("schema")
        if schema:
            return _resolve(document, schema)
    return None


def _resolve(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].split("/")[-1]]
    if "results" in schema.get("properties", {}):  # the paginated envelope: compare the items
        return _resolve(document, schema["properties"]["results"]["items"])
    return schema


def test_every_path_we_serve_is_upstreams(documents):
    ours, upstream = documents
    upstream_paths = set(upstream["paths"])
    for path, operations in ours["paths"].items():
        if path in OUR_ADDITIONS:
            continue
        assert _normalize(path) in upstream_paths, path
        upstream_methods = set(upstream["paths"][_normalize(path)])
        our_methods = {
            method for method in operations if method in ("get", "post", "put", "patch", "delete")
        }
        assert our_methods == upstream_methods, (path, our_methods, upstream_methods)


def test_item_schemas_have_upstreams_field_names(documents):
    ours, upstream = documents
    checked = 0
    for path in ours["paths"]:
        if _normalize(path) not in upstream["paths"]:
            continue
        for method in ("get", "post"):
            mine = _item_schema(ours, path, method)
            theirs = _item_schema(upstream, _normalize(path), method)
            if not mine or not theirs or "properties" not in theirs:
                continue
            expected = set(theirs["properties"]) - KNOWN_DIFFERENCES.get((path, method), set())
            expected |= OUR_EXTRA_FIELDS.get((path, method), set())
            added = RELEASED_2_7_FIELDS.get(path, set())
            assert set(mine.get("properties", {})) - added == expected, (path, method)
            checked += 1
    assert checked >= 20


def test_operation_ids_match_upstream(documents):
    ours, upstream = documents
    for path, operations in ours["paths"].items():
        theirs = upstream["paths"].get(_normalize(path), {})
        for method, operation in operations.items():
            if method in theirs and "operationId" in operation:
                assert operation["operationId"] == theirs[method]["operationId"], (path, method)
