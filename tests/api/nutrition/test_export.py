"""``services.nutrition.export_user``: a user's rows, as the API shows them, and only theirs."""

import json

from wger_flask.services.nutrition import export_user


def test_exports_every_row_of_the_user_and_nothing_else(app, user, api, mallory_api, foods):
    plan = api.plan(description="Mine")
    meal = api.meal(plan, name="Breakfast")
    item = api.item(meal, foods.bread, "2", weight_unit=foods.slice)
    entry = api.log(plan, foods.apple, "150", meal=meal["id"])
    mallory_api.item(mallory_api.meal(mallory_api.plan()), foods.apple, "1")
    with app.app_context():
        exported = export_user(user.id)
    assert exported == {
        "nutritionplan": [plan],
        "meal": [meal],
        "mealitem": [item],
        "nutritiondiary": [entry],
    }
    assert json.loads(json.dumps(exported)) == exported  # JSON-ready as it is


def test_a_user_without_nutrition_data_exports_empty_lists(app, user):
    with app.app_context():
        assert export_user(user.id) == {
            "nutritionplan": [],
            "meal": [],
            "mealitem": [],
            "nutritiondiary": [],
        }


def test_deleting_the_user_deletes_their_nutrition_data(app, user, api, foods):
    plan = api.plan()
    api.log(plan, foods.apple, "1", meal=api.item(api.meal(plan), foods.apple, "1")["meal"])
    with app.app_context():
        from sqlalchemy import func, select, text

        from wger_flask.extensions import db
        from wger_flask.models.nutrition import LogItem, Meal, MealItem, NutritionPlan

        db.session.execute(text("DELETE FROM auth_user WHERE id = :id"), {"id": user.id})
        for model in (NutritionPlan, Meal, MealItem, LogItem):
            assert db.session.execute(select(func.count()).select_from(model)).scalar() == 0
        db.session.rollback()


def test_fits_the_account_exports_registry(app, user, api, foods, monkeypatch):
    """Wired into ``services.accounts.lifecycle.DOMAINS`` (one name), the account export holds
    the nutrition rows and encodes as the download does."""
    import orjson

    from wger_flask.extensions import db
    from wger_flask.models.accounts import User
    from wger_flask.rest.negotiation import dumps
    from wger_flask.services.accounts import lifecycle

    plan = api.plan(description="Exported")
    monkeypatch.setattr(lifecycle, "DOMAINS", (*lifecycle.DOMAINS, "nutrition"))
    with app.app_context():
        document = lifecycle.export_user(db.session.get(User, user.id))
        encoded = dumps(document, indent=2)
    assert orjson.loads(encoded)["data"]["nutrition"]["nutritionplan"] == [plan]
