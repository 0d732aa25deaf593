"""The ingredient catalogue: shipped data, fields, filters, orderings, pagination, refusals."""

import uuid

import pytest

from tests.api import ingredient_factory

make_ingredient = ingredient_factory.make_ingredient  # the fixture, for this module's tests

INGREDIENT_FIELDS = [
    "id", "uuid", "remote_id", "source_name", "source_url", "code", "name", "common_name",
    "brand", "created", "last_update", "last_imported", "energy", "protein", "carbohydrates",
    "carbohydrates_sugar", "fat", "fat_saturated", "fiber", "sodium", "is_vegan",
    "is_vegetarian", "weight_units", "nutriscore", "license", "license_title",
    "license_object_url", "license_author", "license_author_url",
    "license_derivative_source_url", "language",
]  # fmt: skip
INFO_FIELDS = [
    *INGREDIENT_FIELDS[:22], "nutriscore", "weight_units", "language", "license",
    "license_title", "license_object_url", "license_author", "license_author_url",
    "license_derivative_source_url", "image", "thumbnails",
]  # fmt: skip
SHIPPED = 9210 + 14


def test_the_shipped_catalogue_is_served_in_id_order(client):
    body = client.get("/api/v2/ingredient/").get_json()
    assert body["count"] == SHIPPED
    assert len(body["results"]) == 20
    assert list(body["results"][0]) == INGREDIENT_FIELDS
    ids = [row["id"] for row in body["results"]]
    assert ids == sorted(ids) and ids[0] == 2
    assert body["next"] == "http://localhost/api/v2/ingredient/?limit=20&offset=20"


def test_a_real_row_has_upstream_values_and_a_stable_uuid(client):
    body = client.get("/api/v2/ingredient/2/").get_json()
    assert body["name"] == "Butter, salted"
    assert body["energy"] == 717
    assert body["protein"] == "0.850"
    assert body["fat_saturated"] == "51.368"
    assert body["language"] == 2 and body["license"] == 1
    assert body["license_author"] == "wger.de"
    assert body["created"] == "2013-04-14T00:00:00Z"
    namespace = uuid.UUID("6b1f4f0e-2f4c-5c55-9a8e-7767e3a5c0de")
    assert body["uuid"] == str(uuid.uuid5(namespace, "nutrition.ingredient:2"))


def test_the_richer_test_rows_sit_at_fresh_ids_with_their_weight_units(client):
    body = client.get("/api/v2/ingredient/10001/").get_json()
    assert body["uuid"] == "7908c204-907f-4b1e-ad4e-f482e9769ade"
    assert body["name"] == "Test ingredient 1"
    assert body["code"] == "1234567890987654321"
    assert body["carbohydrates"] == "0.125"  # 0.1251 in the fixture, three places stored
    assert body["nutriscore"] == "b" and body["is_vegetarian"] is True
    assert [unit["id"] for unit in body["weight_units"]] == [1, 2, 3, 5950, 9874]
    assert body["weight_units"][0] == {
        "id": 1,
        "uuid": body["weight_units"][0]["uuid"],
        "ingredient": 10001,
        "gram": 109,
        "name": "Spoon",
    }


def test_ingredientinfo_nests_language_license_image_and_thumbnails(client):
    body = client.get("/api/v2/ingredientinfo/10001/").get_json()
    assert list(body) == INFO_FIELDS
    assert body["language"] == {
        "id": 2,
        "short_name": "en",
        "full_name": "English",
        "full_name_en": "English",
    }
    assert set(body["license"]) == {"id", "full_name", "short_name", "url"}
    assert body["image"] is None and body["thumbnails"] is None
    listed = client.get("/api/v2/ingredientinfo/?id=10001").get_json()["results"]
    assert listed == [body]


def test_unknown_or_malformed_ids_are_404(client):
    for path in ("ingredient/999999/", "ingredient/abc/", "ingredientinfo/0/"):
        assert client.get(f"/api/v2/{path}").status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_catalogue_is_read_only(client, user, auth_headers, method):
    path = "/api/v2/ingredient/" if method == "post" else "/api/v2/ingredient/2/"
    response = getattr(client, method)(path, json={"name": "x"}, headers=auth_headers(user))
    assert response.status_code == 405


def test_filters_by_columns_and_lookups(client):
    def ids(query: str) -> list[int]:
        body = client.get(f"/api/v2/ingredient/?{query}&limit=100").get_json()
        return [row["id"] for row in body["results"]]

    assert ids("id__in=2,3,10001") == [2, 3, 10001]
    assert ids("id__gt=15000") == [15370]
    assert ids("id__lte=3") == [2, 3]
    assert ids("code=1234567890") == [10002]
    assert ids("uuid=7908c204-907f-4b1e-ad4e-f482e9769ade") == [10001]
    assert ids("name=Butter, salted") == [2]
    assert 10001 in ids("nutriscore=b&id__gte=10000")
    assert 10001 not in ids("nutriscore=e&id__gte=10000")
    assert 10001 in ids("is_vegetarian=True&id__gte=10000")
    assert ids("language=3") == ids("language__in=3")
    assert ids("last_update__gt=2100-01-01") == []


def test_nutriscore_lookups_and_bad_values(client, make_ingredient):
    for grade in "abcde":
        make_ingredient(name=f"Graded {grade}", nutriscore=grade)
    body = client.get("/api/v2/ingredient/?nutriscore__lte=b&name__search=graded").get_json()
    assert sorted(row["nutriscore"] for row in body["results"]) == ["a", "b"]
    body = client.get("/api/v2/ingredient/?nutriscore__in=c,e&name__search=graded").get_json()
    assert sorted(row["nutriscore"] for row in body["results"]) == ["c", "e"]
    response = client.get("/api/v2/ingredient/?nutriscore=z")
    assert response.status_code == 400
    assert "nutriscore" in response.get_json()
    assert client.get("/api/v2/ingredient/?id=abc").status_code == 400


def test_filtered_counts_are_exact(client):
    body = client.get("/api/v2/ingredient/?language=1").get_json()
    every = client.get("/api/v2/ingredient/?language=1&limit=100000").get_json()
    assert body["count"] == len(every["results"]) == 129 + 1


def test_ordering_whitelist(client):
    body = client.get("/api/v2/ingredient/?ordering=-name&limit=5").get_json()
    names = [row["name"] for row in body["results"]]
    assert names == sorted(names, reverse=True)
    by_id = client.get("/api/v2/ingredient/?ordering=energy&limit=5").get_json()
    assert [row["id"] for row in by_id["results"]] == [2, 3, 4, 5, 6]  # energy: not orderable


def test_code_filter_never_writes(client):
    before = client.get("/api/v2/ingredient/?limit=1").get_json()["count"]
    body = client.get("/api/v2/ingredient/?code=4006381333931").get_json()
    assert body["count"] == 0
    assert client.get("/api/v2/ingredient/?limit=1").get_json()["count"] == before


def test_every_row_once_across_deep_pages(client):
    """The id-window pages (from the count blocks) are the LIMIT/OFFSET pages."""
    everything = client.get("/api/v2/ingredient/?limit=100000&ordering=id").get_json()
    all_ids = [row["id"] for row in everything["results"]]
    assert len(all_ids) == SHIPPED
    for offset in (1, 1021, 1022, 4000, 9000, SHIPPED - 1):
        body = client.get(f"/api/v2/ingredient/?limit=3&offset={offset}").get_json()
        assert [row["id"] for row in body["results"]] == all_ids[offset : offset + 3], offset
    past = client.get(f"/api/v2/ingredient/?offset={SHIPPED}").get_json()
    assert past["results"] == [] and past["count"] == SHIPPED


def test_count_and_windows_follow_writes(client, make_ingredient, app):
    from wger_flask.extensions import db
    from wger_flask.models.ingredients import Ingredient

    created = make_ingredient(name="Fresh row")
    body = client.get("/api/v2/ingredient/?limit=1&offset=" + str(SHIPPED)).get_json()
    assert body["count"] == SHIPPED + 1
    assert [row["id"] for row in body["results"]] == [created]
    with app.app_context():
        db.session.delete(db.session.get(Ingredient, 3))
        db.session.commit()
    body = client.get("/api/v2/ingredient/?limit=2").get_json()
    assert body["count"] == SHIPPED
    assert [row["id"] for row in body["results"]] == [2, 4]
