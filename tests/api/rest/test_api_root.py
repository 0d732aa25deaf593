"""/api/v2/, the version endpoints, the OpenAPI document and its two viewers (offline)."""

import re

import pytest

UPSTREAM_CATALOGUE = [
    "language",
    "license",
    "setting-repetitionunit",
    "setting-weightunit",
    "exerciseinfo",
    "exercise-translation",
    "exercise",
    "equipment",
    "deletion-log",
    "exercisecategory",
    "video",
    "exerciseimage",
    "exercisecomment",
    "exercisealias",
    "muscle",
]


def test_root_lists_every_resource_with_absolute_urls(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["wger.example", "localhost"])
    body = client.get("/api/v2/", base_url="https://wger.example").get_json()
    for name in UPSTREAM_CATALOGUE:
        assert body[name] == f"https://wger.example/api/v2/{name}/"
    for url in body.values():
        assert client.get(url.replace("https://wger.example", "")).status_code in (200, 401)


def test_root_renders_html_in_a_browser(client):
    response = client.get("/api/v2/", headers={"Accept": "text/html"})
    assert response.content_type.startswith("text/html")
    assert "Api Root" in response.data.decode()


@pytest.mark.parametrize(
    "path,value",
    [("version", "2.7.0"), ("min-app-version", "2.0.0"), ("min-server-version", "2.5.0")],
)
def test_versions_are_bare_json_strings(client, path, value):
    response = client.get(f"/api/v2/{path}/")
    assert response.status_code == 200
    assert response.data == f'"{value}"'.encode()


def test_schema_is_openapi_3_covering_every_route(client, app):
    response = client.get("/api/v2/schema")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] == "wger"
    paths = spec["paths"]
    for name in UPSTREAM_CATALOGUE:
        assert f"/api/v2/{name}/" in paths
        assert f"/api/v2/{name}/{{id}}/" in paths
    listing = paths["/api/v2/muscle/"]["get"]
    names = {parameter["name"] for parameter in listing["parameters"]}
    assert {"limit", "offset", "ordering", "name", "is_front", "name_en"} <= names
    envelope = listing["responses"]["200"]["content"]["application/json"]["schema"]
    assert envelope["properties"]["results"]["items"] == {"$ref": "#/components/schemas/Muscle"}
    assert set(envelope["required"]) == {"count", "results"}
    assert "400" in listing["responses"]
    create = paths["/api/v2/exercise/"]["post"]
    assert {"201", "400", "401", "403"} <= set(create["responses"])
    assert paths["/api/v2/version/"]["get"]["responses"]["200"]
    for component in ("Muscle", "ExerciseInfo", "Exercise", "Language"):
        assert component in spec["components"]["schemas"]
    assert {"tokenAuth", "jwtAuth", "cookieAuth"} <= set(spec["components"]["securitySchemes"])
    # every route of the app is documented, the document itself too (not its two viewers)
    documented = {re.sub(r"\{(\w+)\}", r"<\1>", path).rstrip("/") + "/" for path in paths}
    viewers = {"/api/v2/schema/ui/", "/api/v2/schema/redoc/"}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v2/") and rule.rule not in viewers:
            assert re.sub(r"<\w+:(\w+)>", r"<\1>", rule.rule) in documented, rule.rule
    assert paths["/api/v2/schema"]["get"]["operationId"] == "schema_retrieve"


def test_operation_ids_are_unique_and_upstream_style(client):
    spec = client.get("/api/v2/schema/").get_json()
    ids = [
        op["operationId"]
        for ops in spec["paths"].values()
        for op in ops.values()
        if isinstance(op, dict) and "operationId" in op
    ]
    assert len(ids) == len(set(ids))
    assert {
        "muscle_list",
        "muscle_retrieve",
        "exercise_create",
        "exercise_partial_update",
        "exercise_destroy",
    } <= set(ids)


@pytest.mark.parametrize(
    "page,assets",
    [
        (
            "/api/v2/schema/ui/",
            [
                "vendor/swagger-ui/swagger-ui.css",
                "vendor/swagger-ui/swagger-ui-bundle.js",
                "vendor/swagger-ui/swagger-ui-standalone-preset.js",
                "js/swagger-init.js",
            ],
        ),
        ("/api/v2/schema/redoc/", ["vendor/redoc/redoc.standalone.js"]),
    ],
)
def test_doc_viewers_load_every_asset_from_the_app(client, page, assets):
    response = client.get(page)
    assert response.status_code == 200
    html = response.data.decode()
    assert "http://" not in html and "https://" not in html  # nothing from a CDN
    for asset in assets:
        assert f"/static/{asset}" in html
        served = client.get(f"/static/{asset}")
        assert served.status_code == 200 and len(served.data) > 100
    assert "/api/v2/schema" in html
