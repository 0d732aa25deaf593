"""Two apps (two workers, each with its own kept answers) on one committed database, and a
writer of its own: the fixtures of the tests that a write is in the next read on every worker.

Use in a test module as ``workers = two_workers.workers`` (and so on): module-scoped, each
module gets its own database.
"""

from __future__ import annotations

import contextlib

import pytest
import sqlalchemy as sa

from wger_flask import create_app
from wger_flask.config import TestConfig
from wger_flask.extensions import db


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
