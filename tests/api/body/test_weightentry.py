"""weightentry: UUID ids (client-chosen accepted), one entry per user and moment, filters."""

import uuid

URL = "/api/v2/weightentry/"


def create(client, headers, **body):
    payload = {"date": "2026-11-01T07:30:00Z", "weight": "80.50", **body}
    return client.post(URL, json=payload, headers=headers)


def test_anonymous_is_401(client):
    assert client.get(URL).status_code == 401
    assert client.post(URL, json={"weight": "80"}).status_code == 401


def test_create_read_update_delete(client, alice, user):
    response = create(client, alice)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    uuid.UUID(body["id"])
    assert body["weight"] == "80.50"
    assert body["user"] == user.id
    assert body["date"] == "2026-11-01T07:30:00Z"

    detail = f"{URL}{body['id']}/"
    assert client.get(detail, headers=alice).get_json() == body
    patched = client.patch(detail, json={"weight": 79.9}, headers=alice)
    assert patched.status_code == 200
    assert patched.get_json()["weight"] == "79.90"
    assert client.delete(detail, headers=alice).status_code == 204
    assert client.get(detail, headers=alice).status_code == 404


def test_client_supplied_id_is_kept_and_not_reused(client, alice):
    chosen = str(uuid.uuid4())
    response = create(client, alice, id=chosen)
    assert response.status_code == 201
    assert response.get_json()["id"] == chosen
    again = create(client, alice, id=chosen, date="2026-11-02T07:30:00Z")
    assert again.status_code == 400
    assert "id" in again.get_json()


def test_the_id_cannot_be_changed(client, alice):
    entry = create(client, alice).get_json()
    response = client.patch(f"{URL}{entry['id']}/", json={"id": str(uuid.uuid4())}, headers=alice)
    assert response.status_code == 200
    assert response.get_json()["id"] == entry["id"]


def test_duplicate_date_is_a_400_naming_date(client, alice):
    assert create(client, alice).status_code == 201
    response = create(client, alice, weight="81")
    assert response.status_code == 400
    assert list(response.get_json()) == ["date"]
    assert client.get(URL, headers=alice).get_json()["count"] == 1


def test_same_date_for_two_users_is_fine(client, alice, mallory):
    assert create(client, alice).status_code == 201
    assert create(client, mallory).status_code == 201


def test_weight_bounds_and_places(client, alice):
    for weight, status in (("29.99", 400), ("30", 201), ("600.00", 201), ("600.01", 400)):
        day = {"29.99": "01", "30": "02", "600.00": "03", "600.01": "04"}[weight]
        response = create(client, alice, weight=weight, date=f"2026-10-{day}T00:00:00Z")
        assert response.status_code == status, (weight, response.get_json())
        if status == 400:
            assert "weight" in response.get_json()
    response = create(client, alice, weight="80.123")
    assert response.status_code == 400 and "weight" in response.get_json()
    assert create(client, alice, weight=None).status_code == 400
    assert "weight" in create(client, alice, weight="heavy").get_json()


def test_user_is_read_only(client, alice, user, other_user):
    body = create(client, alice, user=other_user.id).get_json()
    assert body["user"] == user.id


def test_date_defaults_to_now(client, alice):
    response = client.post(URL, json={"weight": "70"}, headers=alice)
    assert response.status_code == 201
    assert response.get_json()["date"].endswith("Z")


def test_filters_and_ordering(client, alice):
    ids = []
    for day, weight in (("03", "82"), ("01", "80"), ("02", "81")):
        entry = create(client, alice, weight=weight, date=f"2026-11-{day}T08:00:00Z")
        ids.append(entry.get_json()["id"])
    listed = client.get(URL, headers=alice).get_json()
    assert [row["weight"] for row in listed["results"]] == ["80.00", "81.00", "82.00"]
    newest = client.get(f"{URL}?limit=1&ordering=-date", headers=alice).get_json()
    assert newest["count"] == 3 and newest["results"][0]["weight"] == "82.00"
    gte = client.get(f"{URL}?date__gte=2026-11-02T00:00:00%2B00:00", headers=alice).get_json()
    assert {row["weight"] for row in gte["results"]} == {"81.00", "82.00"}
    lt = client.get(f"{URL}?date__lt=2026-11-02T00:00:00Z", headers=alice).get_json()
    assert [row["weight"] for row in lt["results"]] == ["80.00"]
    by_id = client.get(f"{URL}?id__in={ids[0]},{ids[1]}", headers=alice).get_json()
    assert by_id["count"] == 2
    assert client.get(f"{URL}?weight=81", headers=alice).get_json()["count"] == 1
    # upstream's weight lookups (its OpenAPI document lists them)
    heavy = client.get(f"{URL}?weight__gt=80&weight__lte=81.5", headers=alice).get_json()
    assert [row["weight"] for row in heavy["results"]] == ["81.00"]
    assert client.get(f"{URL}?weight__gte=81&weight__lt=82", headers=alice).get_json()["count"] == 1
    bad = client.get(f"{URL}?date__gt=yesterday", headers=alice)
    assert bad.status_code == 400 and "date__gt" in bad.get_json()


def test_other_users_entries_are_404_and_unlisted(client, alice, mallory):
    entry = create(client, alice).get_json()
    detail = f"{URL}{entry['id']}/"
    assert client.get(URL, headers=mallory).get_json()["count"] == 0
    assert client.get(detail, headers=mallory).status_code == 404
    assert client.patch(detail, json={"weight": "99"}, headers=mallory).status_code == 404
    assert client.put(detail, json={"weight": "99"}, headers=mallory).status_code == 404
    assert client.delete(detail, headers=mallory).status_code == 404
    assert client.get(detail, headers=alice).get_json()["weight"] == "80.50"


def test_another_users_id_cannot_be_claimed(client, alice, mallory):
    entry = create(client, alice).get_json()
    response = create(client, mallory, id=entry["id"])
    assert response.status_code == 400
    assert client.get(f"{URL}{entry['id']}/", headers=alice).get_json()["weight"] == "80.50"
