"""The catalogue's write rules as plain functions (``services/catalogue/rules.py``)."""

from __future__ import annotations

from wger_flask.extensions import db
from wger_flask.models.catalogue import Translation
from wger_flask.services.catalogue import rules


def test_a_translation_keeps_its_exercise_and_language(app):
    with app.app_context():
        row = db.session.get(Translation, db.session.query(Translation.id).limit(1).scalar())
        exercise, language = row.exercise_id, row.language_id
        row.exercise_id, row.language_id = exercise + 1, language + 1
        rules.keep_original(row, "exercise_id", "language_id")
        assert (row.exercise_id, row.language_id) == (exercise, language)
        db.session.rollback()


def test_only_the_delete_permission_deletes(app, make_user, grant):
    user = make_user("helper", email="h@example.com")
    grant(user, "exercise.add")
    with app.app_context():
        fresh = db.session.get(type(user), user.id)
        assert rules.may_contribute(fresh, "create") and rules.may_contribute(fresh, "update")
        assert not rules.may_contribute(fresh, "destroy")
