"""Kept ingredient answers are never stale, on any worker, whoever writes.

Two apps (two workers: each keeps its own whole answers) serve one committed database. Each
test has both keep an answer, writes an ingredient or something ``ingredientinfo`` nests
(with plain SQL on a connection of its own, as an importer or an admin would, or through one
worker's ORM), and reads through both workers: the change is in the very next answer, with a
new ETag.
"""

from __future__ import annotations

import uuid

from tests.api import two_workers
from wger_flask.extensions import db
from wger_flask.services.ingredients.query_cache import kept_answers

database_url_of_workers = two_workers.database_url_of_workers  # the fixtures, for this module
workers = two_workers.workers
writer = two_workers.writer
read = two_workers.read
kept_on_both = two_workers.kept_on_both

INGREDIENT = 10001  # a test row with weight units (tests/api/ingredients/test_ingredients.py)


def after_write(workers, path: str, tags, check) -> None:
    for app, tag in zip(workers, tags, strict=True):
        response = read(app, path)
        check(response.get_json())
        assert response.headers["ETag"] != tag


def test_an_answer_is_kept_and_costs_the_same_bytes(workers):
    path = f"/api/v2/ingredientinfo/?id__in={INGREDIENT},2"
    for app in workers:
        with app.app_context():
            kept_answers(app).clear()
        computed = read(app, path)
        kept = read(app, path)
        assert kept.data == computed.data and kept.headers["ETag"] == computed.headers["ETag"]
        with app.app_context():
            assert len(kept_answers(app)) == 1


def test_ingredient_write_shows_on_list_search_and_detail(workers, writer):
    name = f"Renamed {uuid.uuid4().hex[:8]}"
    word = name.split()[1]
    paths = {
        "detail": f"/api/v2/ingredient/{INGREDIENT}/",
        "info": f"/api/v2/ingredientinfo/{INGREDIENT}/",
        "page": f"/api/v2/ingredient/?id__in={INGREDIENT}",
        "search": f"/api/v2/ingredient/?name__search={word}",
    }
    tags = {}
    for key, path in paths.items():
        with kept_on_both(workers, path) as before:
            tags[key] = before
    writer("UPDATE nutrition_ingredient SET name = :name WHERE id = :id", name=name, id=INGREDIENT)
    after_write(workers, paths["detail"], tags["detail"], lambda body: body["name"] == name)
    after_write(workers, paths["info"], tags["info"], lambda body: body["name"] == name)
    after_write(
        workers, paths["page"], tags["page"], lambda body: body["results"][0]["name"] == name
    )
    after_write(
        workers,
        paths["search"],
        tags["search"],
        lambda body: [row["id"] for row in body["results"]] == [INGREDIENT],
    )


def test_weight_unit_write(workers, writer):
    path = f"/api/v2/ingredientinfo/{INGREDIENT}/"
    units = f"/api/v2/ingredientweightunit/?ingredient={INGREDIENT}"
    with kept_on_both(workers, path) as tags, kept_on_both(workers, units) as unit_tags:
        writer(
            "INSERT INTO nutrition_ingredientweightunit (uuid, ingredient_id, name, gram) "
            "VALUES (:uuid, :id, 'Crate', 4321)",
            uuid=str(uuid.uuid4()),
            id=INGREDIENT,
        )
    after_write(workers, path, tags, lambda body: body["weight_units"][-1]["gram"] == 4321)
    after_write(workers, units, unit_tags, lambda body: body["results"][-1]["name"] == "Crate")


def test_image_written_by_one_worker_shows_on_the_other(workers):
    from wger_flask.models.ingredients import IngredientImage

    path = f"/api/v2/ingredientinfo/{INGREDIENT}/"
    with kept_on_both(workers, path) as tags, workers[0].app_context():
        db.session.add(
            IngredientImage(ingredient_id=INGREDIENT, image="ingredients/kept.jpg", size=1)
        )
        db.session.commit()
    try:
        after_write(workers, path, tags, lambda body: body["image"]["image"].endswith("/kept.jpg"))
    finally:
        with workers[0].app_context():
            db.session.execute(
                db.delete(IngredientImage).where(IngredientImage.ingredient_id == INGREDIENT)
            )
            db.session.commit()


def test_language_and_license_writes(workers, writer):
    path = f"/api/v2/ingredientinfo/{INGREDIENT}/"
    language = read(workers[0], path).get_json()["language"]["id"]
    license_id = read(workers[0], path).get_json()["license"]["id"]
    name = f"Language {uuid.uuid4().hex[:8]}"
    with kept_on_both(workers, path) as tags:
        writer("UPDATE core_language SET full_name = :name WHERE id = :id", name=name, id=language)
    after_write(workers, path, tags, lambda body: body["language"]["full_name"] == name)
    name = f"License {uuid.uuid4().hex[:8]}"
    with kept_on_both(workers, path) as tags:
        writer("UPDATE core_license SET full_name = :name WHERE id = :id", name=name, id=license_id)
    after_write(workers, path, tags, lambda body: body["license"]["full_name"] == name)


def test_insert_and_delete_move_the_count_and_the_last_page(workers, writer):
    """A row added through one worker's ORM is on the other's last page; deleted with SQL,
    it is gone from both."""
    from wger_flask.models.ingredients import Ingredient

    listing = "/api/v2/ingredient/?limit=1&ordering=-id"
    with kept_on_both(workers, listing) as tags, workers[0].app_context():
        row = Ingredient(
            name="Kept answers food",
            energy=1,
            protein=1,
            carbohydrates=1,
            fat=1,
            language_id=2,
            license_id=1,
        )
        db.session.add(row)
        db.session.commit()
        created = row.id
    after_write(workers, listing, tags, lambda body: body["results"][0]["id"] == created)
    with kept_on_both(workers, listing) as tags:
        writer("DELETE FROM nutrition_ingredient WHERE id = :id", id=created)
    after_write(workers, listing, tags, lambda body: body["results"][0]["id"] != created)
