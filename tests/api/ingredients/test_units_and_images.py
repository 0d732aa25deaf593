"""``ingredientweightunit`` and ``ingredient-image`` (read-only; no images are shipped)."""

from tests.api import ingredient_factory

make_ingredient = ingredient_factory.make_ingredient  # the fixture, for this module's tests


def test_weight_units_list_filter_and_detail(client, make_ingredient):
    body = client.get("/api/v2/ingredientweightunit/").get_json()
    assert body["count"] == 5
    assert set(body["results"][0]) == {"id", "uuid", "ingredient", "gram", "name"}
    created = make_ingredient(name="Loaf", units=[("slice", 30), ("loaf", 500)])
    body = client.get(f"/api/v2/ingredientweightunit/?ingredient={created}").get_json()
    assert [(row["name"], row["gram"]) for row in body["results"]] == [("slice", 30), ("loaf", 500)]
    assert client.get("/api/v2/ingredientweightunit/?gram=109").get_json()["count"] == 1
    assert client.get("/api/v2/ingredientweightunit/1/").get_json()["name"] == "Spoon"
    assert client.get("/api/v2/ingredientweightunit/77777/").status_code == 404


def test_weight_units_cannot_be_written(client, user, auth_headers):
    response = client.post(
        "/api/v2/ingredientweightunit/", json={"name": "x", "gram": 1}, headers=auth_headers(user)
    )
    assert response.status_code == 405


def test_images_are_empty_but_served_and_nested(client, app, make_ingredient):
    from wger_flask.extensions import db
    from wger_flask.models.ingredients import IngredientImage

    assert client.get("/api/v2/ingredient-image/").get_json()["count"] == 0
    created = make_ingredient(name="Pictured")
    with app.app_context():
        db.session.add(IngredientImage(ingredient_id=created, image="ingredients/p.jpg", size=10))
        db.session.commit()
    body = client.get(f"/api/v2/ingredient-image/?ingredient_id={created}").get_json()
    image = body["results"][0]
    assert image["ingredient_id"] == created
    assert image["image"] == "http://localhost/media/ingredients/p.jpg"
    info = client.get(f"/api/v2/ingredientinfo/{created}/").get_json()
    assert info["image"] == image
    assert info["thumbnails"] == {"small": image["image"], "medium": image["image"]}
    uuid = image["ingredient_uuid"]
    assert client.get(f"/api/v2/ingredient-image/?ingredient__uuid={uuid}").get_json()["count"] == 1


def test_the_router_order_in_the_api_root(client):
    names = list(client.get("/api/v2/").get_json())
    position = {name: names.index(name) for name in names}
    assert (
        position["exerciseinfo"]
        < position["ingredient"]
        < position["ingredientinfo"]
        < position["ingredient-sync"]
        < position["ingredientweightunit"]
        < position["ingredient-image"]
    )
