"""The ownership matrix, probed with the attacker's requests: another user's plan, meal, item or
diary entry is a 404 on every method and action; a foreign parent in a body is a 403 that
writes nothing."""

import uuid

import pytest

RESOURCES = ["nutritionplan", "nutritionplaninfo", "meal", "mealitem", "nutritiondiary"]


@pytest.fixture
def alices(api, foods):
    """Alice's plan with a meal, an item and a diary entry: {resource: id}."""
    plan = api.plan(description="Alice's")
    meal = api.meal(plan, name="Breakfast")
    item = api.item(meal, foods.apple, "150")
    entry = api.log(plan, foods.apple, "150", meal=meal["id"])
    return {
        "nutritionplan": plan["id"],
        "nutritionplaninfo": plan["id"],
        "meal": meal["id"],
        "mealitem": item["id"],
        "nutritiondiary": entry["id"],
    }


def snapshot(client, alice, alices):
    return {
        name: client.get(f"/api/v2/{name}/{pk}/", headers=alice).get_json()
        for name, pk in alices.items()
    }


@pytest.mark.parametrize("resource", RESOURCES)
def test_another_users_object_is_404_on_every_method(
    client, alice, mallory, alices, foods, resource
):
    before = snapshot(client, alice, alices)
    url = f"/api/v2/{resource}/{alices[resource]}/"
    body = {"description": "mine now", "name": "mine", "amount": "999", "ingredient": foods.apple}
    assert client.get(url, headers=mallory).status_code == 404
    assert client.get(url + "nutritional_values/", headers=mallory).status_code == 404
    if resource == "nutritionplaninfo":
        for method in ("put", "patch", "delete"):
            assert getattr(client, method)(url, json=body, headers=mallory).status_code == 405
    else:
        assert client.put(url, json=body, headers=mallory).status_code == 404
        assert client.patch(url, json=body, headers=mallory).status_code == 404
        assert client.delete(url, headers=mallory).status_code == 404
    listed = client.get(f"/api/v2/{resource}/", headers=mallory).get_json()
    assert listed["count"] == 0
    assert snapshot(client, alice, alices) == before


@pytest.mark.parametrize("resource", RESOURCES)
def test_anonymous_is_401_everywhere(client, alices, resource):
    url = f"/api/v2/{resource}/{alices[resource]}/"
    for response in (
        client.get(f"/api/v2/{resource}/"),
        client.get(url),
        client.get(url + "nutritional_values/"),
    ):
        assert response.status_code == 401


@pytest.mark.parametrize("resource", RESOURCES)
def test_malformed_or_unknown_ids_are_404(client, alice, resource):
    for pk in ("1", "not-a-uuid", str(uuid.uuid4())):
        assert client.get(f"/api/v2/{resource}/{pk}/", headers=alice).status_code == 404
        response = client.get(f"/api/v2/{resource}/{pk}/nutritional_values/", headers=alice)
        assert response.status_code == 404


def test_foreign_parents_in_a_new_body_are_403_and_write_nothing(
    client, alice, mallory, mallory_api, alices, foods
):
    own_plan = mallory_api.plan()
    attempts = [
        ("meal", {"plan": alices["nutritionplan"], "name": "x"}),
        ("meal", {"plan": str(uuid.uuid4()), "name": "x"}),
        ("mealitem", {"meal": alices["meal"], "ingredient": foods.apple, "amount": "1"}),
        (
            "nutritiondiary",
            {"plan": alices["nutritionplan"], "ingredient": foods.apple, "amount": "1"},
        ),
        (
            "nutritiondiary",
            {
                "plan": own_plan["id"],
                "meal": alices["meal"],
                "ingredient": foods.apple,
                "amount": "1",
            },
        ),
    ]
    for resource, body in attempts:
        response = client.post(f"/api/v2/{resource}/", json=body, headers=mallory)
        assert response.status_code == 403, (resource, body)
        assert "detail" in response.get_json()
    for resource in ("meal", "mealitem", "nutritiondiary"):
        assert client.get(f"/api/v2/{resource}/", headers=mallory).get_json()["count"] == 0
    alices_meals = client.get(
        f"/api/v2/meal/?plan={alices['nutritionplan']}", headers=alice
    ).get_json()
    assert alices_meals["count"] == 1


def test_moving_own_rows_under_a_foreign_parent_is_403_and_changes_nothing(
    client, mallory, mallory_api, alices, foods
):
    plan = mallory_api.plan()
    meal = mallory_api.meal(plan)
    item = mallory_api.item(meal, foods.apple, "5")
    entry = mallory_api.log(plan, foods.apple, "5")
    moves = [
        (f"/api/v2/meal/{meal['id']}/", {"plan": alices["nutritionplan"]}),
        (f"/api/v2/mealitem/{item['id']}/", {"meal": alices["meal"]}),
        (f"/api/v2/nutritiondiary/{entry['id']}/", {"plan": alices["nutritionplan"]}),
        (f"/api/v2/nutritiondiary/{entry['id']}/", {"meal": alices["meal"]}),
    ]
    for url, body in moves:
        before = client.get(url, headers=mallory).get_json()
        assert client.patch(url, json=body, headers=mallory).status_code == 403, url
        assert client.put(url, json={**before, **body}, headers=mallory).status_code == 403, url
        assert client.get(url, headers=mallory).get_json() == before


def test_a_foreign_id_as_a_new_rows_uuid_takes_nothing(client, alice, mallory, alices):
    response = client.post(
        "/api/v2/nutritionplan/", json={"id": alices["nutritionplan"]}, headers=mallory
    )
    assert response.status_code == 400
    owner_view = client.get(f"/api/v2/nutritionplan/{alices['nutritionplan']}/", headers=alice)
    assert owner_view.get_json()["description"] == "Alice's"
