"""Languages, licenses and units: public, read-only, upstream's filters and orderings."""

import pytest


def test_languages_are_public_and_ordered_by_full_name(client):
    response = client.get("/api/v2/language/?limit=100")
    assert response.status_code == 200
    body = response.get_json()
    assert body["count"] == 33
    names = [row["full_name"] for row in body["results"]]
    assert names == sorted(names)
    assert set(body["results"][0]) == {"id", "short_name", "full_name", "full_name_en"}


def test_language_filter_by_short_name(client):
    body = client.get("/api/v2/language/?short_name=de").get_json()
    assert body["count"] == 1
    assert body["results"][0] == {
        "id": 1,
        "short_name": "de",
        "full_name": "Deutsch",
        "full_name_en": "German",
    }


def test_license_detail(client):
    body = client.get("/api/v2/license/2/").get_json()
    assert body["short_name"] == "CC-BY-SA 4"
    assert set(body) == {"id", "full_name", "short_name", "url"}


def test_repetition_units_ordered_by_type_then_name(client):
    rows = client.get("/api/v2/setting-repetitionunit/").get_json()["results"]
    keys = [(row["unit_type"], row["name"]) for row in rows]
    assert keys == sorted(keys)
    assert {"id", "name", "unit_type", "multiplier"} == set(rows[0])


def test_weight_units(client):
    body = client.get("/api/v2/setting-weightunit/?name=kg").get_json()
    assert body["results"] == [{"id": 1, "name": "kg"}]


@pytest.mark.parametrize(
    "path", ["language", "license", "setting-repetitionunit", "setting-weightunit"]
)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_read_only_resources_refuse_writes_with_405(client, path, method):
    url = f"/api/v2/{path}/" if method == "post" else f"/api/v2/{path}/1/"
    response = getattr(client, method)(url, json={"name": "x"})
    assert response.status_code == 405
    assert response.get_json() == {"detail": f'Method "{method.upper()}" not allowed.'}
    assert "GET" in response.headers["Allow"]
