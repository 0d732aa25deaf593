"""A server that imported the upstream fixture (``shared/fixtures/upstream-wger/``) once per
module: its own database (SQLite, or a fresh PostgreSQL database with ``--database=postgres``)
and media folder, the import run by the real ``flask import-wger`` command after a dry run."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.upstream_answers import upstream_dir
from wger_flask import create_app
from wger_flask.config import TestConfig
from wger_flask.extensions import db

FIXTURE = upstream_dir()
SKIP_REASON = (
    "the upstream fixture (shared/fixtures/upstream-wger/) is not here: set WGER_FIXTURES_DIR "
    "or put shared/fixtures beside the checkout"
)


@dataclass
class Imported:
    app: Any
    url: str
    media_root: Path
    dry_run_output: str
    output: str
    manifest: dict

    def user(self, username: str):
        from wger_flask.models.accounts import User

        return db.session.execute(select(User).where(User.username == username)).scalar_one()


@contextlib.contextmanager
def database_for(request: pytest.FixtureRequest, folder: Path) -> Iterator[str]:
    """The importing server's own database on the suite's backend, bootstrapped (a copy of the
    run's template, ``bootstrapped_copy``)."""
    with request.getfixturevalue("bootstrapped_copy")(folder) as url:
        yield url


def source_url() -> str:
    return f"sqlite:///{FIXTURE / 'upstream-A.sqlite3'}"


def make_server(url: str, media_root: Path):
    config = TestConfig(url)
    config.RATELIMIT_ENABLED = False
    config.MEDIA_ROOT = str(media_root)
    return create_app(config)  # on a database_for() database: migrated, catalogue loaded


def table_counts(app) -> dict[str, int]:
    """Rows per table of the server (the import's tables and the rest)."""
    with app.app_context():
        return {
            table.name: db.session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in db.metadata.sorted_tables
        }


@pytest.fixture(scope="module")
def imported(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    if FIXTURE is None:
        pytest.skip(SKIP_REASON)
    folder = tmp_path_factory.mktemp("imported")
    with database_for(request, folder) as url:
        media_root = folder / "media"
        app = make_server(url, media_root)
        runner = app.test_cli_runner()
        command = ["import-wger", source_url(), "--media", str(FIXTURE / "media")]
        before = table_counts(app)
        dry = runner.invoke(args=[*command, "--dry-run"])
        assert dry.exit_code == 0, dry.output
        assert table_counts(app) == before, "the dry run wrote something"
        assert not any(media_root.rglob("*.*")), "the dry run stored files"
        done = runner.invoke(args=command)
        assert done.exit_code == 0, done.output
        manifest = json.loads((FIXTURE / "manifest-A.json").read_text())
        yield Imported(app, url, media_root, dry.output, done.output, manifest)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
