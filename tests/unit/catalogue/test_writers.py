"""The catalogue's rules, broken through every writer (``tests/writers.py``): the REST routes
and a direct service call through ``rest.writes`` (the importer joins the list) refuse the same
way: who may contribute, the description's and comments' language, near-duplicate names, the fixed exercise and language of a
translation, the author history of every save, deletion with a replacement."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.api.catalogue.conftest import ENGLISH, GERMAN, old
from wger_flask.extensions import db
from wger_flask.models.catalogue import (
    AuthorHistory,
    DeletionLog,
    Exercise,
    ExerciseComment,
    Translation,
)

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


def listed_exercise(writer, user, name="Floor press"):
    """An exercise with a translation (the catalogue lists, and writes, only those); two of
    them need distinct names (a near-duplicate name is refused)."""
    made = writer.create(Exercise, EXERCISE, user)
    assert writer.create(Translation, translation(made.id, name=name), user).status == 201
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


@pytest.mark.parametrize("name", ["floor-Press", "Floorpress", "Flor press", "FLOOR_PRESS"])
def test_a_near_duplicate_name_is_refused(writer, contributor, name):
    listed_exercise(writer, contributor)  # "Floor press"
    other = writer.create(Exercise, EXERCISE, contributor)
    refused = writer.create(Translation, translation(other.id, name=name), contributor)
    assert refused.status == 400 and list(refused.body) == ["name"]
    assert '"Floor press"' in refused.body["name"][0]


def test_a_distinct_name_and_the_same_name_in_another_language_pass(writer, contributor):
    listed_exercise(writer, contributor)  # "Floor press", in English
    other = writer.create(Exercise, EXERCISE, contributor)
    assert (
        writer.create(Translation, translation(other.id, name="Floor fly"), contributor).status
        == 201
    )
    german = translation(other.id, name="Floor press", language=1, description_source=GERMAN)
    assert writer.create(Translation, german, contributor).status == 201


def test_a_rename_is_checked_but_an_unchanged_name_is_not(writer, contributor):
    listed_exercise(writer, contributor)  # "Floor press"
    other = writer.create(Exercise, EXERCISE, contributor)
    made = writer.create(Translation, translation(other.id, name="Quokka lift"), contributor)
    renamed = writer.update(Translation, made.id, {"name": "Floor  press"}, contributor)
    assert renamed.status == 400 and list(renamed.body) == ["name"]
    # a spelling of the same name is no change (names from before the check keep their edits)
    respelled = writer.update(Translation, made.id, {"name": "quokka-lift"}, contributor)
    assert respelled.status == 200 and respelled.body["name"] == "quokka-lift"


def test_a_comment_in_another_language_is_refused(writer, contributor):
    exercise = writer.create(Exercise, EXERCISE, contributor)
    english = writer.create(Translation, translation(exercise.id, name="Okapi hinge"), contributor)
    german = writer.create(
        Translation,
        translation(exercise.id, name="Okapi-Beuge", language=1, description_source=GERMAN),
        contributor,
    )
    assert english.status == german.status == 201
    refused = writer.create(
        ExerciseComment,
        {"translation": english.id, "comment": "Halte den Rücken immer gerade"},
        contributor,
    )
    assert refused.status == 400 and list(refused.body) == ["language"]
    # short English comments pass, though the detector alone would call the first Polish
    for comment in ("Keep the elbows in", "Brace your core before each repetition"):
        fine = writer.create(
            ExerciseComment, {"translation": english.id, "comment": comment}, contributor
        )
        assert fine.status == 201, fine.body
    in_german = writer.create(
        ExerciseComment,
        {"translation": german.id, "comment": "Halte den Rücken immer gerade"},
        contributor,
    )
    assert in_german.status == 201
    moved = writer.update(
        ExerciseComment, fine.id, {"comment": "Halte den Rücken immer gerade"}, contributor
    )
    assert moved.status == 400 and list(moved.body) == ["language"]


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
    new_one = listed_exercise(writer, contributor, name="Quokka lift")
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
