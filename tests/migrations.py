"""Tests of one migration on a database that was made at an older revision: ``database_at``
builds it (SQLite in the test's folder, or a fresh PostgreSQL database with
``--database=postgres``), migrated to that revision with the catalogue loaded, and yields it
in its app's context; the test fills it as the old code did, commits, upgrades and looks.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import downgrade, upgrade

from tests.conftest import fresh_postgres_database
from wger_flask import create_app
from wger_flask.config import TestConfig
from wger_flask.extensions import db


@dataclass
class OldDatabase:
    """The database under test and its app (whose context is the current one)."""

    app: Flask
    directory: str  # the Alembic migrations

    def upgrade(self, revision: str = "head") -> None:
        # a closed session: the reads after see the migrated database, not a snapshot
        db.session.close()
        upgrade(directory=self.directory, revision=revision)

    def downgrade(self, revision: str) -> None:
        db.session.close()
        downgrade(directory=self.directory, revision=revision)


@contextlib.contextmanager
def database_url(request: pytest.FixtureRequest, folder: Path) -> Iterator[str]:
    """A database of its own for the test, on the backend the run selected."""
    request.getfixturevalue("instance_dir")  # the app's instance folder is the run's
    if request.config.getoption("--database") == "postgres":
        with fresh_postgres_database() as url:
            yield url
    else:
        yield f"sqlite:///{folder / 'old.sqlite3'}"


@contextlib.contextmanager
def database_at(
    revision: str, request: pytest.FixtureRequest, folder: Path
) -> Iterator[OldDatabase]:
    """A database at ``revision`` with the catalogue loaded, in its app's context; afterwards
    the test session's ``db.session`` is put back (the app replaced it) and the connections
    are closed (PostgreSQL can then drop the database)."""
    with database_url(request, folder) as url:
        app = create_app(TestConfig(url))
        original = db.session
        try:
            with app.app_context():
                from wger_flask.cli import load_catalogue

                directory = app.extensions["migrate"].directory
                upgrade(directory=directory, revision=revision)
                load_catalogue()
                yield OldDatabase(app, directory)
        finally:
            db.session = original
            with app.app_context():
                db.engine.dispose()
