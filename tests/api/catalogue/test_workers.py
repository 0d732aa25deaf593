"""Kept catalogue answers are never stale, on any worker, whoever writes.

Two apps (two workers: each keeps its own pieces and answers) serve one committed database.
Each test has both keep an answer, writes to one kind of catalogue row with plain SQL on a
connection of its own (as an import script or a contributor's write would), and reads through
both workers: the change is in the very next answer, with a new ETag.
"""

from __future__ import annotations

import contextlib
import uuid

import pytest
import sqlalchemy as sa

from wger_flask import create_app
from wger_flask.config import TestConfig
from wger_flask.extensions import db
from wger_flask.services.catalogue import rendering


@pytest.fixture(scope="module")
def database_url_of_workers(bootstrapped_copy, tmp_path_factory):
    with bootstrapped_copy(tmp_path_factory.mktemp("workers")) as url:
        yield url


@pytest.fixture(scope="module")
def workers(database_url_of_workers, instance_dir):
    apps = [create_app(TestConfig(database_url_of_workers)) for _ in range(2)]
    yield apps
    for app in apps:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="module")
def writer(database_url_of_workers, workers):
    """A connection of its own, outside both apps: ``writer(sql, **params)`` commits and
    returns the rows the statement returned (if any)."""
    with workers[0].app_context():
        url = db.engine.url
    engine = sa.create_engine(url)

    def write(sql: str, **params):
        with engine.begin() as connection:
            result = connection.execute(sa.text(sql), params)
            return result.all() if result.returns_rows else []

    yield write
    engine.dispose()


@pytest.fixture(scope="module")
def exercise(workers, writer):
    """An exercise with a translation, a muscle, a secondary muscle and equipment."""
    row = writer(
        """
        SELECT e.id, t.id AS translation_id, m.muscle_id, q.equipment_id, e.license_id
        FROM exercises_exercise e
        JOIN exercises_translation t ON t.exercise_id = e.id
        JOIN exercises_exercise_muscles m ON m.exercise_id = e.id
        JOIN exercises_exercise_equipment q ON q.exercise_id = e.id
        ORDER BY e.id LIMIT 1
        """
    )[0]
    return row._asdict()


def read(app, path: str, **headers):
    client = app.test_client()
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.data
    return response


@contextlib.contextmanager
def kept_on_both(workers, path: str):
    """Both workers keep the answer to ``path`` (asserted: a second read is the kept one);
    yields the ETags of before, to compare with after the write."""
    before = []
    for app in workers:
        first = read(app, path)
        again = read(app, path)
        assert again.data == first.data
        assert again.headers["ETag"] == first.headers["ETag"]
        before.append(first.headers["ETag"])
    yield before


def info_path(exercise) -> str:
    return f"/api/v2/exerciseinfo/{exercise['id']}/"


def page_path(exercise) -> str:
    return f"/api/v2/exerciseinfo/?id__in={exercise['id']},{exercise['id'] + 1}"


def after_write(workers, exercise, tags, check) -> None:
    """Both workers show the change on the detail and on a page, with a new ETag."""
    for app, tag in zip(workers, tags, strict=True):
        detail = read(app, info_path(exercise))
        check(detail.get_json())
        assert detail.headers["ETag"] != tag
        page = read(app, page_path(exercise)).get_json()
        check(next(row for row in page["results"] if row["id"] == exercise["id"]))


def test_translation_write(workers, writer, exercise):
    name = f"Renamed {uuid.uuid4().hex[:8]}"
    with kept_on_both(workers, info_path(exercise)) as tags:
        for app in workers:
            read(app, page_path(exercise))
        writer(
            "UPDATE exercises_translation SET name = :name WHERE id = :id",
            name=name,
            id=exercise["translation_id"],
        )
    after_write(
        workers,
        exercise,
        tags,
        lambda info: name in [translation["name"] for translation in info["translations"]],
    )
    for app in workers:
        body = read(app, f"/api/v2/exercise-translation/{exercise['translation_id']}/").get_json()
        assert body["name"] == name


def test_alias_write_shows_and_is_searched(workers, writer, exercise):
    alias = f"zyx{uuid.uuid4().hex[:8]}"
    search = f"/api/v2/exerciseinfo/?name__search={alias}"
    for app in workers:
        assert read(app, search).get_json()["count"] == 0
    with kept_on_both(workers, info_path(exercise)) as tags:
        writer(
            "INSERT INTO exercises_alias (uuid, translation_id, alias) VALUES (:uuid, :t, :alias)",
            uuid=str(uuid.uuid4()),
            t=exercise["translation_id"],
            alias=alias,
        )

    def has_alias(info):
        aliases = [a["alias"] for t in info["translations"] for a in t["aliases"]]
        assert alias in aliases
        return True

    after_write(workers, exercise, tags, has_alias)
    for app in workers:
        found = read(app, search).get_json()
        assert [row["id"] for row in found["results"]] == [exercise["id"]]


def test_comment_write(workers, writer, exercise):
    comment = f"Keep the back straight {uuid.uuid4().hex[:8]}"
    with kept_on_both(workers, info_path(exercise)) as tags:
        writer(
            "INSERT INTO exercises_exercisecomment (uuid, translation_id, comment) "
            "VALUES (:uuid, :t, :comment)",
            uuid=str(uuid.uuid4()),
            t=exercise["translation_id"],
            comment=comment,
        )
    after_write(
        workers,
        exercise,
        tags,
        lambda info: comment in [n["comment"] for t in info["translations"] for n in t["notes"]],
    )


LICENSED = (
    "license_id, license_title, license_object_url, license_author, license_author_url, "
    "license_derivative_source_url"
)
LICENSED_VALUES = "1, '', '', 'someone', '', ''"


def test_image_write_has_the_requesting_host(workers, writer, exercise):
    image = f"exercise-images/{uuid.uuid4().hex[:8]}.png"
    with kept_on_both(workers, info_path(exercise)) as tags:
        writer(
            "INSERT INTO exercises_exerciseimage (uuid, exercise_id, image, is_main, "
            f"is_ai_generated, style, created, last_update, {LICENSED}) VALUES (:uuid, :e, "
            f":image, true, false, '1', '2026-12-01 10:00:00', '2026-12-01 10:00:00', "
            f"{LICENSED_VALUES})",
            uuid=str(uuid.uuid4()),
            e=exercise["id"],
            image=image,
        )
    after_write(
        workers,
        exercise,
        tags,
        lambda info: f"http://localhost/media/{image}" in [i["image"] for i in info["images"]],
    )
    # The same kept piece serves another host name with its own URLs.
    workers[0].config["TRUSTED_HOSTS"] = [
        "api.example.org",
        "localhost",
    ]  # a host the site answers to
    other = workers[0].test_client().get(info_path(exercise), base_url="https://api.example.org")
    urls = [i["image"] for i in other.get_json()["images"]]
    assert f"https://api.example.org/media/{image}" in urls
    assert not any(rendering.HOST in url for url in urls)


def test_video_write(workers, writer, exercise):
    video = f"exercise-videos/{uuid.uuid4().hex[:8]}.mp4"
    with kept_on_both(workers, info_path(exercise)) as tags:
        writer(
            "INSERT INTO exercises_exercisevideo (uuid, exercise_id, video, is_main, size, "
            "duration, width, height, codec, codec_long, created, last_update, "
            f"{LICENSED}) VALUES (:uuid, :e, :video, false, 10, 1.5, 640, 480, 'h264', '', "
            f"'2026-12-01 10:00:00', '2026-12-01 10:00:00', {LICENSED_VALUES})",
            uuid=str(uuid.uuid4()),
            e=exercise["id"],
            video=video,
        )
    after_write(
        workers,
        exercise,
        tags,
        lambda info: f"http://localhost/media/{video}" in [v["video"] for v in info["videos"]],
    )


def test_muscle_write(workers, writer, exercise):
    name = f"Musculus {uuid.uuid4().hex[:8]}"
    with (
        kept_on_both(workers, info_path(exercise)) as tags,
        kept_on_both(workers, "/api/v2/muscle/"),
    ):
        writer(
            "UPDATE exercises_muscle SET name_en = :name WHERE id = :id",
            name=name,
            id=exercise["muscle_id"],
        )
    after_write(
        workers, exercise, tags, lambda info: name in [m["name_en"] for m in info["muscles"]]
    )
    for app in workers:
        names = [m["name_en"] for m in read(app, "/api/v2/muscle/").get_json()["results"]]
        assert name in names


def test_muscle_link_write(workers, writer, exercise):
    other_muscle = writer(
        "SELECT id FROM exercises_muscle WHERE id NOT IN "
        "(SELECT muscle_id FROM exercises_exercise_muscles_secondary WHERE exercise_id = :e) "
        "ORDER BY id LIMIT 1",
        e=exercise["id"],
    )[0][0]
    with kept_on_both(workers, info_path(exercise)) as tags:
        writer(
            "INSERT INTO exercises_exercise_muscles_secondary (exercise_id, muscle_id) "
            "VALUES (:e, :m)",
            e=exercise["id"],
            m=other_muscle,
        )
    after_write(
        workers,
        exercise,
        tags,
        lambda info: other_muscle in [m["id"] for m in info["muscles_secondary"]],
    )
    for app in workers:
        flat = read(app, f"/api/v2/exercise/{exercise['id']}/").get_json()
        assert other_muscle in flat["muscles_secondary"]


def test_equipment_write(workers, writer, exercise):
    name = f"Rack {uuid.uuid4().hex[:8]}"
    with kept_on_both(workers, info_path(exercise)) as tags:
        writer(
            "UPDATE exercises_equipment SET name = :name WHERE id = :id",
            name=name,
            id=exercise["equipment_id"],
        )
    after_write(
        workers, exercise, tags, lambda info: name in [q["name"] for q in info["equipment"]]
    )


def test_category_write(workers, writer, exercise):
    name = f"Category {uuid.uuid4().hex[:8]}"
    with kept_on_both(workers, info_path(exercise)) as tags:
        writer(
            "UPDATE exercises_exercisecategory SET name = :name "
            "WHERE id = (SELECT category_id FROM exercises_exercise WHERE id = :e)",
            name=name,
            e=exercise["id"],
        )
    after_write(workers, exercise, tags, lambda info: info["category"]["name"] == name)


def test_license_write(workers, writer, exercise):
    name = f"License {uuid.uuid4().hex[:8]}"
    with kept_on_both(workers, info_path(exercise)) as tags:
        writer(
            "UPDATE core_license SET full_name = :name WHERE id = :id",
            name=name,
            id=exercise["license_id"],
        )
    after_write(workers, exercise, tags, lambda info: info["license"]["full_name"] == name)


def test_language_write(workers, writer, exercise):
    """A new language, then a translation in it: the language filter finds the exercise."""
    by_code = "/api/v2/exerciseinfo/?language__code=qq"
    languages = "/api/v2/language/?short_name=qq"
    with kept_on_both(workers, by_code), kept_on_both(workers, languages):
        language = writer(
            "INSERT INTO core_language (short_name, full_name, full_name_en) "
            "VALUES ('qq', 'Qq', 'Qq') RETURNING id"
        )[0][0]
    for app in workers:
        assert read(app, languages).get_json()["count"] == 1
    writer(
        "INSERT INTO exercises_translation (uuid, exercise_id, language_id, name, description, "
        f"description_source, created, last_update, {LICENSED}) VALUES (:uuid, :e, :l, "
        "'Qq name', '', '', '2026-12-01 10:00:00', '2026-12-01 10:00:00', "
        f"{LICENSED_VALUES})",
        uuid=str(uuid.uuid4()),
        e=exercise["id"],
        l=language,
    )
    for app in workers:
        body = read(app, by_code).get_json()
        assert [row["id"] for row in body["results"]] == [exercise["id"]]


def test_exercise_write_and_delete(workers, writer, exercise):
    """A new exercise shows in the list; deleted, it is gone (its kept piece is never used)."""
    listing = "/api/v2/exerciseinfo/?limit=1&ordering=-id"
    total = read(workers[0], listing).get_json()["count"]
    with kept_on_both(workers, listing):
        new_id = writer(
            "INSERT INTO exercises_exercise (uuid, category_id, created, last_update, "
            f"{LICENSED}) SELECT :uuid, category_id, created, last_update, {LICENSED} "
            "FROM exercises_exercise WHERE id = :e RETURNING id",
            uuid=str(uuid.uuid4()),
            e=exercise["id"],
        )[0][0]
    for app in workers:
        body = read(app, listing).get_json()
        assert body["results"][0]["id"] == new_id
        assert body["count"] == total + 1
    writer("DELETE FROM exercises_exercise WHERE id = :id", id=new_id)
    for app in workers:
        body = read(app, listing).get_json()
        assert body["results"][0]["id"] != new_id
        assert body["count"] == total
        assert app.test_client().get(f"/api/v2/exerciseinfo/{new_id}/").status_code == 404


def test_a_write_renders_again_only_the_exercises_it_touched(workers, writer, exercise):
    """Stamps: a translation write moves its exercise's stamp only; a muscle write moves the
    stamps of the exercises that show that muscle, and no other."""

    def stamps():
        return dict(writer("SELECT exercise_id, stamp FROM exercises_exercise_stamp"))

    before = stamps()
    writer(
        "UPDATE exercises_translation SET description = :d WHERE id = :id",
        d=uuid.uuid4().hex,
        id=exercise["translation_id"],
    )
    after = stamps()
    assert {key for key in before if before[key] != after.get(key)} == {exercise["id"]}
    users = {
        row[0]
        for row in writer(
            "SELECT exercise_id FROM exercises_exercise_muscles WHERE muscle_id = :m UNION "
            "SELECT exercise_id FROM exercises_exercise_muscles_secondary WHERE muscle_id = :m",
            m=exercise["muscle_id"],
        )
    }
    writer(
        "UPDATE exercises_muscle SET name = :n WHERE id = :m",
        n=uuid.uuid4().hex[:20],
        m=exercise["muscle_id"],
    )
    moved = stamps()
    assert {key for key in after if after[key] != moved.get(key)} == users


def test_a_database_outage_is_a_503_even_for_a_kept_answer(workers, monkeypatch):
    """The generation is read off the ORM session: a driver error there is still the 503."""
    app = workers[0]
    read(app, "/api/v2/muscle/")
    with app.app_context():
        engine = db.engine
    dbapi = engine.dialect.loaded_dbapi

    class Unreachable:
        def cursor(self):
            return self

        def execute(self, *args):
            raise dbapi.OperationalError("server closed the connection unexpectedly")

        def close(self):
            pass

    monkeypatch.setattr(type(engine), "raw_connection", lambda self: Unreachable())
    response = app.test_client().get("/api/v2/muscle/")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
