"""The exercise catalogue: the shipped data, fields, filters, orderings, search, refusals."""

import pytest

EXERCISE_FIELDS = {
    "id",
    "uuid",
    "created",
    "last_update",
    "category",
    "muscles",
    "muscles_secondary",
    "equipment",
    "variation_group",
    "license_author",
}
INFO_FIELDS = {
    "id",
    "uuid",
    "created",
    "last_update",
    "last_update_global",
    "category",
    "muscles",
    "muscles_secondary",
    "equipment",
    "license",
    "license_author",
    "images",
    "translations",
    "variation_group",
    "videos",
    "author_history",
    "total_authors_history",
}


def test_all_872_exercises_are_served(client):
    body = client.get("/api/v2/exercise/").get_json()
    assert body["count"] == 872
    assert len(body["results"]) == 20
    assert set(body["results"][0]) == EXERCISE_FIELDS
    ids = [row["id"] for row in body["results"]]
    assert ids == sorted(ids)


def test_exercise_detail_has_relation_ids_and_license_author(client):
    body = client.get("/api/v2/exercise/9/").get_json()
    assert body["uuid"] == "1b020b3a-3732-4c7e-92fd-a0cec90ed69b"
    assert body["category"] == 10
    assert body["equipment"] == [10]
    assert body["license_author"] == "deusinvictus"
    assert body["created"] == "2023-08-06T08:17:17.422000Z"


def test_exercise_m2m_filter(client):
    body = client.get("/api/v2/exercise/?equipment=10&limit=1000").get_json()
    assert body["count"] > 0
    assert all(10 in row["equipment"] for row in body["results"])
    both = client.get("/api/v2/exercise/?equipment=10&equipment=3&limit=1000").get_json()
    assert all({3, 10} <= set(row["equipment"]) for row in both["results"])
    assert both["count"] < body["count"]


def test_exercise_category_filter_and_ordering(client):
    body = client.get("/api/v2/exercise/?category=10&ordering=-id&limit=1000").get_json()
    assert body["count"] > 0
    assert {row["category"] for row in body["results"]} == {10}
    ids = [row["id"] for row in body["results"]]
    assert ids == sorted(ids, reverse=True)


def test_exerciseinfo_is_nested_like_upstream(client):
    body = client.get("/api/v2/exerciseinfo/9/").get_json()
    assert set(body) == INFO_FIELDS
    assert body["category"] == {"id": 10, "name": "Abs"}
    assert set(body["license"]) == {"id", "full_name", "short_name", "url"}
    assert body["equipment"][0].keys() == {"id", "name"}
    translation = body["translations"][0]
    assert {
        "id",
        "uuid",
        "name",
        "exercise",
        "description",
        "description_source",
        "created",
        "language",
        "aliases",
        "notes",
        "license",
        "license_title",
        "license_object_url",
        "license_author",
        "license_author_url",
        "license_derivative_source_url",
        "author_history",
    } == set(translation)
    assert body["images"] == [] and body["videos"] == []
    assert body["last_update_global"] >= body["last_update"]


def test_exerciseinfo_muscles_are_objects_with_image_urls(client):
    rows = client.get("/api/v2/exerciseinfo/?muscles=1&limit=5").get_json()["results"]
    assert rows
    muscle = next(m for m in rows[0]["muscles"] if m["id"] == 1)
    assert muscle["image_url_main"] == "http://localhost/static/images/muscles/main/muscle-1.svg"


def test_exerciseinfo_id_in_filter(client):
    first_page = client.get("/api/v2/exerciseinfo/?limit=5").get_json()["results"]
    wanted = [first_page[0]["id"], first_page[2]["id"], first_page[4]["id"]]
    body = client.get(f"/api/v2/exerciseinfo/?id__in={','.join(map(str, wanted))}").get_json()
    assert body["count"] == 3
    assert [row["id"] for row in body["results"]] == wanted


def test_exerciseinfo_search_ranks_exact_then_prefix(client):
    body = client.get(
        "/api/v2/exerciseinfo/?name__search=squat&language__code=en&limit=50"
    ).get_json()
    assert body["count"] > 3
    names = [
        next(t["name"] for t in row["translations"] if t["language"] == 2).lower()
        for row in body["results"]
    ]
    ranks = [
        0 if n == "squat" else 1 if n.startswith("squat") else 2 if " squat" in n else 3
        for n in names
    ]
    assert ranks == sorted(ranks)


def test_exerciseinfo_search_matches_aliases_and_is_case_insensitive(client):
    lower = client.get("/api/v2/exerciseinfo/?name__search=chair steps").get_json()
    upper = client.get("/api/v2/exerciseinfo/?name__search=CHAIR STEPS").get_json()
    assert lower["count"] >= 1
    assert lower["count"] == upper["count"]


def test_exerciseinfo_search_is_unicode_case_insensitive(client):
    body = client.get("/api/v2/exerciseinfo/?name__search=ÜBUNG&language__code=de").get_json()
    same = client.get("/api/v2/exerciseinfo/?name__search=übung&language__code=de").get_json()
    assert body["count"] == same["count"]


def test_explicit_ordering_overrides_search_relevance(client):
    body = client.get("/api/v2/exerciseinfo/?name__search=curl&ordering=-id&limit=100").get_json()
    ids = [row["id"] for row in body["results"]]
    assert ids == sorted(ids, reverse=True)


def test_language_code_filter_and_unknown_code_falls_back_to_english(client):
    german = client.get("/api/v2/exerciseinfo/?language__code=de").get_json()["count"]
    english = client.get("/api/v2/exerciseinfo/?language__code=en").get_json()["count"]
    unknown = client.get("/api/v2/exerciseinfo/?language__code=zz").get_json()["count"]
    assert 0 < german < 872
    assert unknown == english


def test_translation_list_and_filters(client):
    body = client.get("/api/v2/exercise-translation/?exercise=9").get_json()
    assert body["count"] >= 1
    assert {row["exercise"] for row in body["results"]} == {9}
    assert set(body["results"][0]) == {
        "id",
        "uuid",
        "name",
        "exercise",
        "description",
        "description_source",
        "created",
        "language",
        "license_author",
    }


def test_alias_and_comment_resources(client):
    alias = client.get("/api/v2/exercisealias/").get_json()
    assert alias["count"] == 118
    assert set(alias["results"][0]) == {"id", "uuid", "translation", "alias"}
    comment = client.get("/api/v2/exercisecomment/").get_json()
    assert comment["count"] == 276
    assert set(comment["results"][0]) == {"id", "uuid", "translation", "comment"}
    english = client.get("/api/v2/exercisecomment/?language=2").get_json()["count"]
    assert 0 < english <= 276


def test_lookups_equipment_categories_muscles(client):
    assert client.get("/api/v2/equipment/").get_json()["count"] == 12
    assert client.get("/api/v2/exercisecategory/").get_json()["count"] == 8
    muscles = client.get("/api/v2/muscle/").get_json()
    assert muscles["count"] == 16
    assert set(muscles["results"][0]) == {
        "id",
        "name",
        "name_en",
        "is_front",
        "image_url_main",
        "image_url_secondary",
    }


def test_boolean_filter_takes_True_False_only(client):
    front = client.get("/api/v2/muscle/?is_front=True").get_json()["count"]
    back = client.get("/api/v2/muscle/?is_front=False").get_json()["count"]
    assert front + back == 16 and 0 < front < 16
    for ignored in ("true", "false", "TRUE", "1", "0", "yes"):
        assert client.get(f"/api/v2/muscle/?is_front={ignored}").get_json()["count"] == 16


def test_media_and_deletion_log_lists_are_empty_but_well_formed(client):
    for path in ("exerciseimage", "video", "deletion-log"):
        body = client.get(f"/api/v2/{path}/").get_json()
        assert body == {"count": 0, "next": None, "previous": None, "results": []}


def test_muscle_images_are_served_by_the_app(client):
    response = client.get("/static/images/muscles/main/muscle-1.svg")
    assert response.status_code == 200
    assert b"<svg" in response.data[:2000]


@pytest.mark.parametrize(
    "path",
    [
        "exercise",
        "exercise-translation",
        "exercisealias",
        "exercisecomment",
        "exerciseimage",
        "video",
    ],
)
def test_catalogue_writes_need_credentials(client, path):
    response = client.post(f"/api/v2/{path}/", json={})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'
    assert client.delete(f"/api/v2/{path}/1/").status_code == 401


@pytest.mark.parametrize("method", ["post", "patch", "put", "delete"])
def test_catalogue_writes_are_forbidden_to_users(client, user, auth_headers, method):
    url = "/api/v2/exercise/" if method == "post" else "/api/v2/exercise/9/"
    response = getattr(client, method)(url, json={"category": 8}, headers=auth_headers(user))
    assert response.status_code == 403
    assert "detail" in response.get_json()
    assert client.get("/api/v2/exercise/9/").get_json()["category"] == 10
