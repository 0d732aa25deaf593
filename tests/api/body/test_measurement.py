"""measurement: source, external_id imports, extra_data, value as a JSON number, per-metric
limits, filters, ownership."""

import uuid

URL = "/api/v2/measurement/"
CATEGORIES = "/api/v2/measurement-category/"


def category(client, headers, metric_type):
    query = f"{CATEGORIES}?metric_type={metric_type}"
    return client.get(query, headers=headers).get_json()["results"][0]["id"]


def custom(client, headers, name="Waist", unit="cm"):
    return client.post(CATEGORIES, json={"name": name, "unit": unit}, headers=headers).get_json()[
        "id"
    ]


def post(client, headers, **body):
    return client.post(URL, json=body, headers=headers)


def test_create_shape(client, alice):
    waist = custom(client, alice)
    response = post(client, alice, category=waist, value=81.5, date="2026-11-01T08:00:00Z")
    assert response.status_code == 201, response.get_json()
    row = response.get_json()
    assert row == {
        "id": row["id"],
        "category": waist,
        "date": "2026-11-01T08:00:00Z",
        "value": 81.5,
        "notes": "",
        "source": "user",
        "external_id": None,
        "extra_data": None,
    }
    uuid.UUID(row["id"])


def test_value_is_a_number_on_the_wire(client, alice):
    waist = custom(client, alice)
    row = post(client, alice, category=waist, value="80").get_json()
    assert row["value"] == 80.0 and isinstance(row["value"], float)
    assert post(client, alice, category=waist, value="80.123").status_code == 400
    assert "value" in post(client, alice, category=waist, value=True).get_json()
    assert "value" in post(client, alice, category=waist, value=[1]).get_json()
    assert "value" in post(client, alice, category=waist, value=-1).get_json()


def test_body_weight_limits_follow_the_unit(client, alice):
    weight = category(client, alice, "body_weight")
    assert post(client, alice, category=weight, value=19.9).status_code == 400
    assert post(client, alice, category=weight, value=80).status_code == 201
    in_lb = post(client, alice, category=weight, value=400, extra_data={"unit": "lb"})
    assert in_lb.status_code == 201
    too_heavy = post(client, alice, category=weight, value=400)
    assert too_heavy.status_code == 400
    assert "350" in too_heavy.get_json()["value"][0]
    stone = post(client, alice, category=weight, value=12, extra_data={"unit": "st"})
    assert stone.status_code == 400 and "extra_data" in stone.get_json()


def test_group_takes_no_entries(client, alice):
    made = {"name": "Blood pressure", "metric_type": "blood_pressure"}
    group = client.post(CATEGORIES, json=made, headers=alice).get_json()["id"]
    response = post(client, alice, category=group, value=120)
    assert response.status_code == 400 and "category" in response.get_json()
    systolic = category(client, alice, "blood_pressure_systolic")
    assert post(client, alice, category=systolic, value=120).status_code == 201
    assert post(client, alice, category=systolic, value=300).status_code == 400


def test_sources_and_extra_data(client, alice):
    waist = custom(client, alice)
    for source in ("user", "apple", "google", "calculated"):
        assert post(client, alice, category=waist, value=1, source=source).status_code == 201
    assert "source" in post(client, alice, category=waist, value=1, source="fitbit").get_json()
    assert "extra_data" in post(client, alice, category=waist, value=1, extra_data=[1]).get_json()
    row = post(client, alice, category=waist, value=1, extra_data={"device": "x"}).get_json()
    assert row["extra_data"] == {"device": "x"}
    apple = client.get(f"{URL}?source=apple", headers=alice).get_json()
    assert apple["count"] == 1
    assert client.get(f"{URL}?source__in=apple,google", headers=alice).get_json()["count"] == 2
    bad = client.get(f"{URL}?source=fitbit", headers=alice)
    assert bad.status_code == 400 and "source" in bad.get_json()
    for extra in ({"unit": 5}, {"unit": ""}, {"unit": "x" * 31}):
        response = post(client, alice, category=waist, value=1, extra_data=extra)
        assert response.status_code == 400 and "extra_data" in response.get_json()


def test_importing_an_external_id_twice_does_not_duplicate(client, alice):
    steps = client.post(
        CATEGORIES, json={"name": "Steps", "metric_type": "steps"}, headers=alice
    ).get_json()["id"]
    external = str(uuid.uuid4())
    first = post(client, alice, category=steps, value=1000, source="apple", external_id=external)
    assert first.status_code == 201
    second = post(client, alice, category=steps, value=1200, source="apple", external_id=external)
    assert second.status_code == 201
    assert second.get_json()["id"] == first.get_json()["id"]
    assert second.get_json()["value"] == 1200.0
    listed = client.get(f"{URL}?category={steps}", headers=alice).get_json()
    assert listed["count"] == 1


def test_filters(client, alice):
    waist = custom(client, alice)
    hips = custom(client, alice, "Hips")
    neck = custom(client, alice, "Neck")
    for day, cat in (("01", waist), ("02", hips), ("03", neck), ("04", waist)):
        post(client, alice, category=cat, value=50, date=f"2026-11-{day}T12:00:00Z")
    both = client.get(f"{URL}?category__in={waist},{hips}", headers=alice).get_json()
    assert both["count"] == 3
    rows = client.get(
        f"{URL}?date__gte=2026-11-02T00:00:00%2B00:00&date__lt=2026-11-04T00:00:00Z&ordering=-date",
        headers=alice,
    ).get_json()["results"]
    assert [row["date"][:10] for row in rows] == ["2026-11-03", "2026-11-02"]
    newest_first = client.get(URL, headers=alice).get_json()["results"]
    assert newest_first[0]["date"].startswith("2026-11-04")
    bad = client.get(f"{URL}?category=nope", headers=alice)
    assert bad.status_code == 400 and "category" in bad.get_json()


def test_patch_and_delete(client, alice):
    waist = custom(client, alice)
    row = post(client, alice, category=waist, value=80).get_json()
    detail = f"{URL}{row['id']}/"
    patched = client.patch(detail, json={"value": 79, "notes": "after lunch"}, headers=alice)
    assert patched.status_code == 200
    assert patched.get_json()["value"] == 79.0 and patched.get_json()["source"] == "user"
    assert client.delete(detail, headers=alice).status_code == 204


def test_deleting_a_category_deletes_its_measurements(client, alice):
    waist = custom(client, alice)
    row = post(client, alice, category=waist, value=80).get_json()
    assert client.delete(f"{CATEGORIES}{waist}/", headers=alice).status_code == 204
    assert client.get(f"{URL}{row['id']}/", headers=alice).status_code == 404


def test_ownership(client, alice, mallory):
    waist = custom(client, alice)
    row = post(client, alice, category=waist, value=80).get_json()
    detail = f"{URL}{row['id']}/"
    assert client.get(URL, headers=mallory).get_json()["count"] == 0
    assert client.get(detail, headers=mallory).status_code == 404
    assert client.patch(detail, json={"value": 1}, headers=mallory).status_code == 404
    assert client.delete(detail, headers=mallory).status_code == 404
    # writing into alice's category: 403, nothing written
    assert post(client, mallory, category=waist, value=1).status_code == 403
    theirs = custom(client, mallory, "Theirs")
    mine = post(client, mallory, category=theirs, value=5).get_json()
    moved = client.patch(f"{URL}{mine['id']}/", json={"category": waist}, headers=mallory)
    assert moved.status_code == 403
    assert client.get(f"{URL}?category={waist}", headers=alice).get_json()["count"] == 1
    assert client.get(f"{URL}{mine['id']}/", headers=mallory).get_json()["category"] == theirs


def test_anonymous_is_401(client):
    assert client.get(URL).status_code == 401
    assert client.get(f"{URL}aggregate/").status_code == 401
    assert client.get(f"{URL}value-counts/").status_code == 401
