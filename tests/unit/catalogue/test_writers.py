"""The catalogue's rules, broken through every writer (``tests/writers.py``): the REST routes
and a direct service call through ``rest.writes`` (the importer joins the list) refuse the same
way: who may contribute, the description's language, the fixed exercise and language of a
translation, the author history of every save, deletion with a replacement."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.api.catalogue.conftest import ENGLISH, GERMAN, old
from wger_flask.extensions import db
from wger_flask.models.catalogue import AuthorHistory, DeletionLog, Exercise, Translation

EXERCISE = {"category": 10, "muscles": [1], "equipment": [3], "license_author": "me"}


@pytest.fixture
def contributor(make_user):
    return make_user("trusted", email="t@example.com", email_verified=True, date_joined=old())


@pytest.fixture
def newcomer(make_user):
    return make_user("newcomer", email="n@example.com", email_verified=True, date_joined=old(20))


def translation(exercise_id, **extra):
    return {"exercise": exercise_id, "name": "Floor press", "description_source": ENGLISH,
            "language": 2, "license_author": "me", **extra}  # fmt: skip


def listed_exercise(writer, user):
    """An exercise with a translation (the catalogue lists, and writes, only those)."""
    made = writer.create(Exercise, EXERCISE, user)
    assert writer.create(Translation, translation(made.id), user).status == 201
    return made


def test_only_contributors_write(writer, newcomer, contributor):
    assert writer.create(Exercise, EXERCISE, newcomer).status == 403
    made = listed_exercise(writer, contributor)
    assert writer.delete(Exercise, made.id, contributor).status == 403  # the delete permission


def test_a_description_in_another_language_is_refused(writer, contributor):
    exercise = writer.create(Exercise, EXERCISE, contributor)
    refused = writer.create(
        Translation, translation(exercise.id, description_source=GERMAN), contributor
    )
    assert refused.status == 400 and list(refused.body) == ["language"]


def test_a_translation_keeps_its_exercise_and_language(writer, contributor):
    exercise = writer.create(Exercise, EXERCISE, contributor)
    other = writer.create(Exercise, EXERCISE, contributor)
    made = writer.create(Translation, translation(exercise.id), contributor)
    assert made.body["description"].startswith("<p>Lie on the bench")  # sanitised HTML
    moved = writer.update(Translation, made.id, {"exercise": other.id, "language": 3}, contributor)
    assert moved.status == 200
    assert (moved.body["exercise"], moved.body["language"]) == (exercise.id, 2)


def test_every_save_is_in_the_author_history(app, writer, contributor):
    made = listed_exercise(writer, contributor)
    assert writer.update(Exercise, made.id, {"license_author": "other"}, contributor).status == 200
    with app.app_context():
        saves = db.session.execute(
            select(func.count()).where(AuthorHistory.exercise_id == made.id)
        ).scalar_one()
    assert saves == 2


def test_a_deleted_exercise_names_its_replacement(app, writer, contributor, grant):
    grant(contributor, "exercise.delete")
    old_one = listed_exercise(writer, contributor)
    new_one = listed_exercise(writer, contributor)
    deleted = writer.delete(
        Exercise, old_one.id, contributor, {"replaced_by": new_one.body["uuid"]}
    )
    assert deleted.status == 204
    with app.app_context():
        logged = db.session.execute(
            select(DeletionLog.uuid, DeletionLog.replaced_by).where(
                DeletionLog.model_type == "base"
            )
        ).one()
    assert (str(logged.uuid), str(logged.replaced_by)) == (
        old_one.body["uuid"],
        new_one.body["uuid"],
    )
