"""A contribution written through one worker is in the very next read on another worker
(each keeps its own catalogue answers), through the API's own write routes."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.api.catalogue.conftest import ENGLISH
from wger_flask import create_app
from wger_flask.config import TestConfig
from wger_flask.extensions import db


@pytest.fixture(scope="module")
def database_of_two_workers(bootstrapped_copy, tmp_path_factory):
    with bootstrapped_copy(tmp_path_factory.mktemp("contrib")) as url:
        yield url


@pytest.fixture(scope="module")
def two_workers(database_of_two_workers, instance_dir):
    apps = [create_app(TestConfig(database_of_two_workers)) for _ in range(2)]
    with apps[0].app_context():
        from wger_flask.services.accounts import tokens, users
        from wger_flask.services.catalogue import permissions

        writer = users.create_user("writer", "correct horse battery", email="w@example.com")
        writer.email_verified = True
        writer.date_joined = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
        permissions.grant(writer, "exercise.delete")
        db.session.commit()
        headers = {"Authorization": f"Bearer {tokens.mint_access(writer)}"}
    yield apps, headers
    for app in apps:
        with app.app_context():
            db.engine.dispose()


def get(app, path):
    response = app.test_client().get(path)
    assert response.status_code == 200
    return response


def test_writes_through_one_worker_show_on_the_other(two_workers):
    (first, second), headers = two_workers
    path = "/api/v2/exerciseinfo/9/"
    kept = [get(app, path).headers["ETag"] for app in (first, second)]
    assert [get(app, path).headers["ETag"] for app in (first, second)] == kept  # kept answers

    client = first.test_client()
    translation = client.post(
        "/api/v2/exercise-translation/",
        json={"exercise": 9, "name": "Worker press", "description_source": ENGLISH, "language": 7},
        headers=headers,
    )
    # the shipped exercise 9 has no Portuguese translation; English text declared Portuguese
    assert translation.status_code == 400
    alias = client.post(
        "/api/v2/exercisealias/",
        json={"translation": get(first, path).get_json()["translations"][0]["id"], "alias": "Wx"},
        headers=headers,
    )
    assert alias.status_code == 201
    for app, etag in zip((first, second), kept, strict=True):
        answer = get(app, path)
        assert answer.headers["ETag"] != etag
        aliases = [a["alias"] for t in answer.get_json()["translations"] for a in t["aliases"]]
        assert "Wx" in aliases

    patched = client.patch("/api/v2/exercise/9/", json={"category": 11}, headers=headers)
    assert patched.status_code == 200
    assert get(second, path).get_json()["category"]["id"] == 11
    assert 9 in [
        row["id"]
        for row in get(second, "/api/v2/exercise/?category=11&limit=1000").get_json()["results"]
    ]

    assert second.test_client().delete("/api/v2/exercise/9/", headers=headers).status_code == 204
    assert first.test_client().get(path).status_code == 404
    logged = get(first, "/api/v2/deletion-log/?model_type=base").get_json()["results"]
    assert [row["uuid"] for row in logged] == ["1b020b3a-3732-4c7e-92fd-a0cec90ed69b"]
