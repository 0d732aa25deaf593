"""measurement-category: the 2.7 fields, official categories for every user, typed-category
rules, groups and their components, ownership."""

import uuid

URL = "/api/v2/measurement-category/"
OFFICIAL = {"body_weight"}  # only body weight: the server depends on it


def categories(client, headers, query=""):
    return client.get(f"{URL}?limit=100{query}", headers=headers).get_json()["results"]


def blood_pressure(client, headers):
    """The blood-pressure group, made as the 2.7 MCP server makes it."""
    body = {"name": "Blood pressure", "unit": "mmHg", "metric_type": "blood_pressure"}
    response = client.post(URL, json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_every_user_has_the_official_categories(client, alice, mallory):
    mine = categories(client, alice)
    assert {row["metric_type"] for row in mine} == OFFICIAL
    assert all(row["is_official"] is True for row in mine)
    theirs = categories(client, mallory)
    assert {row["id"] for row in mine}.isdisjoint({row["id"] for row in theirs})


def test_created_once(client, alice):
    first = categories(client, alice)
    assert categories(client, alice) == first


def test_body_weight_lookup_as_the_released_clients_send_it(client, alice):
    # The seed's rule: True/False filter; the clients' lowercase is ignored, and the body-weight
    # category they look up is still the one answer (one category per metric type).
    for flag in ("true", "True"):
        rows = categories(client, alice, f"&metric_type=body_weight&is_official={flag}")
        assert len(rows) == 1
        body_weight = rows[0]
        assert body_weight["unit"] == "kg" and body_weight["name"] == "Body weight"
    assert categories(client, alice, "&metric_type=body_weight&is_official=False") == []
    assert len(categories(client, alice, "&metric_type=body_weight&is_official=false")) == 1
    assert len(categories(client, alice, "&is_official=maybe")) == len(OFFICIAL)
    bad = client.get(f"{URL}?metric_type=mood", headers=alice)
    assert bad.status_code == 400 and "metric_type" in bad.get_json()
    client.post(URL, json={"name": "Height", "metric_type": "height"}, headers=alice)
    both = categories(client, alice, "&metric_type__in=body_weight,height")
    assert {row["metric_type"] for row in both} == {"body_weight", "height"}


def test_shape_has_every_2_7_field(client, alice):
    row = categories(client, alice, "&metric_type=body_weight")[0]
    assert list(row) == [
        "id",
        "name",
        "unit",
        "metric_type",
        "is_official",
        "order",
        "parent",
        "chart_type",
        "chart_config",
        "dynamic_type",
        "dynamic_params",
    ]
    assert row["dynamic_type"] == "NONE" and row["parent"] is None


def test_group_components_point_to_their_group(client, alice):
    group = blood_pressure(client, alice)
    children = categories(client, alice, f"&parent={group['id']}")
    assert {row["metric_type"] for row in children} == {
        "blood_pressure_systolic",
        "blood_pressure_diastolic",
    }


def test_custom_category_life(client, alice):
    response = client.post(URL, json={"name": "Biceps", "unit": "cm"}, headers=alice)
    assert response.status_code == 201, response.get_json()
    row = response.get_json()
    assert row["metric_type"] == "custom" and row["is_official"] is False
    detail = f"{URL}{row['id']}/"
    renamed = client.patch(detail, json={"name": "Left biceps", "order": 3}, headers=alice)
    assert renamed.get_json()["name"] == "Left biceps"
    assert client.delete(detail, headers=alice).status_code == 204
    assert client.get(detail, headers=alice).status_code == 404


def test_client_chosen_id(client, alice):
    chosen = str(uuid.uuid4())
    row = client.post(URL, json={"id": chosen, "name": "Waist"}, headers=alice).get_json()
    assert row["id"] == chosen


def test_typed_category_gets_its_default_unit_and_is_one_per_user(client, alice):
    response = client.post(URL, json={"name": "Steps", "metric_type": "steps"}, headers=alice)
    assert response.status_code == 201
    assert response.get_json()["unit"] == "count"
    again = client.post(URL, json={"name": "More", "metric_type": "steps"}, headers=alice)
    assert again.status_code == 400 and "metric_type" in again.get_json()
    official_twice = client.post(
        URL, json={"name": "W", "metric_type": "body_weight"}, headers=alice
    )
    assert official_twice.status_code == 400 and "metric_type" in official_twice.get_json()


def test_custom_names_may_repeat(client, alice):
    for _ in range(2):
        assert client.post(URL, json={"name": "Calf"}, headers=alice).status_code == 201


def test_metric_type_is_fixed(client, alice):
    row = client.post(URL, json={"name": "Neck"}, headers=alice).get_json()
    response = client.patch(f"{URL}{row['id']}/", json={"metric_type": "steps"}, headers=alice)
    assert response.status_code == 400 and "metric_type" in response.get_json()


def test_creating_a_group_creates_its_components(client, alice):
    response = client.post(URL, json={"name": "Sleep", "metric_type": "sleep"}, headers=alice)
    assert response.status_code == 201
    group = response.get_json()
    children = categories(client, alice, f"&parent={group['id']}")
    assert {row["metric_type"] for row in children} == {
        "sleep_total",
        "sleep_deep",
        "sleep_light",
        "sleep_rem",
        "sleep_awake",
    }


def test_updating_a_group_rebuilds_a_deleted_component(client, alice):
    group = client.post(URL, json={"name": "Sleep", "metric_type": "sleep"}, headers=alice)
    group = group.get_json()
    rem = categories(client, alice, "&metric_type=sleep_rem")[0]
    assert client.delete(f"{URL}{rem['id']}/", headers=alice).status_code == 204
    client.patch(f"{URL}{group['id']}/", json={"name": "Sleep"}, headers=alice)
    assert len(categories(client, alice, "&metric_type=sleep_rem")) == 1


def test_a_component_cannot_be_created_alone(client, alice):
    response = client.post(URL, json={"name": "REM", "metric_type": "sleep_rem"}, headers=alice)
    assert response.status_code == 400 and "parent" in response.get_json()


def test_only_components_have_parents(client, alice):
    group = blood_pressure(client, alice)
    response = client.post(URL, json={"name": "x", "parent": group["id"]}, headers=alice)
    assert response.status_code == 400 and "parent" in response.get_json()


def test_official_categories_cannot_be_deleted(client, alice):
    body_weight = categories(client, alice, "&metric_type=body_weight")[0]
    response = client.delete(f"{URL}{body_weight['id']}/", headers=alice)
    assert response.status_code == 403
    assert client.get(f"{URL}{body_weight['id']}/", headers=alice).status_code == 200


def test_official_categories_keep_their_shape_but_may_be_renamed(client, alice):
    body_weight = categories(client, alice, "&metric_type=body_weight")[0]
    detail = f"{URL}{body_weight['id']}/"
    assert (
        client.patch(detail, json={"name": "Weight", "unit": "lb"}, headers=alice).status_code
        == 200
    )
    assert client.patch(detail, json={"unit": "stone"}, headers=alice).status_code == 400
    bad = client.patch(detail, json={"dynamic_params": {"x": 1}}, headers=alice)
    assert bad.status_code == 400 and "dynamic_params" in bad.get_json()
    assert (
        client.patch(detail, json={"is_official": False}, headers=alice).get_json()["is_official"]
        is True
    )


def test_choices_are_checked(client, alice):
    for field, value in (("metric_type", "mood"), ("chart_type", "pie"), ("dynamic_type", "X")):
        response = client.post(URL, json={"name": "x", field: value}, headers=alice)
        assert response.status_code == 400 and field in response.get_json()
    assert client.post(URL, json={"unit": "cm"}, headers=alice).get_json() == {
        "name": ["This field is required."]
    }


def test_a_calculated_category_is_custom(client, alice):
    # what calculated categories compute: tests/api/body/test_calculated.py
    response = client.post(URL, json={"name": "BMI", "dynamic_type": "BMI"}, headers=alice)
    assert response.status_code == 201
    assert response.get_json()["metric_type"] == "custom"
    typed = client.post(
        URL, json={"name": "x", "metric_type": "steps", "dynamic_type": "BMI"}, headers=alice
    )
    assert typed.status_code == 400 and "dynamic_type" in typed.get_json()


def test_dynamic_types(client, alice):
    response = client.get(f"{URL}dynamic-types/", headers=alice)
    assert response.status_code == 200
    rows = response.get_json()
    assert {row["value"] for row in rows} == {"NONE", "BMI", "WHTR", "ONE_REP_MAX", "ONE_RM_TOTAL"}
    assert all(set(row) == {"value", "label", "params_schema"} for row in rows)
    assert client.get(f"{URL}dynamic-types/").status_code == 401


def test_ownership(client, alice, mallory):
    mine = client.post(URL, json={"name": "Hips"}, headers=alice).get_json()
    detail = f"{URL}{mine['id']}/"
    assert client.get(detail, headers=mallory).status_code == 404
    assert client.patch(detail, json={"name": "x"}, headers=mallory).status_code == 404
    assert client.delete(detail, headers=mallory).status_code == 404
    # a foreign parent: 403, nothing written
    group = blood_pressure(client, alice)
    before = len(categories(client, mallory))
    response = client.post(
        URL,
        json={"name": "x", "metric_type": "custom", "parent": group["id"]},
        headers=mallory,
    )
    assert response.status_code == 403
    assert len(categories(client, mallory)) == before
    assert client.get(detail, headers=alice).get_json()["name"] == "Hips"


def test_anonymous_is_401(client):
    assert client.get(URL).status_code == 401
