"""``ingredient-sync``: DRF cursor pagination over the whole catalogue, in id order."""

import base64
from urllib.parse import parse_qs, urlsplit

SHIPPED = 9210 + 14


def cursor_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["cursor"][0]


def test_first_page_defaults_to_200_rows_without_count(client):
    body = client.get("/api/v2/ingredient-sync/").get_json()
    assert set(body) == {"next", "previous", "results"}
    assert len(body["results"]) == 200
    assert body["previous"] is None
    assert (
        base64.b64decode(cursor_of(body["next"])) == b"p=" + str(body["results"][-1]["id"]).encode()
    )
    assert "language" in body["results"][0] and "thumbnails" in body["results"][0]


def test_page_size_is_capped_and_bad_values_mean_the_default(client):
    assert len(client.get("/api/v2/ingredient-sync/?page_size=5000").get_json()["results"]) == 1000
    assert len(client.get("/api/v2/ingredient-sync/?page_size=0").get_json()["results"]) == 200
    assert len(client.get("/api/v2/ingredient-sync/?page_size=x").get_json()["results"]) == 200
    assert len(client.get("/api/v2/ingredient-sync/?page_size=-5").get_json()["results"]) == 200
    # DRF reads the value with int(): a sign or surrounding blanks are fine
    assert len(client.get("/api/v2/ingredient-sync/?page_size=%2B5").get_json()["results"]) == 5
    assert len(client.get("/api/v2/ingredient-sync/?page_size=%207").get_json()["results"]) == 7


def test_walking_next_links_visits_every_row_once(client):
    url, seen = "/api/v2/ingredient-sync/?page_size=1000", []
    while url:
        body = client.get(url).get_json()
        seen.extend(row["id"] for row in body["results"])
        url = body["next"]
    assert len(seen) == SHIPPED == len(set(seen))
    assert seen == sorted(seen)


def test_previous_links_walk_back(client):
    first = client.get("/api/v2/ingredient-sync/?page_size=3").get_json()
    second = client.get(first["next"]).get_json()
    assert second["previous"] is not None
    back = client.get(second["previous"]).get_json()
    assert [row["id"] for row in back["results"]] == [row["id"] for row in first["results"]]
    assert back["previous"] is None
    assert back["next"] is not None


def test_malformed_cursors_are_404(client):
    malformed = ("abc", "%C3%BF%C3%BF", base64.b64encode(b"p=abc").decode())
    for cursor in (
        *malformed,
        base64.b64encode(b"o=-1").decode(),
        base64.b64encode(b"\xff").decode(),
    ):
        response = client.get(f"/api/v2/ingredient-sync/?cursor={cursor}")
        assert response.status_code == 404, cursor
        assert response.get_json() == {"detail": "Invalid cursor"}


def test_incremental_sync_with_last_update(client):
    body = client.get("/api/v2/ingredient-sync/?last_update__gt=2020-01-01T00:00:00Z").get_json()
    assert body["results"] == []
    body = client.get(
        "/api/v2/ingredient-sync/?last_update__gt=2017-01-01&page_size=1000"
    ).get_json()
    assert body["results"] and all(row["last_update"] > "2017-01-01" for row in body["results"])


def test_sync_detail_and_documented_cursor(client):
    assert client.get("/api/v2/ingredient-sync/2/").get_json()["name"] == "Butter, salted"
    spec = client.get("/api/v2/schema/").get_json()
    operation = spec["paths"]["/api/v2/ingredient-sync/"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"cursor", "page_size", "last_update__gt"} <= names and "offset" not in names
